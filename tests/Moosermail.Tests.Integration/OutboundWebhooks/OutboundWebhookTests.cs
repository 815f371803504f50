using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Webhooks;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.OutboundWebhooks.OutboundTestKit;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>Outbound webhooks over real HTTP on the fixture app (private addresses allowed, so receivers run on loopback).</summary>
[Collection(AppCollection.Name)]
public sealed class OutboundWebhookTests(AppFixture app)
{
    private OutboundWebhookDispatcher Dispatcher => app.App.Services.GetRequiredService<OutboundWebhookDispatcher>();

    [Fact]
    public async Task Create_SecretShownOnce_ListAndUpdateNeverShowIt()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (id, secret) = await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "email.sent", "contact.created", "email.sent");

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var listed = await client.SendAsync(user.Request(HttpMethod.Get, "api/outbound-webhooks"));
        var listText = await listed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret[6..], listText, StringComparison.Ordinal);
        var endpoint = await EndpointAsync(client, user, id);
        Assert.Equal(["email.sent", "contact.created"], endpoint.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal("test receiver", endpoint.GetProperty("description").GetString());
        var stored = await app.ScalarAsync<string>("SELECT encrypted_secret FROM outbound_webhook_endpoints WHERE id = @Id", new { Id = id });
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);

        var updated = await client.SendAsync(user.Request(HttpMethod.Put, $"api/outbound-webhooks/{id}", new { events = new[] { "email.bounced" }, enabled = false }));
        var updatedText = await updated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.DoesNotContain(secret[6..], updatedText, StringComparison.Ordinal);
        Assert.Contains("email.bounced", updatedText, StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE team_id = @TeamId AND action = 'outbound_webhook.updated'", new { user.TeamId }));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(user.Request(HttpMethod.Delete, $"api/outbound-webhooks/{id}"))).StatusCode);
        Assert.Equal(0, await app.CountForTeamAsync("outbound_webhook_endpoints", user.TeamId));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(user.Request(HttpMethod.Delete, $"api/outbound-webhooks/{id}"))).StatusCode);
    }

    [Fact]
    public async Task OtherTeam_EveryRouteOnAnotherTeamsEndpoint_Is404AndChangesNothing()
    {
        using var client = app.CreateClient();
        var (owner, other) = (await TestUsers.CreateAsync(app), await TestUsers.CreateAsync(app));
        var (id, _) = await CreateEndpointAsync(client, owner, "http://127.0.0.1:9/in", "contact.created");
        await CreateContactAsync(client, owner);
        var deliveryId = (await DeliveriesAsync(client, owner, id))[0].GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Put, $"api/outbound-webhooks/{id}", new { url = "http://127.0.0.1:10/x" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Post, $"api/outbound-webhooks/{id}/rotate-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Get, $"api/outbound-webhooks/{id}/deliveries"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Post, $"api/outbound-webhooks/{id}/deliveries/{deliveryId}/retry"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Delete, $"api/outbound-webhooks/{id}"))).StatusCode);
        // The other team's own endpoint cannot reach this team's delivery either.
        var (otherId, _) = await CreateEndpointAsync(client, other, "http://127.0.0.1:9/in", "contact.created");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(other.Request(HttpMethod.Post, $"api/outbound-webhooks/{otherId}/deliveries/{deliveryId}/retry"))).StatusCode);

        var endpoint = await EndpointAsync(client, owner, id);
        Assert.Equal("http://127.0.0.1:9/in", endpoint.GetProperty("url").GetString());
        var othersList = await (await client.SendAsync(other.Request(HttpMethod.Get, "api/outbound-webhooks"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(id.ToString(), othersList, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"url":"http://127.0.0.1:9/in","events":[]}""", "events")]
    [InlineData("""{"url":"http://127.0.0.1:9/in","events":["email.everything"]}""", "events")]
    [InlineData("""{"url":"http://127.0.0.1:9/in"}""", "events")]
    [InlineData("""{"events":["email.sent"]}""", "url")]
    [InlineData("""{"url":"ftp://127.0.0.1/in","events":["email.sent"]}""", "url")]
    [InlineData("""{"url":"http://169.254.169.254/latest/meta-data","events":["email.sent"]}""", "url")]
    [InlineData("""{"url":"http://u:p@127.0.0.1/in","events":["email.sent"]}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/in","events":["email.sent"],"description":"a\u0000b"}""", "description")]
    public async Task Create_HostileOrInvalidBody_400NamingTheFieldAndNothingStored(string json, string field)
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.RawJson(HttpMethod.Post, "api/outbound-webhooks", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("outbound_webhook_endpoints", user.TeamId));
    }

    [Fact]
    public async Task Create_UrlLongerThanTheLimit_400()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/outbound-webhooks", new { url = "http://127.0.0.1:9/" + new string('a', 3000), events = new[] { "email.sent" } }));

        await TestUsers.AssertRejectsFieldAsync(response, "url");
    }

    [Fact]
    public async Task ContactCreated_DeliveredSignedWithTheDeliveryIdAsWebhookId_OwnVerifierAccepts()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var user = await TestUsers.CreateAsync(app);
        var (id, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created", "contact.updated", "contact.unsubscribed");

        var contactId = await CreateContactAsync(client, user);
        var unsubscribe = await client.SendAsync(user.Request(HttpMethod.Put, $"api/contacts/{contactId}", new { unsubscribed = true }));
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        await DeliverAllAsync();

        var deliveries = await DeliveriesAsync(client, user, id);
        Assert.Equal(3, deliveries.GetArrayLength());
        Assert.All(deliveries.EnumerateArray(), d =>
        {
            Assert.Equal("succeeded", d.GetProperty("status").GetString());
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
            Assert.Equal(200, d.GetProperty("response_code").GetInt32());
            Assert.True(d.GetProperty("latency_ms").GetInt32() >= 0);
        });
        var received = receiver.Received.ToList();
        Assert.Equal(["contact.created", "contact.unsubscribed", "contact.updated"], received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).Order());
        Assert.Equal(deliveries.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order(), received.Select(r => r.Header("webhook-id")).Order());
        var verifier = new WebhookSignatureVerifier(new FakeTimeProvider(app.Time.GetUtcNow()));
        Assert.All(received, r => Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(secret, r.Body, name => r.Headers.GetValueOrDefault(name))));
        var created = JsonDocument.Parse(received.Single(r => r.Text.Contains("contact.created", StringComparison.Ordinal)).Body).RootElement;
        Assert.Equal(contactId, created.GetProperty("data").GetProperty("id").GetGuid());
        Assert.StartsWith("application/json", received[0].Header("content-type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_ReceiverRedirects_NotFollowedAndRecordedAsFailure()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        receiver.RedirectTo = receiver.Url("/private-target");
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");

        await CreateContactAsync(client, user);
        await DeliverAllAsync();

        var delivery = (await DeliveriesAsync(client, user, id))[0];
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Equal(302, delivery.GetProperty("response_code").GetInt32());
        Assert.Contains("redirect", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Received, r => r.Path == "/private-target");
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Deliveries_TwoDispatchersAtOnce_EachDeliveredExactlyOnce()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        for (var i = 0; i < 25; i++)
        {
            await CreateContactAsync(client, user);
        }

        await using var second = await SecondaryApp.StartAsync(app, app.Time);
        var other = second.Services.GetRequiredService<OutboundWebhookDispatcher>();
        await Task.WhenAll(
            Task.Run(async () => { while (await Dispatcher.DeliverDueAsync(null, CancellationToken.None) > 0) { } }),
            Task.Run(async () => { while (await other.DeliverDueAsync(null, CancellationToken.None) > 0) { } }));

        var received = receiver.Received.ToList();
        Assert.Equal(25, received.Count);
        Assert.Equal(25, received.Select(r => r.Header("webhook-id")).Distinct().Count());
        Assert.All((await DeliveriesAsync(client, user, id)).EnumerateArray(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task ResendEvents_FoldedAndVerified_FanOutAsEmailEventsOnce()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "email.delivered", "email.bounced");
        var (emailId, resendId) = (Guid.NewGuid(), "re_" + Guid.NewGuid().ToString("N"));
        await using (var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection,
                """
                INSERT INTO emails (id, team_id, from_address, to_addresses, subject, status, payload, resend_id, created_at, updated_at)
                VALUES (@EmailId, @TeamId, 'App <app@example.com>', ARRAY['delivered@resend.dev'], 'Hello', 'delivered', '{}', @ResendId, now(), now());
                INSERT INTO webhook_endpoints (id, team_id, public_id, created_at, updated_at)
                VALUES (@EndpointId, @TeamId, @PublicId, now(), now())
                ON CONFLICT (team_id) DO NOTHING;
                INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, payload, received_at, folded_at)
                SELECT @TeamId, id, v.svix, v.type, v.verified, @ResendId, '{}', now(), v.folded
                FROM webhook_endpoints, (VALUES ('m1', 'email.delivered', true, now()), ('m2', 'email.opened', true, now()),
                                               ('m3', 'email.bounced', false, now()), ('m4', 'email.bounced', true, NULL::timestamptz)) AS v (svix, type, verified, folded)
                WHERE team_id = @TeamId
                """,
                new { EmailId = emailId, user.TeamId, ResendId = resendId, EndpointId = Guid.NewGuid(), PublicId = Guid.NewGuid().ToString("N") });
        }

        await DeliverAllAsync();
        await DeliverAllAsync();

        var received = Assert.Single(receiver.Received);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("email.delivered", body.GetProperty("type").GetString());
        Assert.Equal(emailId, body.GetProperty("data").GetProperty("email_id").GetGuid());
        Assert.Equal(resendId, body.GetProperty("data").GetProperty("resend_id").GetString());
        Assert.Equal("Hello", body.GetProperty("data").GetProperty("subject").GetString());
        Assert.Single((await DeliveriesAsync(client, user, id)).EnumerateArray());
    }

    [Fact]
    public async Task Retry_FailedDelivery_QueuedAgainWithTheSameWebhookId()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        receiver.Answer = 503;
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        await CreateContactAsync(client, user);
        await DeliverAllAsync();
        var deliveryId = (await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid();

        receiver.Answer = 204;
        var retried = await client.SendAsync(user.Request(HttpMethod.Post, $"api/outbound-webhooks/{id}/deliveries/{deliveryId}/retry"));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        await Dispatcher.DeliverDueAsync(deliveryId, CancellationToken.None);

        var delivery = (await DeliveriesAsync(client, user, id))[0];
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        Assert.Equal(2, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(204, delivery.GetProperty("response_code").GetInt32());
        Assert.Equal([deliveryId.ToString(), deliveryId.ToString()], receiver.Received.Select(r => r.Header("webhook-id")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(user.Request(HttpMethod.Post, $"api/outbound-webhooks/{id}/deliveries/{Guid.NewGuid()}/retry"))).StatusCode);
    }

    [Fact]
    public async Task NoSubscriber_ContactCreated_WritesNoEvent()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "email.sent");

        await CreateContactAsync(client, user);

        Assert.Equal(0, await app.CountForTeamAsync("outbound_webhook_events", user.TeamId));
    }

    private async Task DeliverAllAsync()
    {
        await Dispatcher.FanOutAsync(CancellationToken.None);
        while (await Dispatcher.DeliverDueAsync(null, CancellationToken.None) > 0)
        {
        }
    }
}
