using System.Text.Json;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Mcp;

/// <summary>One tool: its name, the one permission a call needs, whether it sends mail, and what tools/list shows.</summary>
public sealed record McpToolDefinition(string Name, string Permission, bool Sends, string Description, string Schema)
{
    /// <summary>The argument names the schema declares; a call naming another is refused.</summary>
    public IReadOnlySet<string> Arguments { get; } =
        JsonDocument.Parse(Schema).RootElement.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    public Tool ToTool() => new()
    {
        Name = Name,
        Description = $"{Description} Needs {Permission}.",
        InputSchema = JsonElement.Parse(Schema),
        Annotations = new ToolAnnotations { ReadOnlyHint = !Sends && Permission.EndsWith(":read", StringComparison.Ordinal), OpenWorldHint = Sends },
    };
}

/// <summary>
/// The tools, with Moosermail's documented names (product reference §2.16). The inbox tools read received mail;
/// the send log is list_sent (every email the team sent) and send_log (the original's automated-send log).
/// </summary>
public static class McpToolCatalog
{
    public const string ListEmails = "list_emails";
    public const string ReadEmail = "read_email";
    public const string WriteDraft = "write_draft";
    public const string SendEmail = "send_email";
    public const string SendTemplate = "send_template";
    public const string GetTemplate = "get_template";
    public const string ListTemplates = "list_templates";
    public const string ListTriggers = "list_triggers";
    public const string FireTrigger = "fire_trigger";
    public const string SendLog = "send_log";
    public const string ListSent = "list_sent";
    public const string GetSent = "get_sent";
    public const string ListSenders = "list_senders";
    public const string ListCronJobs = "list_cron_jobs";
    public const string ListPipes = "list_pipes";

    private const string IdempotencyKey = """
        "idempotency_key":{"type":"string","minLength":1,"maxLength":255,"description":"Any unique text (e.g. a UUID). Calling again with the same key and arguments returns the first result and sends nothing new, so a retry after a timeout is safe."}
        """;

    private const string Recipients = """{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"maxItems":50}]""";

    public static readonly IReadOnlyList<McpToolDefinition> All =
    [
        new(ListEmails, Permissions.InboxRead, Sends: false,
            "The team's inbox (received mail), newest first: id, from, subject, snippet, read state, labels, thread. Hidden emails are left out. Page with `cursor`.",
            """
            {"type":"object","properties":{
              "limit":{"type":"integer","minimum":1,"maximum":100,"default":20},
              "unread":{"type":"boolean","description":"true: only unread emails; false: only read ones."},
              "q":{"type":"string","description":"Full-text search over from, subject and text."},
              "from":{"type":"string","description":"Only emails from this address."},
              "label":{"type":"string"},
              "thread":{"type":"string","format":"uuid","description":"Only the emails of this thread."},
              "cursor":{"type":"string","description":"next_cursor of the previous page."}}}
            """),
        new(ReadEmail, Permissions.InboxRead, Sends: false,
            "One received email (an id from list_emails) as text: its headers, attachments, then its text body (else its HTML). Reading marks nothing.",
            """{"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}"""),
        new(WriteDraft, Permissions.DraftsWrite, Sends: false,
            "Save a draft on the server, NOT sent: the team sees it in the dashboard's drafts (GET /api/drafts) and a person sends it. With `reply_to_id` (an id from list_emails) it is a reply: recipients, `Re:` subject and threading come from that email.",
            $$"""
            {"type":"object","properties":{
              "to":{{Recipients}},"description":"Recipient address, or an array of addresses."},
              "cc":{{Recipients}}},
              "bcc":{{Recipients}}},
              "subject":{"type":"string"},
              "body":{"type":"string","description":"Plain-text body."},
              "html":{"type":"string","description":"HTML body."},
              "from":{"type":"string","description":"A from address the team has a sender for."},
              "reply_to_id":{"type":"string","format":"uuid","description":"The received email this draft answers."},
              "quote":{"type":"boolean","description":"With reply_to_id: false sends only what you wrote; by default the received email is quoted below the reply when it is sent."}
              },
             "required":["body"]}
            """),
        new(SendEmail, Permissions.EmailsSend, Sends: true,
            "Send an email from one of the team's senders (the default sender unless `from` names another). Give `body` (plain text) and/or `html`, or a `template_id` with `variables`. Returns the email's id and status.",
            $$"""
            {"type":"object","properties":{
              "to":{{Recipients}},"description":"Recipient address, or an array of addresses."},
              "cc":{{Recipients}}},
              "bcc":{{Recipients}}},
              "reply_to":{{Recipients}}},
              "subject":{"type":"string"},
              "body":{"type":"string","description":"Plain-text body."},
              "html":{"type":"string","description":"HTML body."},
              "from":{"type":"string","description":"A from address the team has a sender for."},
              "template_id":{"type":"string","format":"uuid"},
              "variables":{"type":"object","description":"Values for the template's variables."},
              "scheduled_at":{"type":"string","format":"date-time","description":"Send later (ISO 8601)."},
              {{IdempotencyKey}}},
             "required":["to"]}
            """),
        new(SendTemplate, Permissions.EmailsSend, Sends: true,
            "Render one of the team's templates with `variables` and send it to `to` (see list_templates / get_template for the variables each needs). Logged in the send log.",
            $$"""
            {"type":"object","properties":{
              "template_id":{"type":"string","format":"uuid"},
              "to":{{Recipients}},"description":"Recipient address, or an array of addresses."},
              "variables":{"type":"object","description":"Values for the template's variables."},
              "from":{"type":"string","description":"A from address the team has a sender for."},
              {{IdempotencyKey}}},
             "required":["template_id","to"]}
            """),
        new(FireTrigger, Permissions.EmailsSend, Sends: true,
            "Fire one of the team's triggers by its id (see list_triggers), as POST /api/triggers/{id}/fire: its template goes to `to`, or to the trigger's default recipient, or to every subscribed contact with tag `to_tag`.",
            $$"""
            {"type":"object","properties":{
              "id":{"type":"string","format":"uuid","description":"The trigger's id (not its key)."},
              "to":{{Recipients}},"description":"Recipients; the trigger's default_to when omitted."},
              "to_tag":{"type":"string","description":"Send to every subscribed contact with this tag instead."},
              "variables":{"type":"object","description":"Values for the template's variables."},
              {{IdempotencyKey}}},
             "required":["id"]}
            """),
        new(GetTemplate, Permissions.TemplatesRead, Sends: false,
            "One of the team's templates: subject, HTML and text bodies, and the variables it uses.",
            """{"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}"""),
        new(ListTemplates, Permissions.TemplatesRead, Sends: false,
            "The team's templates: id, name, subject and the variables each uses.",
            """{"type":"object","properties":{}}"""),
        new(ListTriggers, Permissions.TriggersRead, Sends: false,
            "The team's triggers: id, name, template, default recipient, whether enabled. Never the trigger keys.",
            """{"type":"object","properties":{}}"""),
        new(SendLog, Permissions.EmailsRead, Sends: false,
            "The send log: recent sends newest first, with the template, trigger or cron job behind each and the error of a failed one.",
            """{"type":"object","properties":{"limit":{"type":"integer","minimum":1,"maximum":200,"default":50}}}"""),
        new(ListSent, Permissions.EmailsRead, Sends: false,
            "Emails the team sent, newest first, with their delivery status; page with `cursor`.",
            """
            {"type":"object","properties":{
              "status":{"type":"string","description":"e.g. queued, scheduled, sent, delivered, bounced, complained, failed."},
              "to":{"type":"string","description":"Only emails to this address."},
              "limit":{"type":"integer","minimum":1,"maximum":100,"default":20},
              "cursor":{"type":"string","description":"next_cursor of the previous page."}}}
            """),
        new(GetSent, Permissions.EmailsRead, Sends: false,
            "One sent email (an id from list_sent, send_email or send_log) with its delivery events.",
            """{"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}"""),
        new(ListCronJobs, Permissions.CronRead, Sends: false,
            "The team's cron jobs: schedule, zone, template, recipients, whether enabled, and the next run times.",
            """{"type":"object","properties":{}}"""),
        new(ListPipes, Permissions.PipesRead, Sends: false,
            "The team's pipes on received mail: their conditions (match_from, match_subject, match_body, match_all) and actions.",
            """{"type":"object","properties":{}}"""),
        new(ListSenders, Permissions.SendersRead, Sends: false,
            "The team's senders: from addresses and key hints (never the keys); the default one sends unless `from` says otherwise.",
            """{"type":"object","properties":{}}"""),
    ];

    public static McpToolDefinition? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
