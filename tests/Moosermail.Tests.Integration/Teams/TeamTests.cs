using System.Net;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Teams;

[Collection(AppCollection.Name)]
public sealed class TeamTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_MakesTheCallerOwner_AndListShowsRoleAndPermissions()
    {
        var owner = await TestUsers.CreateAsync(app);

        var teamId = await TestTeams.CreateAsync(_client, owner, "  Acme mail  ");
        var list = await JsonAsync(await _client.SendAsync(owner.Request(HttpMethod.Get, "api/teams")));

        var teams = list.GetProperty("teams").EnumerateArray().ToList();
        Assert.Equal(2, teams.Count);
        Assert.True(teams[0].GetProperty("personal").GetBoolean());
        var shared = teams.Single(t => t.GetProperty("id").GetGuid() == teamId);
        Assert.Equal("Acme mail", shared.GetProperty("name").GetString());
        Assert.Equal("owner", shared.GetProperty("role").GetString());
        Assert.Contains("team:admin", shared.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("audit:read", shared.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Create_ConcurrentBurst_StopsAtTheOwnedTeamsCap()
    {
        var owner = await TestUsers.CreateAsync(app);
        var cap = Moosermail.Core.Teams.TeamRules.MaxOwnedTeams;

        // The personal team counts: cap - 1 more may be created, however many arrive at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, cap + 5).Select(i =>
            _client.SendAsync(owner.Request(HttpMethod.Post, "api/teams", new { name = $"team {i}" }))));

        Assert.Equal(cap - 1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var refused = await _client.SendAsync(owner.Request(HttpMethod.Post, "api/teams", new { name = "one more" }));
        Assert.Contains($"at most {cap} teams", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var list = await JsonAsync(await _client.SendAsync(owner.Request(HttpMethod.Get, "api/teams")));
        Assert.Equal(cap, list.GetProperty("teams").GetArrayLength());
    }

    [Fact]
    public async Task Create_WithAnApiKey_IsForbidden_AndAKeyListsOnlyItsOwnTeam()
    {
        var owner = await TestUsers.CreateAsync(app);
        await TestTeams.CreateAsync(_client, owner);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, owner);

        var create = await _client.SendAsync(owner.Using(key).Request(HttpMethod.Post, "api/teams", new { name = "by key" }));
        var list = await JsonAsync(await _client.SendAsync(owner.Using(key).Request(HttpMethod.Get, "api/teams")));

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal([owner.TeamId], list.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":"   "}""")]
    [InlineData("""{"name":"a\u0000b"}""")]
    [InlineData("""{"name":"bell\u0007"}""")]
    [InlineData("""{"name":"lone \ud800 surrogate"}""")]
    [InlineData("""{"name":12}""")]
    [InlineData("""{"name":["x"]}""")]
    [InlineData("""{}""")]
    public async Task CreateAndRename_RefuseHostileNames_AndStoreNothing(string json)
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Original");

        var create = await _client.SendAsync(owner.RawJson(HttpMethod.Post, "api/teams", json));
        var rename = await _client.SendAsync(owner.RawJson(HttpMethod.Patch, $"api/teams/{teamId}", json));

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rename.StatusCode);
        Assert.Equal(["Original"], await TeamNamesAsync(owner.UserId));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Create_RefusesBodiesThatAreNotAnObject(string json)
    {
        var owner = await TestUsers.CreateAsync(app);

        var create = await _client.SendAsync(owner.RawJson(HttpMethod.Post, "api/teams", json));

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Empty(await TeamNamesAsync(owner.UserId));
    }

    [Fact]
    public async Task Create_RefusesANameOverTheLimit()
    {
        var owner = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(owner.Request(HttpMethod.Post, "api/teams", new { name = new string('n', 101) }));

        await TestUsers.AssertRejectsFieldAsync(response, "name");
    }

    [Fact]
    public async Task Rename_NeedsTeamAdmin_AndAnAdminMayRename()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");

        var byMember = await _client.SendAsync(member.Request(HttpMethod.Patch, $"api/teams/{teamId}", new { name = "Mine now" }));
        var byAdmin = await _client.SendAsync(admin.Request(HttpMethod.Patch, $"api/teams/{teamId}", new { name = "Renamed" }));

        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal("Renamed", (await JsonAsync(byAdmin)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Delete_IsForOwnersOnly_RemovesTheTeam_AndAPersonalTeamStays()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");

        var byAdmin = await _client.SendAsync(admin.Request(HttpMethod.Delete, $"api/teams/{teamId}"));
        var personal = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{owner.TeamId}"));
        var byOwner = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}"));
        var afterwards = await _client.SendAsync(admin.Request(HttpMethod.Get, $"api/teams/{teamId}/members"));

        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, personal.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
        Assert.Empty(await TeamNamesAsync(admin.UserId));
    }

    [Fact]
    public async Task Transfer_MakesTheMemberOwner_AndTheOldOwnerAdmin()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");

        var byAdmin = await _client.SendAsync(admin.Request(HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = admin.UserId }));
        var toStranger = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = Guid.NewGuid() }));
        var personal = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{owner.TeamId}/transfer", new { user_id = member.UserId }));
        var transfer = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = member.UserId }));
        var roles = await RolesAsync(teamId);

        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, toStranger.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, personal.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, transfer.StatusCode);
        Assert.Equal("owner", roles[member.UserId]);
        Assert.Equal("admin", roles[owner.UserId]);
        Assert.Equal("admin", roles[admin.UserId]);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"user_id":"not-a-uuid"}""")]
    [InlineData("""{"user_id":42}""")]
    [InlineData("""null""")]
    public async Task Transfer_RefusesHostileBodies_AndChangesNothing(string json)
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);

        var response = await _client.SendAsync(owner.RawJson(HttpMethod.Post, $"api/teams/{teamId}/transfer", json));
        var self = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = owner.UserId }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Equal("owner", (await RolesAsync(teamId))[owner.UserId]);
    }

    /// <summary>Every team route answers 404 to a user of another team, and to an mk_ key of another team, and changes nothing.</summary>
    [Fact]
    public async Task OtherTeam_GetsNotFoundOnEveryTeamRoute()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Private");
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var (invitationId, _, _) = await TestTeams.InviteAsync(_client, owner, teamId, TestUsers.NewEmail());
        var intruder = await TestUsers.CreateAsync(app);
        var (_, intruderKey, _) = await TestApiKeys.CreateAsync(_client, intruder);
        var (_, ownerPersonalKey, _) = await TestApiKeys.CreateAsync(_client, owner);

        foreach (var caller in new[] { intruder, intruder.Using(intruderKey), owner.Using(ownerPersonalKey) })
        {
            foreach (var (method, path, body) in TeamRoutes(teamId, member.UserId, invitationId))
            {
                var response = await _client.SendAsync(caller.Request(method, path, body));
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
            }
        }

        Assert.Equal(["Private"], await TeamNamesAsync(owner.UserId, sharedOnly: true));
        Assert.Equal("member", (await RolesAsync(teamId))[member.UserId]);
    }

    /// <summary>The header choosing the acting team does not widen a team route: the path decides.</summary>
    [Fact]
    public async Task TeamRoute_TakesTheTeamFromThePath_NotTheHeader()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var rename = await _client.SendAsync(member.InTeam(member.TeamId, HttpMethod.Patch, $"api/teams/{teamId}", new { name = "x" }));

        Assert.Equal(HttpStatusCode.Forbidden, rename.StatusCode);
    }

    public static IEnumerable<(HttpMethod Method, string Path, object? Body)> TeamRoutes(Guid teamId, Guid memberId, Guid invitationId) =>
    [
        (HttpMethod.Get, $"api/teams/{teamId}", null),
        (HttpMethod.Patch, $"api/teams/{teamId}", new { name = "taken over" }),
        (HttpMethod.Delete, $"api/teams/{teamId}", null),
        (HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = memberId }),
        (HttpMethod.Get, $"api/teams/{teamId}/members", null),
        (HttpMethod.Patch, $"api/teams/{teamId}/members/{memberId}", new { role = "admin" }),
        (HttpMethod.Delete, $"api/teams/{teamId}/members/{memberId}", null),
        (HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email = TestUsers.NewEmail(), role = "member" }),
        (HttpMethod.Get, $"api/teams/{teamId}/invitations", null),
        (HttpMethod.Delete, $"api/teams/{teamId}/invitations/{invitationId}", null),
        (HttpMethod.Get, $"api/teams/{teamId}/audit", null),
    ];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private async Task<List<string>> TeamNamesAsync(Guid userId, bool sharedOnly = true)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return (await connection.QueryAsync<string>(
            "SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = @UserId AND (NOT @SharedOnly OR t.personal_of IS NULL) ORDER BY t.name",
            new { UserId = userId, SharedOnly = sharedOnly })).ToList();
    }

    private async Task<Dictionary<Guid, string>> RolesAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return (await connection.QueryAsync<(Guid UserId, string Role)>("SELECT user_id, role FROM team_members WHERE team_id = @TeamId", new { TeamId = teamId }))
            .ToDictionary(r => r.UserId, r => r.Role);
    }
}
