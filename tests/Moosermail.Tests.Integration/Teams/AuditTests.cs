using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Teams;

[Collection(AppCollection.Name)]
public sealed class AuditTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task TeamLife_IsRecorded_WithActorsAndSubjects_AndNoToken()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var invitee = await TestUsers.CreateAsync(app);
        var (_, token, _) = await TestTeams.InviteAsync(_client, owner, teamId, invitee.Email);
        Assert.Equal(HttpStatusCode.OK, (await TestTeams.AcceptAsync(_client, invitee, token)).StatusCode);
        await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}", new { name = "Renamed" }));
        await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{invitee.UserId}", new { role = "admin" }));
        await _client.SendAsync(owner.Request(HttpMethod.Patch, $"api/teams/{teamId}/members/{invitee.UserId}", new { role = "member" }));
        await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/members/{invitee.UserId}"));

        var response = await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        var text = await response.Content.ReadAsStringAsync();
        var events = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["member.removed", "member.role_changed", "member.role_changed", "team.renamed", "member.joined", "member.invited", "team.created"],
            events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(invitee.UserId, events[0].GetProperty("subject_user_id").GetGuid());
        Assert.Equal(owner.UserId, events[0].GetProperty("actor_user_id").GetGuid());
        Assert.Equal(owner.Email, events[0].GetProperty("actor_email").GetString());
        Assert.Equal("admin", events[1].GetProperty("details").GetProperty("from_role").GetString());
        Assert.Equal(invitee.UserId, events[4].GetProperty("actor_user_id").GetGuid());
        Assert.DoesNotContain(token[4..], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferAndDelete_AreRecorded_AndTheDeletedTeamsEventsOutliveIt()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var heir = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");

        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/transfer", new { user_id = heir.UserId }))).StatusCode);
        var transferred = (await EventsAsync(heir, $"api/teams/{teamId}/audit?action=team.transferred")).Single();
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(heir.Request(HttpMethod.Delete, $"api/teams/{teamId}"))).StatusCode);

        Assert.Equal(owner.UserId, transferred.GetProperty("actor_user_id").GetGuid());
        Assert.Equal(heir.UserId, transferred.GetProperty("subject_user_id").GetGuid());
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var actions = (await connection.QueryAsync<string>("SELECT action FROM audit_events WHERE team_id = @TeamId ORDER BY seq", new { TeamId = teamId })).ToList();
        Assert.Equal(["team.created", "member.invited", "member.joined", "team.transferred", "team.deleted"], actions);
    }

    [Fact]
    public async Task Audit_FiltersByActionAndActor_AndPagesWithACursor()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        for (var i = 0; i < 3; i++)
        {
            await TestTeams.InviteAsync(_client, admin, teamId, TestUsers.NewEmail());
        }

        var invited = await EventsAsync(owner, $"api/teams/{teamId}/audit?action=member.invited");
        var byAdmin = await EventsAsync(owner, $"api/teams/{teamId}/audit?actor={admin.UserId}");
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await JsonAsync(await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/audit?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"))));
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && seen.Count < 50);

        Assert.Equal(4, invited.Count);
        Assert.Equal(["member.invited", "member.invited", "member.invited", "member.joined"], byAdmin.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(6, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    /// <summary>Key, sender, webhook and trigger actions land in the team's log with the acting key's id when a key acted, and no secret.</summary>
    [Fact]
    public async Task ExistingSecurityActions_AreRecorded_WithoutSecrets()
    {
        var owner = await TestUsers.CreateAsync(app);
        var (keyId, key, _) = await TestApiKeys.CreateAsync(_client, owner);
        var (senderId, resendKey) = await TestSenders.AddAsync(_client, owner.Using(key));
        var rotatedResendKey = Resend.SandboxFixture.NewKey();
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(owner.Request(HttpMethod.Put, $"api/keys/{senderId}", new { api_key = rotatedResendKey }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/keys/{senderId}"))).StatusCode);
        const string signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(owner.Request(HttpMethod.Put, "api/webhooks/resend", new { signing_secret = signingSecret }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(owner.Request(HttpMethod.Post, "api/webhooks/resend/rotate"))).StatusCode);
        var templateId = (await Templates.TestContent.CreateTemplateAsync(_client, owner)).GetProperty("id").GetGuid();
        var triggerId = (await Templates.TestContent.CreateTriggerAsync(_client, owner, templateId)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/triggers/{triggerId}/rotate"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/api-keys/{keyId}"))).StatusCode);

        var response = await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{owner.TeamId}/audit"));
        var text = await response.Content.ReadAsStringAsync();
        var events = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().ToList();

        Assert.Equal(
            ["api_key.revoked", "trigger_key.rotated", "webhook_secret.rotated", "webhook_secret.set", "sender.deleted", "sender.rotated", "sender.added", "api_key.created"],
            events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(keyId, events[6].GetProperty("actor_api_key_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, events[5].GetProperty("actor_api_key_id").ValueKind);
        Assert.Equal(triggerId.ToString(), events[1].GetProperty("target_id").GetString());
        foreach (var secret in new[] { key[3..], resendKey[3..], rotatedResendKey[3..], signingSecret[6..] })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Audit_NeedsAuditRead_WhichAdminsHaveAndMembersDoNot()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(admin.Request(HttpMethod.Get, $"api/teams/{teamId}/audit"))).StatusCode);
        var forbidden = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/audit"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("audit:read", (await TestUsers.ProblemAsync(forbidden)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=MTIzOnh5eg%3D%3D", "cursor")]
    [InlineData("actor=bob", "actor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1000", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("action=member.invited'%20OR%201=1--", "action")]
    public async Task Audit_RefusesHostileQueries(string query, string field)
    {
        var owner = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{owner.TeamId}/audit?{query}"));

        await TestUsers.AssertRejectsFieldAsync(response, field);
    }

    [Fact]
    public async Task CleanupTimer_RemovesEventsPastRetention_AndKeepsTheRest()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var old = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync(
                "INSERT INTO audit_events (id, team_id, action, created_at) VALUES (@Id, @TeamId, 'team.renamed', @At)",
                new { Id = old, TeamId = teamId, At = app.Time.GetUtcNow().AddDays(-366) });
        }

        await LocalInvoker.InvokeTimerAsync(app.App.Services, app.App.Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == "SecurityCleanup"), CancellationToken.None);
        var actions = (await EventsAsync(owner, $"api/teams/{teamId}/audit")).Select(e => e.GetProperty("id").GetGuid()).ToList();

        Assert.DoesNotContain(old, actions);
        Assert.Single(actions);
    }

    private async Task<List<JsonElement>> EventsAsync(TestUser user, string path)
    {
        var response = await _client.SendAsync(user.Request(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("data").EnumerateArray().ToList();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
