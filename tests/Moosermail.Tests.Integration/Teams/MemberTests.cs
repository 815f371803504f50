using System.Net;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Teams;

[Collection(AppCollection.Name)]
public sealed class MemberTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Members_ListsEveryoneWithRoleEffectivePermissionsAndJoinTime()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId, permissions: new { grant = new[] { "audit:read" }, revoke = new[] { "contacts:write" } });

        var response = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/members"));
        var members = (await JsonAsync(response)).GetProperty("members").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([owner.UserId, member.UserId], members.Select(m => m.GetProperty("user_id").GetGuid()));
        var joined = members[1];
        Assert.Equal(member.Email, joined.GetProperty("email").GetString());
        Assert.Equal("member", joined.GetProperty("role").GetString());
        var permissions = Strings(joined.GetProperty("permissions"));
        Assert.Contains("audit:read", permissions);
        Assert.DoesNotContain("contacts:write", permissions);
        Assert.Contains("emails:send", permissions);
        Assert.Equal(["audit:read"], Strings(joined.GetProperty("overrides").GetProperty("grant")));
        Assert.True(joined.TryGetProperty("joined_at", out _));
    }

    [Fact]
    public async Task Grants_AndRevokes_TakeEffectOnTheNextRequest_ForSessionsAndKeys()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var key = await CreateKeyInTeamAsync(member, teamId);

        var auditBefore = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        var keyBefore = await _client.SendAsync(member.Using(key).Request(HttpMethod.Get, "api/templates"));
        var change = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}",
            new { permissions = new { grant = new[] { "audit:read" }, revoke = new[] { "templates:read" } } }));
        var auditAfter = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        var keyAfter = await _client.SendAsync(member.Using(key).Request(HttpMethod.Get, "api/templates"));
        var sessionAfter = await _client.SendAsync(member.InTeam(teamId, HttpMethod.Get, "api/templates"));

        Assert.Equal(HttpStatusCode.Forbidden, auditBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, auditAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keyAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sessionAfter.StatusCode);
    }

    [Fact]
    public async Task Admin_CannotGrantWhatTheyDoNotHold()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin", new { revoke = new[] { "audit:read", "senders:write" } });
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var grantUnheld = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}",
            new { permissions = new { grant = new[] { "audit:read" } } }));
        var inviteUnheld = await _client.SendAsync(admin.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations",
            new { email = TestUsers.NewEmail(), role = "member", permissions = new { grant = new[] { "senders:write" } } }));
        var grantHeld = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}",
            new { permissions = new { grant = new[] { "webhooks:write" } } }));

        Assert.Equal(HttpStatusCode.Forbidden, grantUnheld.StatusCode);
        Assert.Contains("audit:read", (await TestUsers.ProblemAsync(grantUnheld)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, inviteUnheld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, grantHeld.StatusCode);
        Assert.Equal(["webhooks:write"], await GrantedAsync(teamId, member.UserId));
    }

    [Fact]
    public async Task Admin_ManagesMembersOnly_AndAMemberManagesNobody()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        var otherAdmin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var other = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var promote = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}", new { role = "admin" }));
        var demoteAdmin = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{otherAdmin.UserId}", new { role = "member" }));
        var demoteOwner = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{owner.UserId}", new { role = "member" }));
        var removeAdmin = await _client.SendAsync(admin.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{otherAdmin.UserId}"));
        var byMember = await _client.SendAsync(member.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{other.UserId}", new { role = "member" }));
        var memberRemoves = await _client.SendAsync(member.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{other.UserId}"));
        var adminRemovesMember = await _client.SendAsync(admin.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{other.UserId}"));
        var ownerPromotes = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}", new { role = "admin" }));

        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, demoteAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, demoteOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, removeAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, memberRemoves.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, adminRemovesMember.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownerPromotes.StatusCode);
        Assert.Equal("admin", (await JsonAsync(ownerPromotes)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task LastOwner_CannotBeDemotedOrLeave_ButOneOfTwoOwnersCan()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");

        var demoteSelf = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{owner.UserId}", new { role = "admin" }));
        var leave = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{owner.UserId}"));
        var coOwner = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{admin.UserId}", new { role = "owner" }));
        var leaveNow = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{owner.UserId}"));
        var lastLeaves = await _client.SendAsync(admin.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{admin.UserId}"));

        Assert.Equal(HttpStatusCode.Conflict, demoteSelf.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, leave.StatusCode);
        Assert.Equal(HttpStatusCode.OK, coOwner.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, leaveNow.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lastLeaves.StatusCode);
        Assert.Contains("last owner", (await TestUsers.ProblemAsync(lastLeaves)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonalTeam_KeepsItsUserAsOwner()
    {
        var owner = await TestUsers.CreateAsync(app);
        var friend = await TestTeams.JoinAsync(app, _client, owner, owner.TeamId, "admin");
        await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{owner.TeamId}/members/{friend.UserId}", new { role = "owner" }));

        var demote = await _client.SendAsync(friend.Request(HttpMethod.Patch, $"api/teams/{owner.TeamId}/members/{owner.UserId}", new { role = "member" }));
        var remove = await _client.SendAsync(friend.Request(HttpMethod.Delete, $"api/teams/{owner.TeamId}/members/{owner.UserId}"));
        var leave = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{owner.TeamId}/members/{owner.UserId}"));

        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, remove.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, leave.StatusCode);
    }

    /// <summary>Removal answers at once: the member's session is refused in the team and every mk_ key they made there is gone.</summary>
    [Fact]
    public async Task RemovedMember_SessionAndKeysStopAtOnce()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var key = await CreateKeyInTeamAsync(member, teamId);
        var personalKey = (await TestApiKeys.CreateAsync(_client, member)).Key;
        var before = await _client.SendAsync(member.Using(key).Request(HttpMethod.Get, "api/templates"));

        var remove = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{member.UserId}"));
        var keyAfter = await _client.SendAsync(member.Using(key).Request(HttpMethod.Get, "api/templates"));
        var sessionAfter = await _client.SendAsync(member.InTeam(teamId, HttpMethod.Get, "api/templates"));
        var teamRouteAfter = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/members"));
        var personalKeyAfter = await _client.SendAsync(member.Using(personalKey).Request(HttpMethod.Get, "api/templates"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, keyAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sessionAfter.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, teamRouteAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, personalKeyAfter.StatusCode);
    }

    [Fact]
    public async Task Member_MayLeave()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var leave = await _client.SendAsync(member.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{member.UserId}"));
        var again = await _client.SendAsync(member.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{member.UserId}"));

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task UserOfAnotherTeam_InTheMemberPath_IsNotFound()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var stranger = await TestUsers.CreateAsync(app);

        var change = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{stranger.UserId}", new { role = "admin" }));
        var remove = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{stranger.UserId}"));
        var strangerPersonal = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{stranger.TeamId}/members/{stranger.UserId}", new { role = "member" }));

        Assert.Equal(HttpStatusCode.NotFound, change.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, strangerPersonal.StatusCode);
    }

    [Theory]
    [InlineData("""{}""", "role")]
    [InlineData("""{"role":"superuser"}""", "role")]
    [InlineData("""{"role":"OWNER"}""", "role")]
    [InlineData("""{"role":"member\u0000"}""", "role")]
    [InlineData("""{"permissions":{"grant":["root"]}}""", "permissions.grant")]
    [InlineData("""{"permissions":{"revoke":["emails:send",null]}}""", "permissions.revoke")]
    [InlineData("""{"permissions":{"grant":["audit:read"],"revoke":["audit:read"]}}""", "permissions")]
    [InlineData("""{"role":"owner","permissions":{"revoke":["emails:send"]}}""", "permissions")]
    [InlineData("""{"permissions":"all"}""", "permissions")]
    [InlineData("""{"permissions":["emails:send"]}""", "permissions")]
    [InlineData("""{"role":7}""", "role")]
    public async Task Change_RefusesHostileBodies_AndChangesNothing(string json, string field)
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var response = await _client.SendAsync(owner.RawJson(HttpMethod.Patch, $"api/teams/{teamId}/members/{member.UserId}", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Empty(await GrantedAsync(teamId, member.UserId));
        Assert.Equal("member", await RoleAsync(teamId, member.UserId));
    }

    private async Task<string> CreateKeyInTeamAsync(TestUser user, Guid teamId)
    {
        var response = await _client.SendAsync(user.InTeam(teamId, HttpMethod.Post, "api/api-keys", new { name = "in team", expires_in = "30d" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("key").GetString()!;
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private async Task<string[]> GrantedAsync(Guid teamId, Guid userId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<string[]>("SELECT granted FROM team_members WHERE team_id = @TeamId AND user_id = @UserId", new { TeamId = teamId, UserId = userId }) ?? [];
    }

    private async Task<string?> RoleAsync(Guid teamId, Guid userId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<string>("SELECT role FROM team_members WHERE team_id = @TeamId AND user_id = @UserId", new { TeamId = teamId, UserId = userId });
    }
}
