namespace Moosermail.Core.Configuration;

/// <summary>Parses 32-byte secrets given as 64 hex characters or base64.</summary>
public static class KeyMaterial
{
    public const string HowToGenerate = "generate one with `openssl rand -hex 32` (64 hex characters = 32 bytes)";

    /// <exception cref="ConfigurationException">The value is not exactly 32 bytes of hex or base64, or is all zeros.</exception>
    public static byte[] Parse(string settingName, string value)
    {
        var bytes = TryHex(value) ?? TryBase64(value)
            ?? throw new ConfigurationException($"{settingName} is malformed: expected 64 hex characters or base64 of 32 bytes; {HowToGenerate}");
        if (bytes.Length != 32)
        {
            throw new ConfigurationException($"{settingName} must be 32 bytes but is {bytes.Length}; {HowToGenerate}");
        }

        if (bytes.All(b => b == 0))
        {
            throw new ConfigurationException($"{settingName} is all zeros, which is not a secret; {HowToGenerate}");
        }

        return bytes;
    }

    private static byte[]? TryHex(string value)
    {
        if (value.Length % 2 != 0 || !value.All(Uri.IsHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(value);
    }

    private static byte[]? TryBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : null;
    }
}
