using Moosermail.Core.Emails;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// How delivery events move an email's status. Webhooks arrive out of order and are retried, so the status only
/// ever moves forward: a later stage replaces an earlier one, a terminal status (bounced, complained, failed,
/// suppressed, canceled) is never replaced, and the first terminal status to arrive stays. The webhook fold applies
/// the same table in SQL (migration 0120's email_status_rank, checked against this one by EmailStatusRankTests).
/// </summary>
public static class EmailStatusRules
{
    /// <summary>The one rank table. Equal ranks never replace each other.</summary>
    private static readonly Dictionary<string, int> s_rank = new(StringComparer.Ordinal)
    {
        [EmailStatus.Queued] = 0,
        [EmailStatus.Scheduled] = 0,
        [EmailStatus.Sending] = 1,
        [EmailStatus.Sent] = 2,
        [EmailStatus.DeliveryDelayed] = 3,
        [EmailStatus.Delivered] = 4,
        [EmailStatus.Opened] = 5,
        [EmailStatus.Clicked] = 6,
        [EmailStatus.Bounced] = Terminal,
        [EmailStatus.Complained] = Terminal,
        [EmailStatus.Failed] = Terminal,
        [EmailStatus.Suppressed] = Terminal,
        [EmailStatus.Canceled] = Terminal,
    };

    private const int Terminal = 100;

    /// <summary>The email status a Resend event type stands for, or null when it does not describe an outbound email.</summary>
    public static string? StatusOf(string eventType) => eventType switch
    {
        "email.scheduled" => EmailStatus.Scheduled,
        "email.sent" => EmailStatus.Sent,
        "email.delivery_delayed" => EmailStatus.DeliveryDelayed,
        "email.delivered" => EmailStatus.Delivered,
        "email.opened" => EmailStatus.Opened,
        "email.clicked" => EmailStatus.Clicked,
        "email.bounced" => EmailStatus.Bounced,
        "email.complained" => EmailStatus.Complained,
        "email.failed" => EmailStatus.Failed,
        "email.suppressed" => EmailStatus.Suppressed,
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
