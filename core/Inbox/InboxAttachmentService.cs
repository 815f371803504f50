using System.Net.Http.Headers;
using Moosermail.Core.Configuration;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Security;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Streams a received attachment: asks Resend (with the team's key) for a fresh signed download URL on every request,
/// then fetches it only if it points at the Resend API's own origin or an https attachment host of
/// <see cref="InboxOptions"/> — never anywhere else, never following a redirect — under a size cap.
/// </summary>
public sealed class InboxAttachmentService(InboxRepository inbox, InboxResend resend, IHttpClientFactory httpClientFactory, MoosermailSettings settings, InboxOptions options)
{
    public const string HttpClientName = "ResendAttachments";

    /// <summary>Content types a browser would render or run from our origin are served as plain bytes.</summary>
    private static readonly string[] s_activeTypes = ["text/html", "application/xhtml", "image/svg", "text/xml", "application/xml", "javascript", "ecmascript"];

    public async Task<AttachmentDownload> DownloadAsync(Caller caller, Guid emailId, string attachmentId, CancellationToken cancellationToken)
    {
        var email = await inbox.GetAsync(caller.TeamId, emailId, cancellationToken)
            ?? throw new NotFoundException("No received email with this id in your team's inbox.");
        var attachment = email.Attachments.FirstOrDefault(a => a.Id == attachmentId)
            ?? throw new NotFoundException("This email has no attachment with this id.");
        var (found, _) = await resend.CallForEmailAsync(caller.TeamId, new EmailKeyHint(email.SenderId, [.. email.To, .. email.Cc]),
            (client, apiKey) => client.GetReceivedAttachmentAsync(apiKey, email.ResendId, attachment.Id, cancellationToken), cancellationToken);
        if (found.Error is { } error)
        {
            throw error.StatusCode == 404
                ? new NotFoundException("Resend no longer has this attachment (it keeps received mail for about 30 days).")
                : error.IsTransient
                    ? new UpstreamUnavailableException($"Could not get the attachment from Resend: {error.Message}", error.RetryAfter)
                    : new UpstreamFailedException($"Resend refused the attachment: {error.Message}");
        }

        var url = AllowedUrl(found.Value!.DownloadUrl)
            ?? throw new UpstreamFailedException("Resend's download URL for this attachment is not on a Resend host; it was not fetched.");
        return await FetchAsync(url, attachment, cancellationToken);
    }

    private async Task<AttachmentDownload> FetchAsync(Uri url, ReceivedAttachment attachment, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new UpstreamUnavailableException("Could not download the attachment from Resend; try again shortly.");
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new UpstreamFailedException($"Resend's attachment download answered {status}.");
        }

        if (response.Content.Headers.ContentLength is { } length && length > options.MaxAttachmentBytes)
        {
            response.Dispose();
            throw new UnprocessableException($"The attachment is {length} bytes, over the {options.MaxAttachmentBytes}-byte limit.");
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new AttachmentDownload(
            new CappedStream(body, response, options.MaxAttachmentBytes),
            SafeContentType(attachment.ContentType ?? response.Content.Headers.ContentType?.MediaType),
            SafeFileName(attachment.Filename, attachment.Id),
            response.Content.Headers.ContentLength);
    }

    /// <summary>The URL when it is absolute, without credentials, and on the API's origin or an https attachment host; otherwise null.</summary>
    public Uri? AllowedUrl(string? downloadUrl)
    {
        if (!Uri.TryCreate(downloadUrl, UriKind.Absolute, out var url) || url.UserInfo.Length > 0 || url.IsFile)
        {
            return null;
        }

        var api = settings.ResendBaseUrl;
        var sameOrigin = url.Scheme == api.Scheme && string.Equals(url.IdnHost, api.IdnHost, StringComparison.OrdinalIgnoreCase) && url.Port == api.Port;
        var attachmentHost = url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && options.AttachmentHosts.Contains(url.IdnHost.ToLowerInvariant());
        return sameOrigin || attachmentHost ? url : null;
    }

    private static string SafeContentType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is null)
        {
            return "application/octet-stream";
        }

        var media = parsed.MediaType.ToLowerInvariant();
        return s_activeTypes.Any(t => media.Contains(t, StringComparison.Ordinal)) ? "application/octet-stream" : media;
    }

    private static string SafeFileName(string? filename, string id)
    {
        var name = new string((filename ?? string.Empty).Where(c => !char.IsControl(c) && c is not ('/' or '\\' or '"')).ToArray()).Trim();
        return name.Length == 0 ? $"attachment-{id}" : name[..Math.Min(name.Length, 200)];
    }
}
