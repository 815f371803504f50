using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Single-use tokens mailed to an account's address (password reset, email verification): 256 random bits
/// from the OS CSPRNG, base64url, stored as SHA-256 only.
/// </summary>
public static class AccountTokens
{
    public const string PasswordReset = "password_reset";
    public const string EmailVerification = "email_verification";
    public static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(7);

    private const int TokenBytes = 32;
    private const int MaxPresentedLength = 128;

    public static (string Token, byte[] Hash) New()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// The hash of a presented token, or null when it cannot be one of ours (empty, too long, not base64url):
    /// such input is answered like a wrong token, without a query.
    /// </summary>
    public static byte[]? HashOfPresented(string? token) =>
        string.IsNullOrEmpty(token) || token.Length > MaxPresentedLength || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? null
            : Hash(token);
}
