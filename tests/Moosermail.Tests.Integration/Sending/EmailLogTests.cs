using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Sending;

[Collection(AppCollection.Name)]
public sealed class EmailLogTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task List_PagesThroughEveryEmailOnceNewestFirst()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var sent = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            sent.Add(await SendAsync(user, new { to = $"r{i}@example.com", subject = $"n{i}", body = "b" }));
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(user, $"api/emails?limit=2{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(sent), seen);
    }

    [Fact]
    public async Task List_FiltersByStatusRecipientAndTag()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var tagged = await SendAsync(user, new { to = "Tagged Person <tagged@example.com>", subject = "t", body = "b", tags = new { campaign = "welcome" } });
        await SendAsync(user, new { to = "other@example.com", subject = "o", body = "b" });

        var byTo = await GetJsonAsync(user, "api/emails?to=tagged@example.com");
        var byTag = await GetJsonAsync(user, "api/emails?tag=campaign:welcome");
        var byStatus = await GetJsonAsync(user, "api/emails?status=failed");

        Assert.Equal([tagged], byTo.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        Assert.Equal([tagged], byTag.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        Assert.Empty(byStatus.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("api/emails?status=lost")]
    [InlineData("api/emails?limit=1000")]
    [InlineData("api/emails?cursor=garbage")]
    [InlineData("api/emails?since=yesterday")]
    public async Task List_BadQuery_Returns400(string path)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Get, path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await TestUsers.ProblemAsync(response);
    }

    [Fact]
    public async Task SendLog_KeepsTheOriginalShape()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var id = await SendAsync(user, new { to = new[] { "a@example.com", "b@example.com" }, subject = "s", body = "b" });

        var log = await GetJsonAsync(user, "api/send-log?limit=10");

        var entry = Assert.Single(log.GetProperty("logs").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetGuid());
        Assert.Equal("a@example.com, b@example.com", entry.GetProperty("to_address").GetString());
        Assert.Equal("sent", entry.GetProperty("status").GetString());
        Assert.True(entry.TryGetProperty("template_name", out _));
    }

    [Fact]
    public async Task OtherTeam_CannotSeeListCancelOrRescheduleTheEmails()
    {
        var owner = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var intruder = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var id = await SendAsync(owner, new { to = "a@example.com", subject = "secret", body = "b", scheduled_at = app.Time.GetUtcNow().AddHours(1) });

        var list = await GetJsonAsync(intruder, "api/emails");
        var log = await GetJsonAsync(intruder, "api/send-log");
        var get = await _client.SendAsync(intruder.Request(HttpMethod.Get, $"api/emails/{id}"));
        var cancel = await _client.SendAsync(intruder.Request(HttpMethod.Post, $"api/emails/{id}/cancel"));
        var patch = await _client.SendAsync(intruder.Request(HttpMethod.Patch, $"api/emails/{id}", new { scheduled_at = app.Time.GetUtcNow().AddHours(3) }));

        Assert.Empty(list.GetProperty("data").EnumerateArray());
        Assert.Empty(log.GetProperty("logs").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        var mine = await GetJsonAsync(owner, $"api/emails/{id}");
        Assert.Equal("scheduled", mine.GetProperty("email").GetProperty("status").GetString());
    }

    [Fact]
    public async Task NarrowedKey_WithoutEmailsSend_CannotSend()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _client)).User;
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:read"]);

        var response = await _client.SendAsync(user.Using(key).Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<Guid> SendAsync(TestUser user, object body)
    {
        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> GetJsonAsync(TestUser user, string path)
    {
        var response = await _client.SendAsync(user.Request(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
