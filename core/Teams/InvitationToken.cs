using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Teams;

/// <summary>
/// Invitation tokens: "mki_" + 43 base62 characters from the OS CSPRNG (256 bits). Only the SHA-256 is
/// stored. Base62 keeps the token safe in a URL without escaping.
/// </summary>
public static class InvitationToken
{
    public const string Prefix = "mki_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int BodyLength = 43;
    private static readonly System.Buffers.SearchValues<char> s_alphabet = System.Buffers.SearchValues.Create(Alphabet);

    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, BodyLength);

    /// <summary>A cheap shape check so junk is refused without a query (it is still the same "not found").</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 47 } && token.StartsWith(Prefix, StringComparison.Ordinal) && token.AsSpan(Prefix.Length).IndexOfAnyExcept(s_alphabet) < 0;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// The dashboard page that accepts the invitation. The token rides in the fragment, so it never reaches a
    /// server log or a Referer header.
    /// </summary>
    public static string AcceptUrl(Uri publicUrl, string token) => $"{publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/app/accept-invitation#token={token}";
}
