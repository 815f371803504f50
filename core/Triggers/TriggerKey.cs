using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.Triggers;

/// <summary>
/// Trigger keys: 48 lower-case hex characters (24 bytes, 192 bits, from the OS CSPRNG), like the original.
/// The key is the only credential of the public fire route, so only its SHA-256 is stored.
/// </summary>
public static class TriggerKey
{
    public const int Length = 48;

    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>Lets a made-up or truncated key be refused before any database lookup.</summary>
    public static bool IsWellFormed(string? key) => key is { Length: Length } && key.All(char.IsAsciiHexDigit);

    /// <summary>What is stored and looked up: SHA-256 of the lower-cased key.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key.ToLowerInvariant()));
}
