using System.Globalization;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Where attachment bytes may be fetched from and how large they may be. Only the Resend API's own origin and the
/// named attachment hosts (Resend signs download URLs on inbound-cdn.resend.com), over https, are ever fetched.
/// </summary>
public sealed record InboxOptions(IReadOnlyList<string> AttachmentHosts, long MaxAttachmentBytes)
{
    public const string AttachmentHostsKey = "RESEND_ATTACHMENT_HOSTS";
    public const string MaxAttachmentBytesKey = "MOOSERMAIL_MAX_ATTACHMENT_BYTES";
    public const string DefaultAttachmentHost = "inbound-cdn.resend.com";

    /// <summary>Resend's limit for a whole email (40 MB) bounds any one attachment.</summary>
    public const long DefaultMaxAttachmentBytes = 40L * 1024 * 1024;

    /// <exception cref="ConfigurationException">A host that is not a plain DNS name, or a size that is not a positive number.</exception>
    public static InboxOptions Load(IConfiguration configuration)
    {
        var hosts = (configuration[AttachmentHostsKey] is { Length: > 0 } list ? list : DefaultAttachmentHost)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => h.ToLowerInvariant())
            .ToList();
        if (hosts.Any(h => Uri.CheckHostName(h) != UriHostNameType.Dns))
        {
            throw new ConfigurationException($"{AttachmentHostsKey} must be a comma-separated list of host names, e.g. {DefaultAttachmentHost}.");
        }

        var max = DefaultMaxAttachmentBytes;
        if (configuration[MaxAttachmentBytesKey] is { Length: > 0 } text
            && (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1))
        {
            throw new ConfigurationException($"{MaxAttachmentBytesKey} must be a whole number of bytes, e.g. {DefaultMaxAttachmentBytes}.");
        }

        return new InboxOptions(hosts, max);
    }
}
