using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using Moosermail.Tests.Integration.Webhooks;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>
/// A team with senders on two Resend accounts (two sandbox keys): each received email is read with the key of the
/// account that received it, the backfill walks each distinct key once, and received_at is Resend's created_at.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class InboxSenderKeyTests(AppFixture app)
{
    [Fact]
    public async Task Webhook_EmailInTheSecondAccount_FetchedWithTheKeyOfItsDomain()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, endpoint, secret) = await kit.TeamWithSecretAsync(app);
        var (supportId, supportKey) = await TestSenders.AddAsync(kit.Client, user, "Support <support@other.example>");
        var resendId = await app.InjectAsync(supportKey, new { from = "ann@example.net", to = new[] { "support@other.example" }, subject = "Help", text = "From the other account" });

        var posted = await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, Received(resendId, "support@other.example"), app.Time.GetUtcNow()));
        await app.App.Services.FetchContentAsync();

        Assert.True(posted.IsSuccessStatusCode);
        var email = await EmailAsync(kit.Client, user, await app.InboxIdAsync(user.TeamId, resendId));
        Assert.Equal("fetched", email.GetProperty("content_state").GetString());
        Assert.Equal("From the other account", email.GetProperty("text").GetString());
        Assert.Equal(supportId, email.GetProperty("sender_id").GetGuid());
    }

    [Fact]
    public async Task Webhook_AddressOnNoSendersDomain_TriesEachKeyOnceUntilOneReadsIt()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, endpoint, secret) = await kit.TeamWithSecretAsync(app);
        var (_, secondKey) = await TestSenders.AddAsync(kit.Client, user, "Second <second@second.example>");
        var (thirdId, thirdKey) = await TestSenders.AddAsync(kit.Client, user, "Third <third@third.example>");
        var resendId = await app.InjectAsync(thirdKey, new { from = "ann@example.net", to = new[] { "anything@inbound.resend.example" }, subject = "Where?", text = "found" });
        var secondBefore = await RequestsAsync(secondKey);

        await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, Received(resendId, "anything@inbound.resend.example"), app.Time.GetUtcNow()));
        await app.App.Services.FetchContentAsync();

        var email = await EmailAsync(kit.Client, user, await app.InboxIdAsync(user.TeamId, resendId));
        Assert.Equal("fetched", email.GetProperty("content_state").GetString());
        Assert.Equal("found", email.GetProperty("text").GetString());
        Assert.Equal(thirdId, email.GetProperty("sender_id").GetGuid());
        Assert.Equal(1, await RequestsAsync(secondKey) - secondBefore);
    }

    [Fact]
    public async Task Webhook_NoKeyCanReadIt_StaysPendingForARetry()
    {
        var kit = new WebhookTestKit(app.CreateClient(), app.DatabaseUrl);
        var (user, endpoint, secret) = await kit.TeamWithSecretAsync(app);
        await TestSenders.AddAsync(kit.Client, user, "Second <second@second.example>");

        await kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, Received(Guid.NewGuid().ToString(), "x@second.example"), app.Time.GetUtcNow()));
        await app.App.Services.FetchContentAsync();

        var listed = Assert.Single(await InboxReceivingTests.ListAsync(kit.Client, user, "api/inbox"));
        var email = await EmailAsync(kit.Client, user, listed.GetProperty("id").GetGuid());
        Assert.Equal("pending", email.GetProperty("content_state").GetString());
        Assert.Equal(1, email.GetProperty("fetch_attempts").GetInt32());
    }

    [Fact]
    public async Task Backfill_WalksEachDistinctKeyOnce_AndEachEmailIsReadWithTheKeyThatListedIt()
    {
        using var client = app.CreateClient();
        var (user, firstKey) = await TestSenders.UserWithSenderAsync(app, client);
        var (_, secondKey) = await TestSenders.AddAsync(client, user, "Second <second@second.example>");
        // A third sender on the first key (another address of the same Resend account): that account is walked once.
        var shared = await client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = firstKey, from_address = "Alias <alias@example.com>" }));
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var inFirst = await app.InjectAsync(firstKey, new { from = "a@example.net", to = new[] { "x@unknown.example" }, subject = "first account", text = "one" });
        var inSecond = await app.InjectAsync(secondKey, new { from = "b@example.net", to = new[] { "y@unknown.example" }, subject = "second account", text = "two" });
        var (firstBefore, secondBefore) = (await RequestsAsync(firstKey), await RequestsAsync(secondKey));

        var stored = await app.App.Services.BackfillAsync(user.TeamId);
        var (firstWalk, secondWalk) = (await RequestsAsync(firstKey) - firstBefore, await RequestsAsync(secondKey) - secondBefore);
        await app.App.Services.FetchContentAsync();
        var again = await app.App.Services.BackfillAsync(user.TeamId);

        Assert.Equal(2, stored);
        Assert.Equal(0, again);
        Assert.Equal((1, 1), (firstWalk, secondWalk));
        Assert.Equal("one", (await EmailAsync(client, user, await app.InboxIdAsync(user.TeamId, inFirst))).GetProperty("text").GetString());
        Assert.Equal("two", (await EmailAsync(client, user, await app.InboxIdAsync(user.TeamId, inSecond))).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Attachment_OfMailInTheSecondAccount_IsDownloadedWithThatAccountsKey()
    {
        using var client = app.CreateClient();
        var (user, _) = await TestSenders.UserWithSenderAsync(app, client);
        var (_, secondKey) = await TestSenders.AddAsync(client, user, "Second <second@second.example>");
        var id = await app.ReceiveAsync(user, secondKey, new
        {
            from = "a@example.net",
            to = new[] { "files@unknown.example" },
            subject = "Files",
            attachments = new[] { new { filename = "a.txt", content_type = "text/plain", content = Convert.ToBase64String("from the second account"u8.ToArray()) } },
        });
        var attachmentId = (await EmailAsync(client, user, id)).GetProperty("attachments")[0].GetProperty("id").GetString();

        var download = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{attachmentId}"));

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("from the second account", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReceivedAt_IsResendsCreatedAt_NotWhenMoosermailStoredIt()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var resendId = await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "when?", text = "then" });
        using var resend = app.Sandbox.Http(apiKey);
        var createdAt = DateTimeOffset.Parse((await resend.GetFromJsonAsync<JsonElement>($"emails/receiving/{resendId}")).GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // The app's clock is far from the sandbox's, so storing time and Resend's time cannot agree by chance.
        app.Time.Advance(TimeSpan.FromHours(3));

        await app.App.Services.BackfillAsync(user.TeamId);
        var storedAt = await app.ScalarAsync<DateTime>("SELECT received_at FROM received_emails WHERE team_id = @TeamId AND resend_id = @ResendId", new { user.TeamId, ResendId = resendId });

        Assert.Equal(createdAt.UtcDateTime, DateTime.SpecifyKind(storedAt, DateTimeKind.Utc), TimeSpan.FromMilliseconds(1));
        Assert.True((app.Time.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(storedAt, DateTimeKind.Utc)).Duration() > TimeSpan.FromHours(1));
    }

    private async Task<int> RequestsAsync(string apiKey)
    {
        using var http = app.Sandbox.Http(apiKey);
        return (await http.GetFromJsonAsync<JsonElement>("_sandbox/stats")).GetProperty("requests").GetInt32();
    }

    private static Task<JsonElement> EmailAsync(HttpClient client, TestUser user, Guid id) => InboxReceivingTests.EmailAsync(client, user, id);

    private static byte[] Received(string resendId, string to) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "email.received",
            created_at = DateTimeOffset.UtcNow.ToString("O"),
            data = new
            {
                email_id = resendId,
                created_at = DateTimeOffset.UtcNow.ToString("O"),
                from = "ann@example.net",
                to = new[] { to },
                cc = Array.Empty<string>(),
                bcc = Array.Empty<string>(),
                message_id = $"<{resendId}@example.net>",
                subject = "Help",
                attachments = Array.Empty<object>(),
            },
        });
}
