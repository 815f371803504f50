namespace Moosermail.Core.Emails;

/// <summary>
/// The statuses an email in the send log can have, as stored in <c>emails.status</c> and shown by the API.
/// How delivery events move between them is <see cref="Moosermail.Core.Webhooks.EmailStatusRules"/>.
/// </summary>
public static class EmailStatus
{
    /// <summary>Accepted and waiting in the outbox for its (next) attempt.</summary>
    public const string Queued = "queued";

    /// <summary>Accepted with a scheduled_at; waits in the outbox until then.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>A dispatcher holds its job and is calling Resend.</summary>
    public const string Sending = "sending";

    /// <summary>Resend accepted it and gave it a Resend id.</summary>
    public const string Sent = "sent";

    public const string DeliveryDelayed = "delivery_delayed";

    public const string Delivered = "delivered";

    public const string Opened = "opened";

    public const string Clicked = "clicked";

    public const string Bounced = "bounced";

    public const string Complained = "complained";

    /// <summary>Refused by Resend, or given up after the bounded attempts; last_error says why.</summary>
    public const string Failed = "failed";

    public const string Suppressed = "suppressed";

    /// <summary>A scheduled email cancelled before it was sent.</summary>
    public const string Canceled = "canceled";

    /// <summary>Every status, in the order the API lists them.</summary>
    public static readonly IReadOnlyList<string> All =
        [Queued, Scheduled, Sending, Sent, Delivered, DeliveryDelayed, Opened, Clicked, Bounced, Complained, Failed, Canceled, Suppressed];
}
