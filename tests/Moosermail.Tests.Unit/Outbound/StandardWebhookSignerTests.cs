using System.Text;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Outbound;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Unit.Outbound;

/// <summary>The signer against the project's own verifier (which the Svix vectors pin to the reference implementation).</summary>
public sealed class StandardWebhookSignerTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NewSecret_IsWhsecWith32RandomBytes()
    {
        var (a, b) = (StandardWebhookSigner.NewSecret(), StandardWebhookSigner.NewSecret());

        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, StandardWebhookSigner.KeyOf(a).Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Headers_OneSecret_VerifiesWithTheVerifier()
    {
        var secret = StandardWebhookSigner.NewSecret();
        var body = Encoding.UTF8.GetBytes("""{"type":"email.sent","data":{"x":"é"}}""");

        var headers = StandardWebhookSigner.Headers("msg_1", s_now, body, [secret]);

        Assert.Equal(WebhookVerificationResult.Valid, new WebhookSignatureVerifier(new FakeTimeProvider(s_now)).Verify(secret, body, k => headers.GetValueOrDefault(k)));
        Assert.Equal(s_now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), headers["webhook-timestamp"]);
        Assert.StartsWith("v1,", headers["webhook-signature"], StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_TwoSecrets_EitherVerifies()
    {
        var (current, previous) = (StandardWebhookSigner.NewSecret(), StandardWebhookSigner.NewSecret());
        var body = "{}"u8.ToArray();

        var headers = StandardWebhookSigner.Headers("msg_2", s_now, body, [current, previous]);

        var verifier = new WebhookSignatureVerifier(new FakeTimeProvider(s_now));
        Assert.Equal(2, headers["webhook-signature"].Split(' ').Length);
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(current, body, k => headers.GetValueOrDefault(k)));
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(previous, body, k => headers.GetValueOrDefault(k)));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, verifier.Verify(StandardWebhookSigner.NewSecret(), body, k => headers.GetValueOrDefault(k)));
    }

    [Fact]
    public void Headers_BodyChanged_DoesNotVerify()
    {
        var secret = StandardWebhookSigner.NewSecret();
        var headers = StandardWebhookSigner.Headers("msg_3", s_now, "{\"a\":1}"u8, [secret]);

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, new WebhookSignatureVerifier(new FakeTimeProvider(s_now)).Verify(secret, "{\"a\":2}"u8, k => headers.GetValueOrDefault(k)));
    }
}
