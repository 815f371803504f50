using Microsoft.AspNetCore.Http;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Pipeline;

/// <summary>The session cookie: __Host- prefixed, HttpOnly, Secure, SameSite=Lax, Path=/, 24 h.</summary>
public static class SessionCookie
{
    public const string Name = "__Host-moosermail_session";

    public static void Append(HttpResponse response, IssuedToken token) =>
        response.Cookies.Append(Name, token.Token, Options(SessionTokens.Lifetime));

    public static void Clear(HttpResponse response) =>
        response.Cookies.Append(Name, string.Empty, Options(TimeSpan.Zero));

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static CookieOptions Options(TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
