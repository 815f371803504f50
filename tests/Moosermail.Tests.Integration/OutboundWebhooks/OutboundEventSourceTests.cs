using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Maintenance;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Webhooks;
using Moosermail.Tests.Integration.Inbox;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;
using Moosermail.Tests.Integration.Webhooks;
using static Moosermail.Tests.Integration.OutboundWebhooks.OutboundTestKit;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>
/// The events that come from other features, each over real HTTP to a loopback receiver and verified: email.received
/// (webhook and backfill), trigger.fired, contact.created/updated from recipients and CSV imports, email.failed when the
/// outbox gives up; and the delivery log's retention and cursor.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class OutboundEventSourceTests(AppFixture app)
{
    private OutboundWebhookDispatcher Dispatcher => app.App.Services.GetRequiredService<OutboundWebhookDispatcher>();

    [Fact]
    public async Task EmailReceived_SeenByWebhookAndBackfill_DeliveredOnceSignedWithTheInboxId()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        await using var receiver = await OutboundReceiver.StartAsync();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, kit.Client);
        var signing = await kit.SetSecretAsync(user);
        var endpoint = await kit.EndpointIdAsync(user);
        var (id, secret) = await CreateEndpointAsync(kit.Client, user, receiver.Url(), "email.received");
        var resendId = await app.InjectAsync(apiKey, new { from = "Ann <ann@example.net>", to = new[] { "inbox@example.com" }, subject = "Order 42", text = "Where is it?" });

        var hook = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, signing, InboxReceivingTests.ReceivedEvent(resendId, "Order 42"), app.Time.GetUtcNow()));
        var again = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, signing, InboxReceivingTests.ReceivedEvent(resendId, "Order 42"), app.Time.GetUtcNow()));
        Assert.True(hook.IsSuccessStatusCode && again.IsSuccessStatusCode);
        Assert.Equal(0, await app.App.Services.BackfillAsync(user.TeamId));
        await DeliverAllAsync();

        var inboxId = await app.InboxIdAsync(user.TeamId, resendId);
        var received = Assert.Single(receiver.Received);
        AssertSigned(secret, received);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("email.received", body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(inboxId, data.GetProperty("id").GetGuid());
        Assert.Equal(resendId, data.GetProperty("resend_id").GetString());
        Assert.Equal("Order 42", data.GetProperty("subject").GetString());
        Assert.Equal(["inbox@example.com"], data.GetProperty("to").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("succeeded", Assert.Single((await DeliveriesAsync(kit.Client, user, id)).EnumerateArray()).GetProperty("status").GetString());

        // Mail whose webhook never came: the backfill stores it, and that is when its event is recorded (once).
        var quiet = await app.InjectAsync(apiKey, new { from = "bob@example.net", subject = "No webhook for me" });
        Assert.Equal(1, await app.App.Services.BackfillAsync(user.TeamId));
        Assert.Equal(0, await app.App.Services.BackfillAsync(user.TeamId));
        await DeliverAllAsync();

        Assert.Equal(2, receiver.Received.Count);
        var backfilled = JsonDocument.Parse(receiver.Received.Last().Body).RootElement.GetProperty("data");
        Assert.Equal(await app.InboxIdAsync(user.TeamId, quiet), backfilled.GetProperty("id").GetGuid());
        Assert.Equal(2, await app.CountForTeamAsync("outbound_webhook_events", user.TeamId));
    }

    [Fact]
    public async Task EmailReceived_NoSubscriber_StoresTheEmailAndNoEvent()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "email.delivered");
        await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "unwatched" });

        Assert.Equal(1, await app.App.Services.BackfillAsync(user.TeamId));

        Assert.Equal(1, await app.CountForTeamAsync("received_emails", user.TeamId));
        Assert.Equal(0, await app.CountForTeamAsync("outbound_webhook_events", user.TeamId));
    }

    [Fact]
    public async Task TriggerFired_ByKeyAndByMember_OneEventPerAcceptedFire_ReplayRecordsNone()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(client, user);
        var template = await TestContent.CreateTemplateAsync(client, user);
        var trigger = await TestContent.CreateTriggerAsync(client, user, template.GetProperty("id").GetGuid(), name: "welcome-flow");
        var triggerId = trigger.GetProperty("id").GetGuid();
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{triggerId}", new { allowed_recipient_domains = new[] { "example.com" } });
        var (id, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "trigger.fired");

        using var byKey = new HttpRequestMessage(HttpMethod.Post, $"api/trigger/{trigger.GetProperty("trigger_key").GetString()}")
        {
            Content = JsonContent.Create(new { to = new[] { "a@example.com", "b@example.com" }, variables = new { name = "Ada" } }),
        };
        byKey.Headers.Add("Idempotency-Key", "fire-1");
        var fired = await client.SendAsync(byKey);
        Assert.Equal(HttpStatusCode.OK, fired.StatusCode);
        using var replay = new HttpRequestMessage(HttpMethod.Post, byKey.RequestUri) { Content = JsonContent.Create(new { to = new[] { "a@example.com", "b@example.com" }, variables = new { name = "Ada" } }) };
        replay.Headers.Add("Idempotency-Key", "fire-1");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(replay)).StatusCode);
        var (memberStatus, memberBody) = await TestContent.SendAsync(client, user, HttpMethod.Post, $"api/triggers/{triggerId}/fire", new { to = "c@example.com", variables = new { name = "Cy" } });
        Assert.Equal(HttpStatusCode.OK, memberStatus);
        await DeliverAllAsync();

        Assert.Equal(2, receiver.Received.Count);
        Assert.All(receiver.Received, r => AssertSigned(secret, r));
        var events = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data")).ToList();
        var keyFire = events.Single(e => e.GetProperty("fired_by").GetString() == "key");
        var memberFire = events.Single(e => e.GetProperty("fired_by").GetString() == "member");
        using var firedBody = JsonDocument.Parse(await fired.Content.ReadAsStringAsync());
        Assert.Equal(firedBody.RootElement.GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()).Order(), keyFire.GetProperty("email_ids").EnumerateArray().Select(i => i.GetGuid()).Order());
        Assert.Equal(2, keyFire.GetProperty("emails").GetInt32());
        Assert.Equal(triggerId, keyFire.GetProperty("trigger_id").GetGuid());
        Assert.Equal("welcome-flow", keyFire.GetProperty("trigger_name").GetString());
        Assert.Equal(memberBody.GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()), memberFire.GetProperty("email_ids").EnumerateArray().Select(i => i.GetGuid()));
        Assert.Equal(2, (await DeliveriesAsync(client, user, id)).GetArrayLength());
    }

    [Fact]
    public async Task RecipientsAsContacts_NewRecipientsOnly_ContactCreatedLikeTheApiShowsIt()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var (user, _) = await TestSenders.UserWithSenderAsync(app, client);
        var (id, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        var (known, fresh) = (TestUsers.NewEmail("known"), TestUsers.NewEmail("fresh"));
        var existing = await client.SendAsync(user.Request(HttpMethod.Post, "api/contacts", new { email = known }));
        Assert.Equal(HttpStatusCode.Created, existing.StatusCode);

        var sent = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = new[] { known, fresh }, subject = "s", body = "b" }));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var again = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = fresh, subject = "s2", body = "b" }));
        Assert.True(again.IsSuccessStatusCode);
        await DeliverAllAsync();

        Assert.Equal(2, receiver.Received.Count);
        Assert.All(receiver.Received, r => AssertSigned(secret, r));
        var collected = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).Single(b => b.GetProperty("data").GetProperty("email").GetString() == fresh);
        Assert.Equal("contact.created", collected.GetProperty("type").GetString());
        var data = collected.GetProperty("data");
        var listed = await client.SendAsync(user.Request(HttpMethod.Get, $"api/contacts/{data.GetProperty("id").GetGuid()}"));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var contact = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("contact");
        // Built in SQL, shaped (and its times written) exactly as the API writes the contact.
        Assert.Equal(contact.EnumerateObject().Select(p => p.Name), data.EnumerateObject().Select(p => p.Name));
        foreach (var property in contact.EnumerateObject())
        {
            Assert.Equal(property.Value.GetRawText(), data.GetProperty(property.Name).GetRawText());
        }

        Assert.InRange(collected.GetProperty("created_at").GetDateTimeOffset() - app.Time.GetUtcNow(), TimeSpan.FromMilliseconds(-1), TimeSpan.Zero);
        Assert.Equal(2, (await DeliveriesAsync(client, user, id)).GetArrayLength());
    }

    [Fact]
    public async Task CsvImport_CreatedForNewRows_UpdatedOnlyWhereARowChanged()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var user = await TestUsers.CreateAsync(app);
        var (same, renamed, retagged, added) = (TestUsers.NewEmail("same"), TestUsers.NewEmail("renamed"), TestUsers.NewEmail("retagged"), TestUsers.NewEmail("added"));
        var before = await ImportAsync(client, user, $"email,name,tags\n{same},Sam,a;b\n{renamed},Old,\n{retagged},Rae,a\n");
        Assert.Equal(3, before.GetProperty("imported").GetInt32());
        var (_, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created", "contact.updated");

        var result = await ImportAsync(client, user, $"email,name,tags\n{same},Sam,b;a\n{renamed},New,\n{retagged},,c\n{added},Ada,x\n");
        await DeliverAllAsync();

        Assert.Equal(1, result.GetProperty("imported").GetInt32());
        Assert.Equal(3, result.GetProperty("updated").GetInt32());
        Assert.All(receiver.Received, r => AssertSigned(secret, r));
        var events = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement)
            .ToDictionary(b => b.GetProperty("data").GetProperty("email").GetString()!, b => b);
        Assert.Equal(new[] { added, renamed, retagged }.Order(StringComparer.Ordinal), events.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("contact.created", events[added].GetProperty("type").GetString());
        Assert.Equal("Ada", events[added].GetProperty("data").GetProperty("name").GetString());
        Assert.Equal("contact.updated", events[renamed].GetProperty("type").GetString());
        Assert.Equal("New", events[renamed].GetProperty("data").GetProperty("name").GetString());
        Assert.Equal("contact.updated", events[retagged].GetProperty("type").GetString());
        Assert.Equal(["a", "c"], events[retagged].GetProperty("data").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task CsvImport_OnlyCreatedSubscribed_NoUpdatedEvents()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var old = TestUsers.NewEmail("old");
        await ImportAsync(client, user, $"email,name\n{old},A\n");
        await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "contact.created");

        await ImportAsync(client, user, $"email,name\n{old},B\n{TestUsers.NewEmail("new")},C\n");

        Assert.Equal(["contact.created"], await TypesAsync(user.TeamId));
    }

    [Fact]
    public async Task EmailFailed_OutboxGivesUpOnAScheduledSend_EventWithTheError()
    {
        using var client = app.CreateClient();
        await using var receiver = await OutboundReceiver.StartAsync();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var (_, secret) = await CreateEndpointAsync(client, user, receiver.Url(), "email.failed");
        var sent = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "Later", body = "b", scheduled_at = app.Time.GetUtcNow().AddMinutes(5) }));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var emailId = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await DeliverAllAsync();
        Assert.Empty(receiver.Received);

        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 422, name = "validation_error" });
        await app.DispatchLaterAsync(TimeSpan.FromMinutes(10));
        await DeliverAllAsync();

        var received = Assert.Single(receiver.Received);
        AssertSigned(secret, received);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("email.failed", body.GetProperty("type").GetString());
        Assert.Equal(emailId, body.GetProperty("data").GetProperty("email_id").GetGuid());
        Assert.Equal("Later", body.GetProperty("data").GetProperty("subject").GetString());
        Assert.Contains("Injected by the sandbox", body.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", await app.ScalarAsync<string>("SELECT status FROM emails WHERE team_id = @TeamId AND id = @Id", new { user.TeamId, Id = emailId }));
    }

    [Fact]
    public async Task Retention_FinishedDeliveriesAndTheirEventsGoAfterTheSetting_PendingOnesStay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SecondaryApp.StartAsync(app, clock);
        await using var receiver = await OutboundReceiver.StartAsync();
        using var client = host.CreateClient();
        var user = await host.CreateUserAsync();
        var (id, _) = await CreateEndpointAsync(client, user, receiver.Url(), "contact.created");
        await CreateContactAsync(client, user);
        var delivered = (await DeliveriesAsync(client, user, id))[0].GetProperty("id").GetGuid();
        var dispatcher = host.Services.GetRequiredService<OutboundWebhookDispatcher>();
        Assert.Equal(1, await dispatcher.DeliverDueAsync(delivered, CancellationToken.None));
        clock.Advance(TimeSpan.FromDays(29));
        receiver.Answer = 500;
        user = user with { Token = host.Services.GetRequiredService<Core.Security.SessionTokens>().Issue(user.UserId, tokenVersion: 0).Token };
        await CreateContactAsync(client, user);
        var pending = (await DeliveriesAsync(client, user, id)).EnumerateArray().Single(d => d.GetProperty("id").GetGuid() != delivered).GetProperty("id").GetGuid();
        Assert.Equal(1, await dispatcher.DeliverDueAsync(pending, CancellationToken.None));
        var retention = host.Services.GetRequiredService<DataRetentionService>();

        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await retention.RunAsync(CancellationToken.None);
        var keptAtThirtyDays = await DeliveryIdsAsync(user.TeamId);
        clock.Advance(TimeSpan.FromMinutes(2));
        var result = await retention.RunAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(60));
        await retention.RunAsync(CancellationToken.None);

        Assert.Equal(new[] { delivered, pending }.Order(), keptAtThirtyDays.Order());
        Assert.True(result.OutboundDeliveries >= 1 && result.OutboundEvents >= 1, $"{result}");
        Assert.Equal([pending], await DeliveryIdsAsync(user.TeamId));
        Assert.Equal(1, await app.CountForTeamAsync("outbound_webhook_events", user.TeamId));
        Assert.Equal(TimeSpan.FromDays(30), host.Services.GetRequiredService<RetentionOptions>().OutboundWebhookDeliveries);
    }

    [Fact]
    public async Task Retention_Setting_IsReadAndAnInvalidValueRefusedAtStart()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var host = await SecondaryApp.StartAsync(app, clock, s => s[RetentionOptions.OutboundDaysKey] = "7"))
        {
            Assert.Equal(TimeSpan.FromDays(7), host.Services.GetRequiredService<RetentionOptions>().OutboundWebhookDeliveries);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var broken = await SecondaryApp.StartAsync(app, clock, s => s[RetentionOptions.OutboundDaysKey] = "0");
        });
    }

    [Fact]
    public async Task Deliveries_CursorPages_CoverEveryDeliveryOnceNewestFirst()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "contact.created");
        for (var i = 0; i < 5; i++)
        {
            await CreateContactAsync(client, user);
            app.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var all = await PageAsync(client, user, $"api/outbound-webhooks/{id}/deliveries?limit=50");
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_cursor").ValueKind);
        var expected = all.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList();
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(client, user, $"api/outbound-webhooks/{id}/deliveries?limit=2" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(5, expected.Count);
        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("MTIzOmFiYw")]
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTk6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA")]
    [InlineData("%00")]
    public async Task Deliveries_ForgedCursor_400NamingCursor(string cursor)
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await CreateEndpointAsync(client, user, "http://127.0.0.1:9/in", "contact.created");

        var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/outbound-webhooks/{id}/deliveries?cursor={cursor}"));

        await TestUsers.AssertRejectsFieldAsync(response, "cursor");
    }

    [Fact]
    public async Task Deliveries_AnotherTeamsEndpointWithACursor_404()
    {
        using var client = app.CreateClient();
        var (owner, other) = (await TestUsers.CreateAsync(app), await TestUsers.CreateAsync(app));
        var (id, _) = await CreateEndpointAsync(client, owner, "http://127.0.0.1:9/in", "contact.created");
        await CreateContactAsync(client, owner);
        await CreateContactAsync(client, owner);
        var page = await PageAsync(client, owner, $"api/outbound-webhooks/{id}/deliveries?limit=1");

        var response = await client.SendAsync(other.Request(HttpMethod.Get, $"api/outbound-webhooks/{id}/deliveries?limit=1&cursor={Uri.EscapeDataString(page.GetProperty("next_cursor").GetString()!)}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task EventTypes_ListsEverySubscribableType()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var page = await PageAsync(client, user, "api/outbound-webhooks/events");

        Assert.Equal(OutboundWebhookRules.EventTypes, page.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("trigger.fired", OutboundWebhookRules.EventTypes);
        Assert.Contains("email.received", OutboundWebhookRules.EventTypes);
    }

    private static void AssertSigned(string secret, ReceivedDelivery delivery)
    {
        var verifier = new WebhookSignatureVerifier(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(delivery.Header("webhook-timestamp"), System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(secret, delivery.Body, name => delivery.Headers.GetValueOrDefault(name)));
    }

    private static async Task<JsonElement> PageAsync(HttpClient client, TestUser user, string path)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, TestUser user, string csv)
    {
        using var request = user.Request(HttpMethod.Post, "api/contacts/import");
        request.Content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string[]> TypesAsync(Guid teamId) =>
        await app.ScalarAsync<string[]>("SELECT COALESCE(array_agg(type ORDER BY type), ARRAY[]::text[]) FROM outbound_webhook_events WHERE team_id = @TeamId", new { TeamId = teamId });

    private async Task<Guid[]> DeliveryIdsAsync(Guid teamId) =>
        await app.ScalarAsync<Guid[]>("SELECT COALESCE(array_agg(id), ARRAY[]::uuid[]) FROM outbound_webhook_deliveries WHERE team_id = @TeamId", new { TeamId = teamId });

    private async Task DeliverAllAsync()
    {
        await Dispatcher.FanOutAsync(CancellationToken.None);
        while (await Dispatcher.DeliverDueAsync(null, CancellationToken.None) > 0)
        {
        }
    }
}
