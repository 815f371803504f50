using System.Security.Cryptography;
using System.Text;

namespace Moosermail.ResendSandbox;

/// <summary>The sender side of Svix: "v1," + base64(HMAC-SHA256(secret bytes, "id.timestamp.body")).</summary>
public static class SvixSigner
{
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static string Sign(string secret, string messageId, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] content = [.. Encoding.UTF8.GetBytes($"{messageId}.{timestamp}."), .. body];
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
