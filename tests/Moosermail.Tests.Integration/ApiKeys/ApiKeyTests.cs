using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Data;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.ApiKeys;

[Collection(AppCollection.Name)]
public sealed class ApiKeyTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_ShowsTheKeyOnlyInTheCreateResponse()
    {
        var user = await TestUsers.CreateAsync(app);
        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/api-keys", new { name = "ci", expires_in = "never" }));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;

        var list = await (await _client.SendAsync(user.Request(HttpMethod.Get, "api/api-keys"))).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expires_at").ValueKind);
        Assert.Equal(ApiKeyFormat.DisplayPrefix(key), body.GetProperty("prefix").GetString());
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..], app.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..], await DumpApiKeysAsync(), StringComparison.Ordinal);
        Assert.Contains(ApiKeyFormat.DisplayPrefix(key), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_AuthenticatesAsItsCreatorInItsTeam()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user);

        var response = await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(user.UserId, body.RootElement.GetProperty("id").GetGuid());
        Assert.Equal(user.TeamId, body.RootElement.GetProperty("acting_team_id").GetGuid());
    }

    [Theory]
    [InlineData("7d", 7)]
    [InlineData("30d", 30)]
    [InlineData("90d", 90)]
    [InlineData("6mo", 180)]
    [InlineData("180d", 180)]
    [InlineData("1y", 365)]
    public async Task ApiKey_WorksUntilExpiresAtAndIsRefusedRightAfter(string expiresIn, int days)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var user = await own.CreateUserAsync();
        var (_, key, body) = await TestApiKeys.CreateAsync(client, user, expiresIn);
        var expiresAt = body.GetProperty("expires_at").GetDateTimeOffset();
        Assert.Equal(clock.GetUtcNow().AddDays(days), expiresAt, TimeSpan.FromSeconds(1));

        clock.SetUtcNow(expiresAt.AddSeconds(-1));
        var before = await client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));
        clock.SetUtcNow(expiresAt.AddSeconds(1));
        var after = await client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task CleanupTimer_RemovesKeysExpiredPastTheGrace_AndASecondRunChangesNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var user = await own.CreateUserAsync();
        var (expiredId, _, _) = await TestApiKeys.CreateAsync(client, user, "7d");
        var (liveId, _, _) = await TestApiKeys.CreateAsync(client, user, "30d");
        clock.Advance(TimeSpan.FromDays(9));

        await own.RunTimerAsync("SecurityCleanup");
        var afterFirst = await KeyIdsAsync(user.TeamId);
        await own.RunTimerAsync("SecurityCleanup");
        var afterSecond = await KeyIdsAsync(user.TeamId);

        Assert.DoesNotContain(expiredId, afterFirst);
        Assert.Contains(liveId, afterFirst);
        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task Revoke_StopsTheKeyAtOnce()
    {
        var user = await TestUsers.CreateAsync(app);
        var (id, key, _) = await TestApiKeys.CreateAsync(_client, user);

        var revoke = await _client.SendAsync(user.Request(HttpMethod.Delete, $"api/api-keys/{id}"));
        var after = await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task NarrowedKey_CannotUseAPermissionItLacks()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["api_keys:read"]);

        var list = await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/api-keys"));
        var create = await _client.SendAsync(user.Using(key).Request(HttpMethod.Post, "api/api-keys", new { name = "escalate", expires_in = "never" }));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Contains("api_keys:write", (await TestUsers.ProblemAsync(create)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherTeam_CannotSeeOrRevokeTheKeys()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var (id, key, _) = await TestApiKeys.CreateAsync(_client, owner);

        var list = await (await _client.SendAsync(intruder.Request(HttpMethod.Get, "api/api-keys"))).Content.ReadAsStringAsync();
        var revoke = await _client.SendAsync(intruder.Request(HttpMethod.Delete, $"api/api-keys/{id}"));
        var stillWorks = await _client.SendAsync(owner.Using(key).Request(HttpMethod.Get, "api/auth/me"));
        using var teamSwitch = owner.Using(key).Request(HttpMethod.Get, "api/auth/me");
        teamSwitch.Headers.Add("X-Moosermail-Team", intruder.TeamId.ToString());

        Assert.DoesNotContain(id.ToString(), list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.SendAsync(teamSwitch)).StatusCode);
    }

    [Fact]
    public async Task CreatorRemovedFromTheTeam_DisablesTheKey()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user);
        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync("DELETE FROM team_members WHERE user_id = @UserId", new { user.UserId });
        }

        var response = await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"k\",\"expires_in\":\"2w\"}", "expires_in")]
    [InlineData("{\"name\":\"\",\"expires_in\":\"7d\"}", "name")]
    [InlineData("{\"name\":\"k\"}", "expires_in")]
    [InlineData("{\"name\":\"k\",\"expires_in\":\"7d\",\"permissions\":[\"root:everything\"]}", "permissions")]
    [InlineData("{\"name\":\"k\",\"expires_in\":\"7d\",\"permissions\":[]}", "permissions")]
    public async Task Create_BadInput_Returns400WithTheAllowedValues(string json, string field)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/api-keys", json);

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await TestUsers.ProblemAsync(response)).GetProperty("errors").GetProperty(field)[0].GetString();
        Assert.False(string.IsNullOrEmpty(message));
        Assert.Empty(await KeyIdsAsync(user.TeamId));
    }

    [Fact]
    public async Task LastUsedAt_IsWrittenAtMostOncePerMinute()
    {
        var user = await TestUsers.CreateAsync(app);
        var (id, key, _) = await TestApiKeys.CreateAsync(_client, user);

        await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));
        var first = await LastUsedAsync(id);
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));
        var within = await LastUsedAsync(id);
        app.Time.Advance(TimeSpan.FromSeconds(31));
        await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"));
        var later = await LastUsedAsync(id);

        Assert.NotNull(first);
        Assert.Equal(first, within);
        Assert.True(later > first);
    }

    [Fact]
    public async Task MalformedKey_IsRefusedWithoutTouchingTheDatabase()
    {
        // A data source that cannot connect: a key that needed a lookup would fail with a connection error, not a 401.
        await using var unreachable = Database.CreateDataSource("Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=1");
        var resolver = new CallerResolver(unreachable, null!, TimeProvider.System);
        var key = ApiKeyFormat.Generate();
        var badChecksum = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');

        // NotAuthenticatedException is what the error middleware answers with 401.
        await Assert.ThrowsAsync<NotAuthenticatedException>(() => resolver.ResolveApiKeyAsync(badChecksum, null, CancellationToken.None));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => resolver.ResolveApiKeyAsync(key, null, CancellationToken.None));
    }

    private async Task<List<Guid>> KeyIdsAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return (await connection.QueryAsync<Guid>("SELECT id FROM api_keys WHERE team_id = @TeamId ORDER BY id", new { TeamId = teamId })).ToList();
    }

    private async Task<DateTime?> LastUsedAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<DateTime?>("SELECT last_used_at FROM api_keys WHERE id = @Id", new { Id = id });
    }

    private async Task<string> DumpApiKeysAsync()
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return string.Join('\n', await connection.QueryAsync<string>("SELECT k::text FROM api_keys k"));
    }
}
