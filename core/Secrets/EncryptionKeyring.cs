using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Secrets;

/// <summary>
/// The encryption keys, from configuration only: ENCRYPTION_KEY encrypts, ENCRYPTION_KEYS_PREVIOUS
/// (comma-separated) still decrypt what older keys wrote. A key's id is derived from the key itself, so
/// rotating means moving the old value to ENCRYPTION_KEYS_PREVIOUS and setting a new ENCRYPTION_KEY.
/// </summary>
public sealed class EncryptionKeyring
{
    public const string PreviousKeysKey = "ENCRYPTION_KEYS_PREVIOUS";

    private readonly Dictionary<string, byte[]> _keys;

    public EncryptionKeyring(byte[] current, IEnumerable<byte[]> previous)
    {
        CurrentKeyId = KeyId(current);
        Current = current;
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [CurrentKeyId] = current };
        foreach (var key in previous)
        {
            _keys.TryAdd(KeyId(key), key);
        }
    }

    public string CurrentKeyId { get; }

    internal byte[] Current { get; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <exception cref="ConfigurationException">A previous key is malformed.</exception>
    public static EncryptionKeyring FromConfiguration(MoosermailSettings settings, IConfiguration configuration)
    {
        var previous = (configuration[PreviousKeysKey] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((value, index) => KeyMaterial.Parse($"{PreviousKeysKey}[{index}]", value));
        return new EncryptionKeyring(settings.EncryptionKey, previous);
    }

    internal byte[]? Find(string keyId) => _keys.GetValueOrDefault(keyId);

    /// <summary>8 hex characters of a SHA-256 over a label and the key: names the key, reveals nothing of it.</summary>
    public static string KeyId(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Encoding.ASCII.GetBytes("moosermail-key-id:"), .. key]))[..8];
}
