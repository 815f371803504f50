using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Core.Resend;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>The sandbox's webhooks: Resend's envelope, Svix signatures our verifier accepts, test addresses, retries.</summary>
public sealed class SandboxWebhookTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly string[] s_allEmailEvents =
        ["email.sent", "email.scheduled", "email.delivered", "email.bounced", "email.complained", "email.received"];

    private readonly string _key = SandboxFixture.NewKey();
    private readonly WebhookSignatureVerifier _verifier = new(TimeProvider.System);

    [Fact]
    public async Task Send_ToDelivered_DeliversSignedSentThenDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, s_allEmailEvents);

        var id = await SendAsync("delivered@resend.dev");

        var events = Verified(await receiver.NextAsync(2), secret);
        Assert.Equal(["email.sent", "email.delivered"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(id, e.Email!.EmailId));
        Assert.Equal(["delivered@resend.dev"], events[1].Email!.To);
        Assert.Equal("Webhook test", events[1].Email!.Subject);
        Assert.Equal("Acme <hello@example.com>", events[1].Email!.From);
        Assert.NotNull(events[1].Email!.CreatedAt);
        Assert.InRange(events[1].CreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Send_ToBounced_DeliversSentThenBouncedWithDetails()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, s_allEmailEvents);

        var id = await SendAsync("bounced@resend.dev");

        var events = Verified(await receiver.NextAsync(2), secret);
        Assert.Equal(["email.sent", "email.bounced"], events.Select(e => e.Type));
        Assert.Equal("Permanent", events[1].Email!.BounceType);
        Assert.Equal("bounced", (await sandbox.Client.GetEmailAsync(_key, id)).Value!.LastEvent);
        Assert.True(await receiver.QuietForAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Send_ToComplained_DeliversDeliveredThenComplained()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, s_allEmailEvents);

        await SendAsync("complained@resend.dev");

        var events = Verified(await receiver.NextAsync(3), secret);
        Assert.Equal(["email.sent", "email.delivered", "email.complained"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Send_EndpointSubscribedToDeliveredOnly_GetsOnlyThat()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, ["email.delivered"]);

        await SendAsync("delivered@resend.dev");

        Assert.Equal("email.delivered", Assert.Single(Verified(await receiver.NextAsync(1), secret)).Type);
        Assert.True(await receiver.QuietForAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Send_ReceiverFailsFirst_RetriesWithSameSvixIdAndValidSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        var secret = await SubscribeAsync(receiver, ["email.delivered"]);

        await SendAsync("delivered@resend.dev");

        var attempts = await receiver.NextAsync(3);
        Assert.Equal([true, true, false], attempts.Select(a => a.AnsweredWithFailure));
        Assert.Single(attempts.Select(a => a.Header("svix-id")).Distinct());
        Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
        Assert.Equal("email.delivered", Assert.Single(Verified([attempts[2]], secret)).Type);
    }

    [Fact]
    public async Task Send_TamperedBody_FailsOurVerifier()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, ["email.sent"]);
        await SendAsync("delivered@resend.dev");
        var delivery = (await receiver.NextAsync(1))[0];

        var tampered = delivery.Body.ToArray();
        tampered[^2] ^= 1;

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, _verifier.Verify(secret, tampered, delivery.Header));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, _verifier.Verify(SvixSignerSecret(), delivery.Body, delivery.Header));
    }

    [Fact]
    public async Task Inbound_Email_DeliversEmailReceived()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await SubscribeAsync(receiver, ["email.received"]);
        using var http = sandbox.Http(_key);

        await http.PostAsJsonAsync("_sandbox/inbound", new { from = "x@example.net", to = new[] { "in@example.com" }, subject = "Inbound" });

        var evt = Assert.Single(Verified(await receiver.NextAsync(1), secret));
        Assert.Equal("email.received", evt.Type);
        Assert.Equal("Inbound", evt.Email!.Subject);
    }

    [Fact]
    public async Task Webhooks_CreateListDelete_RoundTrip()
    {
        using var http = sandbox.Http(_key);
        var created = await (await http.PostAsJsonAsync("webhooks", new { endpoint = "https://example.com/hook", events = new[] { "email.sent" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;

        var listed = await http.GetFromJsonAsync<JsonElement>("webhooks");
        var deleted = await http.DeleteAsync($"webhooks/{id}");
        var again = await http.DeleteAsync($"webhooks/{id}");

        Assert.StartsWith("whsec_", created.GetProperty("signing_secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(listed.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        Assert.True((await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty((await sandbox.Http(SandboxFixture.NewKey()).GetFromJsonAsync<JsonElement>("webhooks")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Webhooks_CreateWithoutEvents_Is422()
    {
        using var http = sandbox.Http(_key);

        var response = await http.PostAsJsonAsync("webhooks", new { endpoint = "https://example.com/hook" });

        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal("missing_required_field", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }

    private List<ResendWebhookEvent> Verified(IEnumerable<ReceivedWebhook> deliveries, string secret) =>
        deliveries.Select(d =>
        {
            Assert.Equal(WebhookVerificationResult.Valid, _verifier.Verify(secret, d.Body, d.Header));
            return ResendWebhookEvent.TryParse(d.Body)!;
        }).ToList();

    private async Task<string> SubscribeAsync(WebhookReceiver receiver, string[] events)
    {
        using var http = sandbox.Http(_key);
        var response = await http.PostAsJsonAsync("webhooks", new { endpoint = receiver.Endpoint.AbsoluteUri, events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signing_secret").GetString()!;
    }

    private async Task<string> SendAsync(string to) =>
        (await sandbox.Client.SendEmailAsync(_key, new SendEmailRequest
        {
            From = "Acme <hello@example.com>",
            To = [to],
            Subject = "Webhook test",
            Html = "<p>hi</p>",
        }, Guid.NewGuid().ToString())).Value!.Id;

    private static string SvixSignerSecret() => Moosermail.ResendSandbox.SvixSigner.NewSecret();
}
