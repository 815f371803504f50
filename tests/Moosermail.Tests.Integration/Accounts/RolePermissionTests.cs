using System.Net;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Accounts;

/// <summary>Roles are permission sets, checked per request against the membership row as it is now.</summary>
[Collection(AppCollection.Name)]
public sealed class RolePermissionTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Member_CanSendButCannotManageSendersOrWebhooks_AndAPromotionTakesEffectAtOnce()
    {
        var owner = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, owner);
        var member = await TestUsers.CreateAsync(app);
        await SetRoleAsync(owner.TeamId, member.UserId, "member");

        var send = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" }));
        var addSender = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Post, "api/keys", new { api_key = "re_123456789", from_address = "a@example.com" }));
        await SetRoleAsync(owner.TeamId, member.UserId, "admin");
        var listAsAdmin = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Get, "api/api-keys"));
        var addAsAdmin = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Post, "api/templates", new { name = "t", subject = "s", body_html = "<p>x</p>", body_text = "x" }));

        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, addSender.StatusCode);
        Assert.Contains("senders:write", (await TestUsers.ProblemAsync(addSender)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, listAsAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Created, addAsAdmin.StatusCode);
    }

    [Fact]
    public async Task RemovedMember_LosesAccessToTheTeamAtOnce()
    {
        var owner = await TestUsers.CreateAsync(app);
        var member = await TestUsers.CreateAsync(app);
        await SetRoleAsync(owner.TeamId, member.UserId, "admin");
        var before = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Get, "api/send-log"));

        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync("DELETE FROM team_members WHERE team_id = @TeamId AND user_id = @UserId", new { owner.TeamId, member.UserId });
        }

        var after = await _client.SendAsync(InTeam(member, owner.TeamId, HttpMethod.Get, "api/send-log"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    private static HttpRequestMessage InTeam(TestUser user, Guid teamId, HttpMethod method, string path, object? body = null)
    {
        var request = user.Request(method, path, body);
        request.Headers.Add("X-Moosermail-Team", teamId.ToString());
        return request;
    }

    private async Task SetRoleAsync(Guid teamId, Guid userId, string role)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.ExecuteAsync(
            "INSERT INTO team_members (team_id, user_id, role) VALUES (@TeamId, @UserId, @Role) ON CONFLICT (team_id, user_id) DO UPDATE SET role = @Role",
            new { TeamId = teamId, UserId = userId, Role = role });
    }
}
