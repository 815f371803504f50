using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

/// <summary>GET /api/auth/audit: a user's own account events, and nobody else's.</summary>
[Collection(AppCollection.Name)]
public sealed class AccountAuditTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task LoginsAndPasswordChanges_AreShownToTheUser_WithTheClientAddress()
    {
        var user = await TestUsers.CreateAsync(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong password!" })).StatusCode);
        app.Time.Advance(TimeSpan.FromMilliseconds(10));
        await TestUsers.LoginAsync(_client, user.Email, user.Password);
        app.Time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/password", new { current_password = user.Password, new_password = "the next password" }))).StatusCode);
        app.Time.Advance(TimeSpan.FromMilliseconds(10));
        var session = user with { Token = await TestUsers.LoginAsync(_client, user.Email, "the next password") };

        var events = await EventsAsync(session, "api/auth/audit");

        Assert.Equal(["login.succeeded", "password.changed", "login.succeeded", "login.failed"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.GetProperty("client_address").GetString()));
    }

    [Fact]
    public async Task AnotherUsersEvents_AreNeverShown()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong password!" });

        Assert.Single(await EventsAsync(user, "api/auth/audit"));
        Assert.Empty(await EventsAsync(other, "api/auth/audit"));
    }

    [Fact]
    public async Task Pages_FollowTheCursorToTheEnd_AndABadCursorIs400()
    {
        var user = await TestUsers.CreateAsync(app);
        for (var i = 0; i < 3; i++)
        {
            await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong password!" });
            app.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var response = await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/audit?limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(3, seen.Distinct().Count());
        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/audit?cursor=bm90LWEtY3Vyc29y")), "cursor");
        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/audit?cursor=%00%FF")), "cursor");
        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/audit?limit=0")), "limit");
        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/audit?limit=abc")), "limit");
    }

    private async Task<IReadOnlyList<JsonElement>> EventsAsync(TestUser user, string path)
    {
        var response = await _client.SendAsync(user.Request(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray().ToList();
    }
}
