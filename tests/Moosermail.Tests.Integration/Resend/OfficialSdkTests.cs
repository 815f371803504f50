using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>Cross-checks against the official npm packages: svix signs, our verifier accepts; the resend SDK talks to the sandbox.</summary>
public sealed class OfficialSdkTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [NodeFact]
    public async Task Verify_SignatureFromOfficialSvix_IsValidAndTamperingIsCaught()
    {
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes("""{"type":"email.delivered","data":{"subject":"Grüße ✉️","to":["a@example.com"]}}""");

        var signature = await NodeTools.RunAsync("sign.mjs", [secret, id, timestamp, Convert.ToBase64String(body)]);
        var verifier = new WebhookSignatureVerifier(new FakeTimeProvider(now));

        Assert.StartsWith("v1,", signature, StringComparison.Ordinal);
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(secret, body, id, timestamp, signature));
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(secret["whsec_".Length..], body, id, timestamp, signature));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, verifier.Verify(secret, body, id + "x", timestamp, signature));
        Assert.Equal(WebhookVerificationResult.TimestampTooOld,
            new WebhookSignatureVerifier(new FakeTimeProvider(now.AddSeconds(301))).Verify(secret, body, id, timestamp, signature));
    }

    [NodeFact]
    public async Task ResendNodeSdk_AgainstSandbox_SendsAndLists()
    {
        var key = SandboxFixture.NewKey();
        var subject = "from node " + Guid.NewGuid().ToString("N");

        var output = await NodeTools.RunAsync("resend-sdk.mjs", [subject, Guid.NewGuid().ToString()], new Dictionary<string, string>
        {
            ["RESEND_BASE_URL"] = sandbox.BaseUrl.AbsoluteUri.TrimEnd('/'),
            ["RESEND_API_KEY"] = key,
        });

        using var result = JsonDocument.Parse(output);
        var sent = result.RootElement.GetProperty("sent");
        var listed = result.RootElement.GetProperty("listed");
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("error").ValueKind);
        var id = sent.GetProperty("data").GetProperty("id").GetString();
        var email = Assert.Single(listed.GetProperty("data").GetProperty("data").EnumerateArray());
        Assert.Equal(id, email.GetProperty("id").GetString());
        Assert.Equal(subject, email.GetProperty("subject").GetString());
        Assert.Equal(subject, (await sandbox.Client.GetEmailAsync(key, id!)).Value!.Subject);
    }
}
