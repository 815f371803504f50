namespace Moosermail.Core.Webhooks;

/// <summary>
/// How delivery events move an email's status. Webhooks arrive out of order and are retried, so the status only
/// ever moves forward: a later stage replaces an earlier one, a terminal status (bounced, complained, failed,
/// suppressed, canceled) is never replaced, and the first terminal status to arrive stays.
/// </summary>
public static class EmailStatusRules
{
    /// <summary>The one rank table. Equal ranks never replace each other.</summary>
    private static readonly Dictionary<string, int> s_rank = new(StringComparer.Ordinal)
    {
        ["queued"] = 0,
        ["scheduled"] = 0,
        ["sending"] = 1,
        ["sent"] = 2,
        ["delivery_delayed"] = 3,
        ["delivered"] = 4,
        ["opened"] = 5,
        ["clicked"] = 6,
        ["bounced"] = Terminal,
        ["complained"] = Terminal,
        ["failed"] = Terminal,
        ["suppressed"] = Terminal,
        ["canceled"] = Terminal,
    };

    private const int Terminal = 100;

    /// <summary>The email status a Resend event type stands for, or null when it does not describe an outbound email.</summary>
    public static string? StatusOf(string eventType) => eventType switch
    {
        "email.scheduled" => "scheduled",
        "email.sent" => "sent",
        "email.delivery_delayed" => "delivery_delayed",
        "email.delivered" => "delivered",
        "email.opened" => "opened",
        "email.clicked" => "clicked",
        "email.bounced" => "bounced",
        "email.complained" => "complained",
        "email.failed" => "failed",
        "email.suppressed" => "suppressed",
        _ => null,
    };

    /// <summary>The status after <paramref name="incoming"/> is applied to an email that is <paramref name="current"/>.</summary>
    public static string Next(string current, string? incoming)
    {
        if (incoming is null || !s_rank.TryGetValue(incoming, out var next))
        {
            return current;
        }

        var now = s_rank.GetValueOrDefault(current, 0);
        return now < Terminal && next > now ? incoming : current;
    }
}
