using System.Globalization;
using System.Text;
using Moosermail.Core.Inbox;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// A received email as read_email shows it: mail-style header lines, the attachment list, a blank line, then the
/// text body (else the HTML, else a note why there is none). Plain text reads better for a model than a JSON string
/// full of \n escapes, and it is how the original product's read_email answered.
/// </summary>
public static class McpEmailText
{
    public static string Render(ReceivedEmail email)
    {
        var text = new StringBuilder();
        Line(text, "Id", email.Id.ToString());
        Line(text, "From", email.From);
        Line(text, "To", string.Join(", ", email.To));
        Line(text, "Cc", string.Join(", ", email.Cc));
        Line(text, "Reply-To", string.Join(", ", email.ReplyTo));
        Line(text, "Subject", email.Subject);
        Line(text, "Date", email.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        Line(text, "Message-ID", email.MessageId);
        Line(text, "In-Reply-To", email.InReplyTo);
        Line(text, "Thread", email.ThreadId.ToString());
        Line(text, "State", $"{(email.Read ? "read" : "unread")}{(email.Archived ? ", archived" : string.Empty)}{(email.Hidden ? ", hidden" : string.Empty)}");
        Line(text, "Labels", string.Join(", ", email.Labels));
        foreach (var attachment in email.Attachments)
        {
            Line(text, "Attachment", $"{attachment.Filename ?? "(unnamed)"} ({attachment.ContentType ?? "unknown type"}{(attachment.Size is { } size ? $", {size} bytes" : string.Empty)}) id {attachment.Id}");
        }

        text.Append('\n');
        text.Append(Body(email));
        return text.ToString();
    }

    private static string Body(ReceivedEmail email) => email switch
    {
        { Text: { Length: > 0 } body } => body,
        { Html: { Length: > 0 } html } => "(HTML only)\n" + html,
        { ContentState: ContentState.Pending } => "(The content is still being fetched from Resend; read this email again shortly.)",
        { ContentState: ContentState.Failed } => $"(The content could not be fetched from Resend{(email.LastError is { } error ? $": {error}" : string.Empty)}.)",
        _ => "(no body)",
    };

    private static void Line(StringBuilder text, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            // One line per header, whatever the sender put in it.
            text.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append('\n');
        }
    }
}
