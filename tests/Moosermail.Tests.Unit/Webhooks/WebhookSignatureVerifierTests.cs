using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Unit.Webhooks;

public sealed class WebhookSignatureVerifierTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    public static TheoryData<SvixVector> Vectors => SvixVector.All();

    [Fact]
    public void Vectors_File_HoldsEveryCase()
    {
        Assert.Equal(38, Vectors.Count);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_SvixVector_MatchesExpectation(SvixVector vector)
    {
        var verifier = new WebhookSignatureVerifier(At(vector.Now));

        var result = verifier.Verify(vector.Secret, vector.Payload, vector.MsgId, vector.Timestamp, vector.SignatureHeader);

        Assert.Equal(vector.Valid, result == WebhookVerificationResult.Valid);
    }

    [Theory]
    [InlineData(1614265330 + 301, WebhookVerificationResult.TimestampTooOld)]
    [InlineData(1614265330 - 301, WebhookVerificationResult.TimestampTooNew)]
    public void Verify_OutsideTolerance_SaysWhichWay(long now, WebhookVerificationResult expected)
    {
        var result = new WebhookSignatureVerifier(At(now)).Verify(Secret, s_body, Id, Timestamp, Signature);

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("+1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330.0")]
    public void Verify_TimestampNotPlainDigits_IsInvalidTimestamp(string timestamp)
    {
        var result = new WebhookSignatureVerifier(At(1614265330)).Verify(Secret, s_body, Id, timestamp, Signature);

        Assert.Equal(WebhookVerificationResult.InvalidTimestamp, result);
    }

    [Theory]
    [InlineData("whsec_")]
    [InlineData("whsec_not*base64")]
    public void Verify_UnusableSecret_IsInvalidSecret(string secret)
    {
        var result = new WebhookSignatureVerifier(At(1614265330)).Verify(secret, s_body, Id, Timestamp, Signature);

        Assert.Equal(WebhookVerificationResult.InvalidSecret, result);
    }

    [Fact]
    public void Verify_HeaderLookup_IsCaseInsensitiveAndFallsBackToWebhookHeaders()
    {
        var verifier = new WebhookSignatureVerifier(At(1614265330));
        var svix = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Svix-Id"] = Id,
            ["SVIX-TIMESTAMP"] = Timestamp,
            ["svix-signature"] = Signature,
        };
        var standard = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = Id,
            ["webhook-timestamp"] = Timestamp,
            ["webhook-signature"] = Signature,
        };

        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(Secret, s_body, h => svix.GetValueOrDefault(h)));
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(Secret, s_body, h => standard.GetValueOrDefault(h)));
        Assert.Equal(WebhookVerificationResult.MissingHeaders, verifier.Verify(Secret, s_body, _ => null));
    }

    [Fact]
    public void Verify_FreshRandomSecret_RoundTripsAndRejectsTamperedBody()
    {
        var key = RandomNumberGenerator.GetBytes(24);
        var body = Encoding.UTF8.GetBytes("{\"type\":\"email.sent\",\"data\":{\"subject\":\"Grüße 👋\"}}");
        var content = Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.").Concat(body).ToArray();
        var header = "v1a,abc v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
        var verifier = new WebhookSignatureVerifier(At(1614265330));

        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify("whsec_" + Convert.ToBase64String(key), body, Id, Timestamp, header));
        body[^3] ^= 1;
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature,
            verifier.Verify("whsec_" + Convert.ToBase64String(key), body, Id, Timestamp, header));
    }

    private static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
}
