using System.Security.Cryptography;
using System.Text;

namespace Moosermail.Core.ApiKeys;

/// <summary>
/// mk_ keys: "mk_" + 32 base62 characters from the OS CSPRNG (~190 bits) + a 6-character checksum of
/// them, so a mistyped or made-up key is refused before any database lookup.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "mk_";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int BodyLength = 32;
    private const int ChecksumLength = 6;
    public const int Length = 3 + BodyLength + ChecksumLength;

    public static string Generate()
    {
        var body = RandomNumberGenerator.GetString(Alphabet, BodyLength);
        return Prefix + body + Checksum(body);
    }

    public static bool IsWellFormed(string key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || !key.AsSpan(Prefix.Length).ContainsOnlyAlphabet())
        {
            return false;
        }

        var body = key.Substring(Prefix.Length, BodyLength);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Checksum(body)), Encoding.ASCII.GetBytes(key[^ChecksumLength..]));
    }

    /// <summary>What is stored and looked up: SHA-256 of the whole key.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Enough to recognise a key in a list, never enough to use it: mk_a1b2…d4e5.</summary>
    public static string DisplayPrefix(string key) => $"{key[..7]}…{key[^4..]}";

    private static string Checksum(string body)
    {
        var value = BitConverter.ToUInt32(SHA256.HashData(Encoding.ASCII.GetBytes(body)), 0);
        var chars = new char[ChecksumLength];
        for (var i = 0; i < ChecksumLength; i++)
        {
            chars[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }

        return new string(chars);
    }

    private static bool ContainsOnlyAlphabet(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
