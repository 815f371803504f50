using System.Net;
using System.Text.Json;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>Shared teams built through the real routes: create, invite, accept.</summary>
public static class TestTeams
{
    public static async Task<Guid> CreateAsync(HttpClient client, TestUser owner, string name = "Shared team")
    {
        var response = await client.SendAsync(owner.Request(HttpMethod.Post, "api/teams", new { name }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetGuid();
    }

    public static async Task<(Guid Id, string Token, JsonElement Body)> InviteAsync(HttpClient client, TestUser inviter, Guid teamId, string email, string role = "member", object? permissions = null)
    {
        object body = permissions is null ? new { email, role } : new { email, role, permissions };
        var response = await client.SendAsync(inviter.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement.Clone();
        return (root.GetProperty("id").GetGuid(), root.GetProperty("token").GetString()!, root);
    }

    public static Task<HttpResponseMessage> AcceptAsync(HttpClient client, TestUser invitee, string token) =>
        client.SendAsync(invitee.Request(HttpMethod.Post, "api/invitations/accept", new { token }));

    /// <summary>A new user who joined <paramref name="teamId"/> through a real invitation with the given role.</summary>
    public static async Task<TestUser> JoinAsync(AppFixture app, HttpClient client, TestUser inviter, Guid teamId, string role = "member", object? permissions = null)
    {
        var member = await TestUsers.CreateAsync(app);
        var (_, token, _) = await InviteAsync(client, inviter, teamId, member.Email, role, permissions);
        var accepted = await AcceptAsync(client, member, token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        return member;
    }

    /// <summary>A request acting in <paramref name="teamId"/> through the X-Moosermail-Team header (non-team routes).</summary>
    public static HttpRequestMessage InTeam(this TestUser user, Guid teamId, HttpMethod method, string path, object? json = null)
    {
        var request = user.Request(method, path, json);
        request.Headers.Add("X-Moosermail-Team", teamId.ToString());
        return request;
    }
}
