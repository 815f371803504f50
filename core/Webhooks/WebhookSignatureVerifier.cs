using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// Verifies Resend webhooks signed with the Svix scheme: base64(HMAC-SHA256(secret, "id.timestamp.body"))
/// in a space-separated list of "v1,&lt;b64&gt;" entries, with a timestamp within ±300 s of now.
/// </summary>
public sealed class WebhookSignatureVerifier(TimeProvider time)
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    private const string SecretPrefix = "whsec_";

    /// <summary>
    /// Checks the raw body bytes exactly as received (never re-serialized JSON). <paramref name="header"/> is a
    /// case-insensitive lookup; the unbranded webhook-* headers are used when any svix-* header is absent.
    /// </summary>
    public WebhookVerificationResult Verify(string secret, ReadOnlySpan<byte> body, Func<string, string?> header)
    {
        var (id, timestamp, signature) = SignedHeaders(header);
        return Verify(secret, body, id, timestamp, signature);
    }

    /// <summary>
    /// The header set a check reads: svix-* when all three are present, else webhook-*. The id of this set is the
    /// one the signature covers, so it is the one to de-duplicate on; another id header is the sender's to invent.
    /// </summary>
    public static (string? Id, string? Timestamp, string? Signature) SignedHeaders(Func<string, string?> header)
    {
        var svix = (header("svix-id"), header("svix-timestamp"), header("svix-signature"));
        return svix.Item1 is null || svix.Item2 is null || svix.Item3 is null
            ? (header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"))
            : svix;
    }

    public WebhookVerificationResult Verify(string secret, ReadOnlySpan<byte> body, string? id, string? timestamp, string? signature) =>
        Verify(secret, body, id, timestamp, signature, DefaultTolerance);

    public WebhookVerificationResult Verify(
        string secret, ReadOnlySpan<byte> body, string? id, string? timestamp, string? signature, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerificationResult.MissingHeaders;
        }

        // Digits only: a sign, spaces or decimals would make "what was signed" differ between libraries.
        if (timestamp.Length > 18 || !timestamp.All(char.IsAsciiDigit))
        {
            return WebhookVerificationResult.InvalidTimestamp;
        }

        var age = time.GetUtcNow().ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);
        if (age > (long)tolerance.TotalSeconds)
        {
            return WebhookVerificationResult.TimestampTooOld;
        }

        if (-age > (long)tolerance.TotalSeconds)
        {
            return WebhookVerificationResult.TimestampTooNew;
        }

        var key = DecodeSecret(secret);
        if (key is null)
        {
            return WebhookVerificationResult.InvalidSecret;
        }

        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(Hmac(key, id, timestamp, body)));
        foreach (var entry in signature.Split(' '))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !entry.AsSpan(0, comma).SequenceEqual("v1"))
            {
                continue;
            }

            var given = Encoding.ASCII.GetBytes(entry[(comma + 1)..]);
            if (given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return WebhookVerificationResult.Valid;
            }
        }

        return WebhookVerificationResult.NoMatchingSignature;
    }

    private static byte[]? DecodeSecret(string secret)
    {
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }

    private static byte[] Hmac(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        // Built from bytes so the body is never decoded and re-encoded.
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
