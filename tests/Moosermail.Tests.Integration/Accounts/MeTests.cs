using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

/// <summary>GET /api/auth/me shows what the caller may really do in each team, not the role's defaults.</summary>
[Collection(AppCollection.Name)]
public sealed class MeTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Me_ShowsEachTeamsEffectivePermissions_WithTheMembersOverrides()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId, "member",
            new { grant = new[] { "audit:read" }, revoke = new[] { "contacts:write" } });

        var permissions = await PermissionsInAsync(member, teamId);
        var inPersonalTeam = await PermissionsInAsync(member, member.TeamId);

        Assert.Contains("audit:read", permissions);
        Assert.DoesNotContain("contacts:write", permissions);
        Assert.Contains("contacts:read", permissions);
        Assert.Contains("team:admin", inPersonalTeam);
    }

    [Fact]
    public async Task Me_WithANarrowApiKey_ShowsTheKeysPermissionsInItsTeam()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["inbox:read"]);

        var permissions = await PermissionsInAsync(user.Using(key), user.TeamId);

        Assert.Equal(["inbox:read"], permissions);
    }

    private async Task<List<string>> PermissionsInAsync(TestUser caller, Guid teamId)
    {
        var response = await _client.SendAsync(caller.Request(HttpMethod.Get, "api/auth/me"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var team = body.RootElement.GetProperty("teams").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == teamId);
        return team.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToList();
    }
}
