using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;
using Moosermail.Core.Secrets;

namespace Moosermail.Tests.Unit.Secrets;

public sealed class SecretCipherTests
{
    private const string Canary = "re_CANARY_1234567890abcdef";
    private static readonly byte[] s_keyV1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_keyV2 = RandomNumberGenerator.GetBytes(32);
    private readonly SecretContext _context = new(SecretContext.ResendApiKey, Guid.NewGuid(), Guid.NewGuid());

    [Fact]
    public void Encrypt_ThenDecrypt_RoundTrips()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));

        var envelope = cipher.Encrypt(Canary, _context);

        Assert.StartsWith($"v1.{EncryptionKeyring.KeyId(s_keyV1)}.", envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", envelope, StringComparison.Ordinal);
        Assert.Equal(Canary, cipher.Decrypt(envelope, _context));
    }

    [Fact]
    public void Encrypt_HundredThousandTimes_NeverRepeatsANonce()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var nonces = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 100_000; i++)
        {
            var sealedBytes = Convert.FromBase64String(cipher.Encrypt("x", _context).Split('.')[2]);
            Assert.True(nonces.Add(Convert.ToHexString(sealedBytes, 0, 12)), $"nonce repeated at encryption {i}");
        }
    }

    [Fact]
    public void Decrypt_AnyBitFlippedInNonceCiphertextOrTag_Fails()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var parts = cipher.Encrypt(Canary, _context).Split('.');
        var sealedBytes = Convert.FromBase64String(parts[2]);

        for (var bit = 0; bit < sealedBytes.Length * 8; bit++)
        {
            var tampered = (byte[])sealedBytes.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var envelope = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(tampered)}";
            Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt(envelope, _context));
        }
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v0")]
    [InlineData("")]
    public void Decrypt_VersionChanged_Fails(string version)
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var parts = cipher.Encrypt(Canary, _context).Split('.');

        Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt($"{version}.{parts[1]}.{parts[2]}", _context));
    }

    [Fact]
    public void Decrypt_UnderAnotherTeamRowOrPurpose_Fails()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var envelope = cipher.Encrypt(Canary, _context);

        Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt(envelope, _context with { TeamId = Guid.NewGuid() }));
        Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt(envelope, _context with { RowId = Guid.NewGuid() }));
        Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt(envelope, _context with { Purpose = SecretContext.WebhookSigningSecret }));
    }

    [Fact]
    public void Decrypt_FailureMessage_SaysNothingSpecific()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var envelope = cipher.Encrypt(Canary, _context);

        var ex = Assert.Throws<SecretDecryptionException>(() => cipher.Decrypt(envelope, _context with { TeamId = Guid.NewGuid() }));

        Assert.Equal("A stored secret could not be decrypted.", ex.Message);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void Rotation_OldCiphertextsDecryptWhileTheOldKeyIsKept_AndNotAfter()
    {
        var v1 = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var envelope = v1.Encrypt(Canary, _context);

        var rotated = new SecretCipher(new EncryptionKeyring(s_keyV2, [s_keyV1]));
        var retired = new SecretCipher(new EncryptionKeyring(s_keyV2, []));

        Assert.Equal(Canary, rotated.Decrypt(envelope, _context));
        Assert.StartsWith($"v1.{EncryptionKeyring.KeyId(s_keyV2)}.", rotated.Encrypt(Canary, _context), StringComparison.Ordinal);
        Assert.Throws<SecretDecryptionException>(() => retired.Decrypt(envelope, _context));
    }

    [Fact]
    public void Encrypt_InputThatLooksLikeAnEnvelope_IsStillEncrypted()
    {
        var cipher = new SecretCipher(new EncryptionKeyring(s_keyV1, []));
        var lookalike = cipher.Encrypt(Canary, _context);

        var envelope = cipher.Encrypt(lookalike, _context);

        Assert.NotEqual(lookalike, envelope);
        Assert.Equal(lookalike, cipher.Decrypt(envelope, _context));
    }

    [Fact]
    public void Keyring_MalformedPreviousKey_StopsStartWithItsName()
    {
        var settings = new MoosermailSettings
        {
            DatabaseUrl = "Host=localhost",
            EncryptionKey = s_keyV1,
            JwtSecret = s_keyV2,
            ResendBaseUrl = new Uri("https://api.resend.com"),
            PublicUrl = new Uri("http://localhost"),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEYS_PREVIOUS"] = $"{Convert.ToHexString(s_keyV2)}, not-a-key",
        }).Build();

        var ex = Assert.Throws<ConfigurationException>(() => EncryptionKeyring.FromConfiguration(settings, configuration));

        Assert.Contains("ENCRYPTION_KEYS_PREVIOUS[1]", ex.Message, StringComparison.Ordinal);
    }
}
