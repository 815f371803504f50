using System.Net;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.ApiKeys;

/// <summary>Keys that would outlive their holder: minted by a short-lived key, revoked by a mere member, left after a password change.</summary>
[Collection(AppCollection.Name)]
public sealed class KeyLifetimeTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task AKey_CannotMintANeverKey_AndWhatItMintsEndsNoLaterThanItself()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, parent, parentBody) = await TestApiKeys.CreateAsync(_client, user, "7d", ["api_keys:write", "emails:send"]);
        var parentExpiry = parentBody.GetProperty("expires_at").GetDateTimeOffset();

        var never = await _client.SendAsync(user.Using(parent).Request(HttpMethod.Post, "api/api-keys", new { name = "forever", expires_in = "never" }));
        var longer = await _client.SendAsync(user.Using(parent).Request(HttpMethod.Post, "api/api-keys", new { name = "a year", expires_in = "1y" }));
        var wider = await _client.SendAsync(user.Using(parent).Request(HttpMethod.Post, "api/api-keys", new { name = "x", expires_in = "7d", permissions = new[] { "team:admin" } }));
        var (_, fromSession, _) = await TestApiKeys.CreateAsync(_client, user, "never");

        Assert.Equal(HttpStatusCode.BadRequest, never.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(never)).GetProperty("errors").TryGetProperty("expires_in", out _));
        Assert.Equal(HttpStatusCode.Created, longer.StatusCode);
        using var child = JsonDocument.Parse(await longer.Content.ReadAsStringAsync());
        Assert.Equal(parentExpiry, child.RootElement.GetProperty("expires_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.BadRequest, wider.StatusCode);
        Assert.StartsWith("mk_", fromSession, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys WHERE team_id = @TeamId AND name = 'forever'", new { user.TeamId }));
    }

    [Fact]
    public async Task NeverKey_MayNotMintANeverKeyEither()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, parent, _) = await TestApiKeys.CreateAsync(_client, user, "never");

        var never = await _client.SendAsync(user.Using(parent).Request(HttpMethod.Post, "api/api-keys", new { name = "forever", expires_in = "never" }));
        var finite = await _client.SendAsync(user.Using(parent).Request(HttpMethod.Post, "api/api-keys", new { name = "month", expires_in = "30d" }));

        Assert.Equal(HttpStatusCode.BadRequest, never.StatusCode);
        Assert.Equal(HttpStatusCode.Created, finite.StatusCode);
    }

    [Fact]
    public async Task Member_CannotRevokeTheOwnersKey_ButTheirOwn_AndAnAdminMayRevokeAny()
    {
        var owner = await TestUsers.CreateAsync(app);
        var member = await TestUsers.CreateAsync(app);
        var admin = await TestUsers.CreateAsync(app);
        await JoinAsync(owner.TeamId, member.UserId, "member");
        await JoinAsync(owner.TeamId, admin.UserId, "admin");
        var (ownerKeyId, ownerKey, _) = await TestApiKeys.CreateAsync(_client, owner);
        var memberKey = await CreateInTeamAsync(member, owner.TeamId);
        var memberSecondKey = await CreateInTeamAsync(member, owner.TeamId);

        var memberOnOwner = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Delete, $"api/api-keys/{ownerKeyId}"));
        var ownerStillWorks = await _client.SendAsync(owner.Using(ownerKey).Request(HttpMethod.Get, "api/auth/me"));
        var memberOnOwn = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Delete, $"api/api-keys/{memberKey}"));
        var adminOnMember = await _client.SendAsync(InTeam(admin, owner.TeamId, HttpMethod.Delete, $"api/api-keys/{memberSecondKey}"));
        var strangerOnOwner = await _client.SendAsync((await TestUsers.CreateAsync(app)).Request(HttpMethod.Delete, $"api/api-keys/{ownerKeyId}"));

        Assert.Equal(HttpStatusCode.Forbidden, memberOnOwner.StatusCode);
        Assert.Contains("team:admin", (await TestUsers.ProblemAsync(memberOnOwner)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownerStillWorks.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, memberOnOwn.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, adminOnMember.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, strangerOnOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(owner.Using(ownerKey).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
    }

    [Fact]
    public async Task PasswordChange_WithRevokeApiKeys_RevokesEveryKeyTheUserCreated_AndSaysHowMany()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        var (_, first, _) = await TestApiKeys.CreateAsync(_client, user);
        var (_, second, _) = await TestApiKeys.CreateAsync(_client, user, "never");
        var (_, othersKey, _) = await TestApiKeys.CreateAsync(_client, other);

        var change = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/password",
            new { current_password = user.Password, new_password = "a brand new password", revoke_api_keys = true }));

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        using var body = JsonDocument.Parse(await change.Content.ReadAsStringAsync());
        Assert.Equal(2, body.RootElement.GetProperty("api_keys_revoked").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Using(first).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Using(second).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(other.Using(othersKey).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
    }

    [Fact]
    public async Task PasswordChange_WithoutTheFlag_KeepsKeysAndSaysZero()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user);

        var change = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/password", new { current_password = user.Password, new_password = "a brand new password" }));

        using var body = JsonDocument.Parse(await change.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("api_keys_revoked").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
    }

    private async Task<Guid> CreateInTeamAsync(TestUser user, Guid teamId)
    {
        var response = await _client.SendAsync(InTeam(user, teamId, HttpMethod.Post, "api/api-keys", new { name = "k", expires_in = "30d", permissions = new[] { "emails:send" } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetGuid();
    }

    private static HttpRequestMessage InTeam(TestUser user, Guid teamId, HttpMethod method, string path, object? body = null)
    {
        var request = user.Request(method, path, body);
        request.Headers.Add("X-Moosermail-Team", teamId.ToString());
        return request;
    }

    private async Task JoinAsync(Guid teamId, Guid userId, string role)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.ExecuteAsync("INSERT INTO team_members (team_id, user_id, role) VALUES (@TeamId, @UserId, @Role)", new { TeamId = teamId, UserId = userId, Role = role });
    }
}
