using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.ApiKeys;

/// <summary>
/// mk_ authentication reads the key, its creator and the membership in one statement on every request (issue 15):
/// nothing is cached, so a changed role narrows the key at the very next request.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class KeyImmediacyTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task CreatorDemoted_KeyLosesTheRolesPermissionsAtTheNextRequest()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        var created = await _client.SendAsync(admin.InTeam(teamId, HttpMethod.Post, "api/api-keys", new { name = "admin key", expires_in = "30d" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;

        var before = await _client.SendAsync(admin.Using(key).Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        var demote = await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{admin.UserId}", new { role = "member" }));
        var after = await _client.SendAsync(admin.Using(key).Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        var stillAMember = await _client.SendAsync(admin.Using(key).Request(HttpMethod.Get, "api/emails?limit=1"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillAMember.StatusCode);
    }
}
