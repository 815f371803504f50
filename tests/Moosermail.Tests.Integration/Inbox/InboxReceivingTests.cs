using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Webhooks;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>
/// How received mail gets in: the signed email.received webhook (metadata at once, content by the fetch job), the
/// backfill for mail whose webhook never came, a Resend outage during the fetch, duplicate and unverified events.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class InboxReceivingTests(AppFixture app)
{
    [Fact]
    public async Task InjectedEmail_ByWebhook_ListedWithContent_FoundBySearch()
    {
        await using var host = await SecondaryApp.StartAsync(app, TimeProvider.System);
        using var client = host.CreateClient();
        var kit = new WebhookTestKit(client, app.DatabaseUrl);
        var user = await host.CreateUserAsync();
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        using var resend = app.Sandbox.Http(apiKey);
        var hook = await resend.PostAsJsonAsync("webhooks", new
        {
            endpoint = new Uri(host.BaseAddress, $"api/webhooks/resend/{await kit.EndpointIdAsync(user)}").AbsoluteUri,
            events = new[] { "email.received" },
        });
        await kit.SetSecretAsync(user, (await hook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signing_secret").GetString());

        var resendId = await app.InjectAsync(apiKey, new
        {
            from = "Ada Lovelace <ada@example.net>",
            to = new[] { "inbox@example.com" },
            subject = "Analytical engine notes",
            text = "The engine weaves algebraic patterns.",
            html = "<p>The engine weaves algebraic patterns.</p>",
        });
        var listed = await PollAsync(async () =>
            (await kit.JsonAsync(user, HttpMethod.Get, "api/inbox")).GetProperty("data").EnumerateArray().FirstOrDefault(e => e.GetProperty("resend_id").GetString() == resendId));
        var id = listed.GetProperty("id").GetGuid();
        await host.Services.FetchContentAsync();
        var email = (await kit.JsonAsync(user, HttpMethod.Get, $"api/inbox/{id}")).GetProperty("email");
        var found = (await kit.JsonAsync(user, HttpMethod.Get, "api/inbox?q=algebraic%20engines")).GetProperty("data");
        var notFound = (await kit.JsonAsync(user, HttpMethod.Get, "api/inbox?q=steam%20locomotive")).GetProperty("data");

        Assert.Equal("Ada Lovelace <ada@example.net>", listed.GetProperty("from").GetString());
        Assert.Equal("fetched", email.GetProperty("content_state").GetString());
        Assert.Equal("The engine weaves algebraic patterns.", email.GetProperty("text").GetString());
        Assert.Equal("<p>The engine weaves algebraic patterns.</p>", email.GetProperty("html").GetString());
        Assert.StartsWith("<", email.GetProperty("message_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, email.GetProperty("headers").ValueKind);
        Assert.False(email.GetProperty("read").GetBoolean());
        Assert.Equal(id, Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Empty(notFound.EnumerateArray());
    }

    [Fact]
    public async Task DuplicateEmailReceived_DifferentSvixIds_StoresOneEmail()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, endpoint, secret) = await kit.TeamWithSecretAsync(app);
        var body = ReceivedEvent(Guid.NewGuid().ToString(), "Twice");

        var first = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()));
        var second = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()));
        var replay = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow(), svixId: "msg_same"));
        var replayAgain = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow(), svixId: "msg_same"));

        Assert.All([first, second, replay, replayAgain], r => Assert.True(r.IsSuccessStatusCode));
        Assert.Equal(1, await app.CountForTeamAsync("received_emails", user.TeamId));
        var listed = Assert.Single((await kit.JsonAsync(user, HttpMethod.Get, "api/inbox")).GetProperty("data").EnumerateArray());
        Assert.Equal("Twice", listed.GetProperty("subject").GetString());
        Assert.Equal("pending", listed.GetProperty("content_state").GetString());
    }

    [Fact]
    public async Task EmailReceived_WithoutSigningSecret_ChangesNothing()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, _) = await TestSenders.UserWithSenderAsync(app, kit.Client);
        var endpoint = await kit.EndpointIdAsync(user);

        var response = await kit.Client.SendAsync(WebhookTestKit.Post(endpoint, ReceivedEvent(Guid.NewGuid().ToString(), "Forged"), "msg_forged", "1", "v1,AAAA"));

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(0, await app.CountForTeamAsync("received_emails", user.TeamId));
        Assert.Empty((await kit.JsonAsync(user, HttpMethod.Get, "api/inbox")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ResendOutage_DuringFetch_DelaysThenCompletes()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var resendId = await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "Through the outage", text = "still here" });
        Assert.Equal(1, await app.App.Services.BackfillAsync(user.TeamId));
        var id = await app.InboxIdAsync(user.TeamId, resendId);
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 2, status = 503 });

        await app.App.Services.FetchContentAsync();
        var afterFirst = await EmailAsync(client, user, id);
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.App.Services.FetchContentAsync();
        var afterSecond = await EmailAsync(client, user, id);
        app.Time.Advance(TimeSpan.FromMinutes(3));
        await app.App.Services.FetchContentAsync();
        var afterOutage = await EmailAsync(client, user, id);

        Assert.Equal("pending", afterFirst.GetProperty("content_state").GetString());
        Assert.False(string.IsNullOrEmpty(afterFirst.GetProperty("last_error").GetString()));
        Assert.Equal("pending", afterSecond.GetProperty("content_state").GetString());
        Assert.Equal(2, afterSecond.GetProperty("fetch_attempts").GetInt32());
        Assert.Equal("fetched", afterOutage.GetProperty("content_state").GetString());
        Assert.Equal("still here", afterOutage.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, afterOutage.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task Backfill_EmailWhoseWebhookNeverCame_IsStoredOnce_ThenOnlyNewMail()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "one" });
        await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "two" });

        var first = await app.App.Services.BackfillAsync(user.TeamId);
        var again = await app.App.Services.BackfillAsync(user.TeamId);
        await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "three" });
        var later = await app.App.Services.BackfillAsync(user.TeamId);
        await app.App.Services.FetchContentAsync();

        Assert.Equal(2, first);
        Assert.Equal(0, again);
        Assert.Equal(1, later);
        var subjects = (await ListAsync(client, user, "api/inbox")).Select(e => e.GetProperty("subject").GetString()).ToList();
        // One backfill stored "one" and "two" at the same instant of the test's fixed clock, so only "three" is
        // ordered against them; which of the two comes first is a tie.
        Assert.Equal("three", subjects[0]);
        Assert.Equal(new[] { "one", "two" }, subjects.Skip(1).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task ContentFetch_ResendRefusesKey_MarksFailedAndKeepsMetadata()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, kit.Client);
        var secret = await kit.SetSecretAsync(user);
        var endpoint = await kit.EndpointIdAsync(user);
        await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, ReceivedEvent(Guid.NewGuid().ToString(), "Gone"), app.Time.GetUtcNow()));
        var id = Assert.Single(await ListAsync(kit.Client, user, "api/inbox")).GetProperty("id").GetGuid();
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 401, name = "restricted_api_key" });

        await app.App.Services.FetchContentAsync();
        var email = await EmailAsync(kit.Client, user, id);

        Assert.Equal("failed", email.GetProperty("content_state").GetString());
        Assert.Equal("Gone", email.GetProperty("subject").GetString());
        Assert.False(string.IsNullOrEmpty(email.GetProperty("last_error").GetString()));
    }

    internal static byte[] ReceivedEvent(string resendId, string subject, string? messageId = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "email.received",
            created_at = DateTimeOffset.UtcNow.ToString("O"),
            data = new
            {
                email_id = resendId,
                created_at = DateTimeOffset.UtcNow.ToString("O"),
                from = "Sender <sender@example.net>",
                to = new[] { "inbox@example.com" },
                cc = Array.Empty<string>(),
                bcc = Array.Empty<string>(),
                message_id = messageId ?? $"<{resendId}@example.net>",
                subject,
                attachments = Array.Empty<object>(),
            },
        });

    internal static async Task<JsonElement> EmailAsync(HttpClient client, TestUser user, Guid id)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email");
    }

    internal static async Task<List<JsonElement>> ListAsync(HttpClient client, TestUser user, string path)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Webhooks arrive asynchronously: poll with a bound.</summary>
    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (value.ValueKind != JsonValueKind.Undefined || DateTime.UtcNow > deadline)
            {
                Assert.NotEqual(JsonValueKind.Undefined, value.ValueKind);
                return value;
            }

            await Task.Delay(100);
        }
    }
}
