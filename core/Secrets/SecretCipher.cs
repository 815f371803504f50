using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Secrets;

/// <summary>What a ciphertext is bound to: it decrypts only for the same purpose, team and row.</summary>
public sealed record SecretContext(string Purpose, Guid TeamId, Guid RowId)
{
    public const string ResendApiKey = "resend_api_key";
    public const string WebhookSigningSecret = "webhook_signing_secret";
    public const string OutboundWebhookSecret = "outbound_webhook_secret";
}

/// <summary>A stored secret that cannot be decrypted; deliberately says nothing about why.</summary>
public sealed class SecretDecryptionException : Exception
{
    public SecretDecryptionException()
        : base("A stored secret could not be decrypted.")
    {
    }

    public SecretDecryptionException(string message)
        : base(message)
    {
    }

    public SecretDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// AES-256-GCM for every stored secret. Envelope: <c>v1.{keyId}.{base64(nonce ‖ ciphertext ‖ tag)}</c>
/// with a fresh 12-byte nonce from the OS CSPRNG and a 16-byte tag. The associated data covers the
/// version, the key id and the <see cref="SecretContext"/>, so a ciphertext copied to another row, team or
/// purpose, or with any bit changed, fails to decrypt.
/// </summary>
public sealed class SecretCipher(EncryptionKeyring keyring)
{
    public const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Encrypt(string plaintext, SecretContext context)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + clear.Length + TagSize];
        nonce.CopyTo(sealedBytes, 0);
        using (var aes = new AesGcm(keyring.Current, TagSize))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceSize, clear.Length), sealedBytes.AsSpan(NonceSize + clear.Length), AssociatedData(keyring.CurrentKeyId, context));
        }

        CryptographicOperations.ZeroMemory(clear);
        return $"{Version}.{keyring.CurrentKeyId}.{Convert.ToBase64String(sealedBytes)}";
    }

    /// <exception cref="SecretDecryptionException">Malformed, tampered, for another context, or under an unknown key.</exception>
    public string Decrypt(string envelope, SecretContext context)
    {
        var parts = envelope.Split('.');
        if (parts.Length != 3 || parts[0] != Version || keyring.Find(parts[1]) is not { } key)
        {
            throw new SecretDecryptionException();
        }

        var sealedBytes = new byte[parts[2].Length];
        if (!Convert.TryFromBase64String(parts[2], sealedBytes, out var length) || length < NonceSize + TagSize)
        {
            throw new SecretDecryptionException();
        }

        var cipherLength = length - NonceSize - TagSize;
        var clear = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, cipherLength), sealedBytes.AsSpan(NonceSize + cipherLength, TagSize), clear, AssociatedData(parts[1], context));
            return Encoding.UTF8.GetString(clear);
        }
        catch (CryptographicException)
        {
            throw new SecretDecryptionException();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    /// <summary>The id of the key an envelope was written with, or null when it is not an envelope.</summary>
    public static string? KeyIdOf(string envelope)
    {
        var parts = envelope.Split('.');
        return parts.Length == 3 && parts[0] == Version ? parts[1] : null;
    }

    private static byte[] AssociatedData(string keyId, SecretContext context) =>
        Encoding.UTF8.GetBytes($"moosermail:{Version}:{keyId}:{context.Purpose}:{context.TeamId:N}:{context.RowId:N}");
}
