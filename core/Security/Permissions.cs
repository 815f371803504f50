namespace Moosermail.Core.Security;

/// <summary>Permission strings and the default set of each role. Roles are data, not code paths.</summary>
public static class Permissions
{
    public const string EmailsSend = "emails:send";
    public const string EmailsRead = "emails:read";
    public const string TemplatesRead = "templates:read";
    public const string TemplatesWrite = "templates:write";
    public const string TriggersRead = "triggers:read";
    public const string TriggersWrite = "triggers:write";
    public const string ContactsRead = "contacts:read";
    public const string ContactsWrite = "contacts:write";
    public const string SendersRead = "senders:read";
    public const string SendersWrite = "senders:write";
    public const string ApiKeysRead = "api_keys:read";
    public const string ApiKeysWrite = "api_keys:write";
    public const string WebhooksRead = "webhooks:read";
    public const string WebhooksWrite = "webhooks:write";
    public const string TeamAdmin = "team:admin";
    public const string AuditRead = "audit:read";
    public const string InboxRead = "inbox:read";
    public const string InboxWrite = "inbox:write";
    public const string DraftsWrite = "drafts:write";
    public const string CronRead = "cron:read";
    public const string CronWrite = "cron:write";
    public const string PipesRead = "pipes:read";
    public const string PipesWrite = "pipes:write";

    public static readonly IReadOnlyList<string> All =
    [
        EmailsSend, EmailsRead, TemplatesRead, TemplatesWrite, TriggersRead, TriggersWrite, ContactsRead, ContactsWrite,
        SendersRead, SendersWrite, ApiKeysRead, ApiKeysWrite, WebhooksRead, WebhooksWrite, TeamAdmin, AuditRead,
        InboxRead, InboxWrite, DraftsWrite,
        CronRead, CronWrite,
        PipesRead, PipesWrite,
    ];

    private static readonly IReadOnlyList<string> s_member =
    [
        EmailsSend, EmailsRead, TemplatesRead, TemplatesWrite, TriggersRead, ContactsRead, ContactsWrite,
        SendersRead, ApiKeysRead, ApiKeysWrite, WebhooksRead,
        InboxRead, InboxWrite, DraftsWrite,
        CronRead,
        // Reading pipes only: a pipe forwards or posts the team's received mail elsewhere, so writing one is an admin's call.
        PipesRead,
    ];

    public static IReadOnlyList<string> ForRole(string role) => role switch
    {
        Roles.Owner or Roles.Admin => All,
        Roles.Member => s_member,
        _ => [],
    };

    /// <summary>
    /// A member's effective set: the role's defaults plus <paramref name="granted"/>, minus <paramref name="revoked"/>.
    /// An owner always holds every permission (ownership cannot be narrowed, only transferred). Unknown strings are ignored.
    /// </summary>
    public static IReadOnlySet<string> Effective(string role, IEnumerable<string>? granted, IEnumerable<string>? revoked)
    {
        if (role == Roles.Owner)
        {
            return All.ToHashSet(StringComparer.Ordinal);
        }

        var set = ForRole(role).ToHashSet(StringComparer.Ordinal);
        if (ForRole(role).Count == 0)
        {
            return set;
        }

        set.UnionWith((granted ?? []).Where(All.Contains));
        set.ExceptWith(revoked ?? []);
        return set;
    }
}

public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
}
