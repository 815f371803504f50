using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Outbound;

/// <summary>
/// Signs what Moosermail posts per Standard Webhooks (https://www.standardwebhooks.com), the scheme Svix and
/// Resend use: <c>webhook-signature</c> is a space-separated list of <c>v1,base64(HMAC-SHA256(key, "id.timestamp.body"))</c>,
/// one entry per secret, so a receiver still holding the previous secret during a rotation verifies too.
/// Hand-written (about 20 lines): the svix NuGet client is a full API client, and the project's own
/// WebhookSignatureVerifier checks the other direction.
/// </summary>
public static class StandardWebhookSigner
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const int SecretBytes = 32;

    /// <summary>A fresh <c>whsec_</c> secret: 32 bytes from the OS CSPRNG, base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The three headers for one attempt; <paramref name="secrets"/> are <c>whsec_</c> strings, current first.</summary>
    public static IReadOnlyDictionary<string, string> Headers(string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        var seconds = timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signed = Concat(Encoding.UTF8.GetBytes($"{messageId}.{seconds}."), body);
        var signatures = secrets.Select(secret =>
        {
            var key = KeyOf(secret);
            try
            {
                return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [IdHeader] = messageId,
            [TimestampHeader] = seconds,
            [SignatureHeader] = string.Join(' ', signatures),
        };
    }

    /// <exception cref="FormatException">Not a whsec_ secret with base64 key bytes.</exception>
    public static byte[] KeyOf(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new FormatException("A signing secret starts with whsec_.");

    private static byte[] Concat(byte[] prefix, ReadOnlySpan<byte> body)
    {
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return content;
    }
}
