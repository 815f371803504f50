using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Webhooks;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using static Moosermail.Tests.Integration.OutboundWebhooks.OutboundTestKit;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>
/// Retries, auto-disable and the rotation overlap, on an instance with its own fake clock (time moves by days), and
/// the official svix package verifying a delivery signed on the real clock. Deliveries are driven by id, so other
/// tests' leftovers are never touched.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class OutboundDeliveryScheduleTests(AppFixture app)
{
    [Fact]
    public async Task Retries_FailingReceiver_FollowTheScheduleThenGiveUp()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SecondaryApp.StartAsync(app, clock);
        await using var receiver = await OutboundReceiver.StartAsync();
        receiver.Answer = 500;
        using var client = host.CreateClient();
        var user = await host.CreateUserAsync();
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        await CreateContactAsync(client, user);
        var deliveryId = (await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid();
        var dispatcher = host.Services.GetRequiredService<OutboundWebhookDispatcher>();

        Assert.Equal(1, await dispatcher.DeliverDueAsync(deliveryId, CancellationToken.None));
        foreach (var delay in OutboundWebhookDispatcher.RetryDelays)
        {
            clock.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await dispatcher.DeliverDueAsync(deliveryId, CancellationToken.None));
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await dispatcher.DeliverDueAsync(deliveryId, CancellationToken.None));
        }

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await dispatcher.DeliverDueAsync(deliveryId, CancellationToken.None));
        user = Fresh(host, user);
        var delivery = (await DeliveriesAsync(client, user, id))[0];
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(8, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(500, delivery.GetProperty("response_code").GetInt32());
        Assert.Equal(8, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Header("webhook-id")).Distinct());
        Assert.True((await EndpointAsync(client, user, id)).GetProperty("enabled").GetBoolean(), "37.5 h of failures is not yet 5 days");
    }

    [Fact]
    public async Task AutoDisable_FailingForFiveDays_DisabledWithReasonAndAudit_EnablingClearsIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SecondaryApp.StartAsync(app, clock);
        await using var receiver = await OutboundReceiver.StartAsync();
        receiver.Answer = 500;
        using var client = host.CreateClient();
        var user = await host.CreateUserAsync();
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        var dispatcher = host.Services.GetRequiredService<OutboundWebhookDispatcher>();
        await CreateContactAsync(client, user);
        await dispatcher.DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);

        clock.Advance(TimeSpan.FromDays(4));
        user = Fresh(host, user);
        await CreateContactAsync(client, user);
        await dispatcher.DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);
        Assert.True((await EndpointAsync(client, user, id)).GetProperty("enabled").GetBoolean());

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        user = Fresh(host, user);
        await CreateContactAsync(client, user);
        await dispatcher.DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);

        var endpoint = await EndpointAsync(client, user, id);
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("5 days", endpoint.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE team_id = @TeamId AND action = 'outbound_webhook.disabled' AND target_id = @Id", new { user.TeamId, Id = id.ToString() }));
        Assert.DoesNotContain((await DeliveriesAsync(client, user, id)).EnumerateArray(), d => d.GetProperty("status").GetString() == "pending");
        await CreateContactAsync(client, user);
        Assert.Equal(3, (await DeliveriesAsync(client, user, id)).GetArrayLength());

        var enabled = await client.SendAsync(user.Request(HttpMethod.Put, $"api/outbound-webhooks/{id}", new { enabled = true }));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var after = await EndpointAsync(client, user, id);
        Assert.True(after.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("disabled_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("failing_since").ValueKind);
    }

    [Fact]
    public async Task RotateSecret_BothSignForADay_ThenOnlyTheNewOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SecondaryApp.StartAsync(app, clock);
        await using var receiver = await OutboundReceiver.StartAsync();
        using var client = host.CreateClient();
        var user = await host.CreateUserAsync();
        var (id, oldSecret) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        var dispatcher = host.Services.GetRequiredService<OutboundWebhookDispatcher>();

        var rotated = await client.SendAsync(user.Request(HttpMethod.Post, $"api/outbound-webhooks/{id}/rotate-secret"));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        await CreateContactAsync(client, user);
        await dispatcher.DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);

        clock.Advance(OutboundWebhookService.RotationOverlap + TimeSpan.FromSeconds(1));
        user = Fresh(host, user);
        await CreateContactAsync(client, user);
        await dispatcher.DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);

        var (during, afterOverlap) = (receiver.Received.ElementAt(0), receiver.Received.ElementAt(1));
        Assert.Equal(2, during.Header("webhook-signature").Split(' ').Length);
        Assert.Single(afterOverlap.Header("webhook-signature").Split(' '));
        var verifier = new WebhookSignatureVerifier(clock);
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(newSecret, afterOverlap.Body, n => afterOverlap.Headers.GetValueOrDefault(n)));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, verifier.Verify(oldSecret, afterOverlap.Body, n => afterOverlap.Headers.GetValueOrDefault(n)));
        var whenSent = new WebhookSignatureVerifier(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(during.Header("webhook-timestamp"), System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(WebhookVerificationResult.Valid, whenSent.Verify(oldSecret, during.Body, n => during.Headers.GetValueOrDefault(n)));
        Assert.Equal(WebhookVerificationResult.Valid, whenSent.Verify(newSecret, during.Body, n => during.Headers.GetValueOrDefault(n)));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE team_id = @TeamId AND action = 'outbound_webhook.secret_rotated'", new { user.TeamId }));
    }

    [NodeFact]
    public async Task Delivery_VerifiedByTheOfficialSvixPackage()
    {
        await using var host = await SecondaryApp.StartAsync(app, TimeProvider.System);
        await using var receiver = await OutboundReceiver.StartAsync();
        using var client = host.CreateClient();
        var user = await host.CreateUserAsync();
        var (id, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        await CreateContactAsync(client, user);
        await host.Services.GetRequiredService<OutboundWebhookDispatcher>().DeliverDueAsync((await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid(), CancellationToken.None);

        var delivery = Assert.Single(receiver.Received);
        var type = await NodeTools.RunAsync("verify.mjs",
            [secret, delivery.Header("webhook-id"), delivery.Header("webhook-timestamp"), delivery.Header("webhook-signature"), Convert.ToBase64String(delivery.Body)]);
        Assert.Equal("contact.created", type);
        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeTools.RunAsync("verify.mjs",
            [Core.Outbound.StandardWebhookSigner.NewSecret(), delivery.Header("webhook-id"), delivery.Header("webhook-timestamp"), delivery.Header("webhook-signature"), Convert.ToBase64String(delivery.Body)]));
        Assert.Contains("exited with", wrong.Message, StringComparison.Ordinal);
    }

    /// <summary>A session this instance's clock still accepts after it moved by days.</summary>
    private static TestUser Fresh(SecondaryApp host, TestUser user) =>
        user with { Token = host.Services.GetRequiredService<Core.Security.SessionTokens>().Issue(user.UserId, tokenVersion: 0).Token };
}
