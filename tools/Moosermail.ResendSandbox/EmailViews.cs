namespace Moosermail.ResendSandbox;

/// <summary>The Email object of GET /emails/{id}; the list leaves out html, text and tags, as Resend does.</summary>
public static class EmailViews
{
    public static object Full(SandboxEmail e) => new
    {
        @object = "email",
        id = e.Id,
        to = e.To,
        from = e.From,
        created_at = SandboxJson.Rest(e.CreatedAt),
        subject = e.Subject,
        html = e.Html,
        text = e.Text,
        bcc = e.Bcc,
        cc = e.Cc,
        reply_to = e.ReplyTo,
        last_event = e.LastEvent,
        scheduled_at = e.ScheduledAt is { } at ? SandboxJson.Rest(at) : null,
        tags = e.Tags.Select(t => new { name = t.Key, value = t.Value }),
    };

    public static object Summary(SandboxEmail e) => new
    {
        id = e.Id,
        to = e.To,
        from = e.From,
        created_at = SandboxJson.Rest(e.CreatedAt),
        subject = e.Subject,
        bcc = e.Bcc,
        cc = e.Cc,
        reply_to = e.ReplyTo,
        last_event = e.LastEvent,
        scheduled_at = e.ScheduledAt is { } at ? SandboxJson.Rest(at) : null,
    };

    public static object Received(ReceivedEmail e, bool full) => full
        ? new
        {
            @object = "email",
            id = e.Id,
            to = e.To,
            from = e.From,
            subject = e.Subject,
            message_id = e.MessageId,
            cc = e.Cc.Count == 0 ? null : e.Cc,
            bcc = (string[]?)null,
            reply_to = (string[]?)null,
            html = e.Html,
            text = e.Text,
            headers = e.Headers(),
            created_at = SandboxJson.Iso(e.CreatedAt),
            attachments = e.Attachments.Select(a => ReceivedMail.AttachmentView(a, null)),
        }
        : new
        {
            id = e.Id,
            to = e.To,
            from = e.From,
            subject = e.Subject,
            message_id = e.MessageId,
            cc = e.Cc.Count == 0 ? null : e.Cc,
            bcc = (string[]?)null,
            reply_to = (string[]?)null,
            created_at = SandboxJson.Iso(e.CreatedAt),
            attachments = e.Attachments.Select(a => ReceivedMail.AttachmentView(a, null)),
        };
}
