using System.Security.Cryptography;
using System.Text;
using Moosermail.Core.Errors;

namespace Moosermail.Core.Security;

/// <summary>bcrypt at cost 12. Passwords over bcrypt's 72-byte input limit are refused, never truncated.</summary>
public static class PasswordHasher
{
    public const int WorkFactor = 12;
    public const int MinLength = 10;
    public const int MaxBytes = 72;

    // Verified against when the email is unknown, so both login failures cost one bcrypt.
    private static readonly Lazy<string> s_dummyHash = new(() =>
        BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), WorkFactor));

    public static string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, WorkFactor);

    public static bool Verify(string password, string? hash) =>
        Encoding.UTF8.GetByteCount(password) <= MaxBytes && BCrypt.Net.BCrypt.Verify(password, hash ?? s_dummyHash.Value);

    /// <summary>Adds the problems of a new password to <paramref name="errors"/> under <paramref name="field"/>.</summary>
    public static void Validate(string? password, string field, ValidationErrors errors)
    {
        if (password is null)
        {
            errors.Add(field, "is required.");
        }
        else if (string.IsNullOrWhiteSpace(password))
        {
            errors.Add(field, "must not be only whitespace.");
        }
        else if (password.Length < MinLength)
        {
            errors.Add(field, $"must be at least {MinLength} characters.");
        }
        else if (Encoding.UTF8.GetByteCount(password) > MaxBytes)
        {
            errors.Add(field, $"must be at most {MaxBytes} bytes in UTF-8 (bcrypt's limit); use a shorter passphrase.");
        }
    }
}
