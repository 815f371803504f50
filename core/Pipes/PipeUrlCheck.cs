namespace Moosermail.Core.Pipes;

/// <summary>
/// Save-time check of a webhook pipe's action_url. A placeholder until the one outbound HTTP guard (core/Outbound)
/// lands: it only insists on an absolute http(s) URL; the guard replaces it with the full address checks.
/// </summary>
public class PipeUrlCheck
{
    /// <summary>Why <paramref name="url"/> may not be used, or null when it may.</summary>
    public virtual string? Problem(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0
            ? null
            : "must be an absolute https URL without credentials.";
}
