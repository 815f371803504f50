using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Teams;

[Collection(AppCollection.Name)]
public sealed class InvitationTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Invite_ShowsTheTokenOnce_StoresOnlyItsHash_AndTheInviteeJoinsWithTheRole()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Ops");
        var invitee = await TestUsers.CreateAsync(app, $"Mixed.Case-{Guid.NewGuid():N}@Example.COM");

        var (id, token, body) = await TestTeams.InviteAsync(_client, owner, teamId, invitee.Email.ToLowerInvariant(), "admin");
        var pending = await (await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/invitations"))).Content.ReadAsStringAsync();
        var accept = await TestTeams.AcceptAsync(_client, invitee, token);
        var joined = await JsonAsync(accept);

        Assert.StartsWith("mki_", token, StringComparison.Ordinal);
        Assert.True((token.Length - 4) * Math.Log2(62) >= 192);
        Assert.Equal($"https://moosermail.test/app/accept-invitation#token={token}", body.GetProperty("accept_url").GetString());
        Assert.Equal(app.Time.GetUtcNow().AddDays(7), body.GetProperty("expires_at").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Contains(id.ToString(), pending, StringComparison.Ordinal);
        Assert.DoesNotContain(token, pending, StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..], app.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), await TokenHashAsync(id));
        Assert.DoesNotContain(token, await DumpAsync("team_invitations") + await DumpAsync("audit_events"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal(teamId, joined.GetProperty("id").GetGuid());
        Assert.Equal("Ops", joined.GetProperty("name").GetString());
        Assert.Equal("admin", joined.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(invitee.InTeam(teamId, HttpMethod.Get, "api/api-keys"))).StatusCode);
        Assert.DoesNotContain(id.ToString(), await (await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/invitations"))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Wrong, used, revoked, expired, or someone else's: one 404 with one detail, so a token cannot be probed.</summary>
    [Fact]
    public async Task Accept_AnswersTheSame404_ForWrongUsedRevokedExpiredAndOtherAddress()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var invitee = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        var (_, used, _) = await TestTeams.InviteAsync(_client, owner, teamId, invitee.Email);
        Assert.Equal(HttpStatusCode.OK, (await TestTeams.AcceptAsync(_client, invitee, used)).StatusCode);
        var second = await TestUsers.CreateAsync(app);
        var (revokedId, revoked, _) = await TestTeams.InviteAsync(_client, owner, teamId, second.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/invitations/{revokedId}"))).StatusCode);
        var (_, forSecond, _) = await TestTeams.InviteAsync(_client, owner, teamId, TestUsers.NewEmail());

        var answers = new[]
        {
            await TestTeams.AcceptAsync(_client, invitee, used),
            await TestTeams.AcceptAsync(_client, second, revoked),
            await TestTeams.AcceptAsync(_client, other, forSecond),
            await TestTeams.AcceptAsync(_client, other, "mki_" + new string('A', 43)),
            await TestTeams.AcceptAsync(_client, other, "nonsense"),
        };

        var details = new List<string?>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            details.Add((await TestUsers.ProblemAsync(answer)).GetProperty("detail").GetString());
        }

        Assert.Single(details.Distinct());
        Assert.False(await IsMemberAsync(teamId, second.UserId));
        Assert.False(await IsMemberAsync(teamId, other.UserId));
    }

    [Fact]
    public async Task Accept_AfterSevenDays_IsNotFound_AndJustBeforeWorks()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var early = TestUsers.NewEmail();
        var late = TestUsers.NewEmail();
        var (_, earlyToken, _) = await TestTeams.InviteAsync(_client, owner, teamId, early);
        var (_, lateToken, body) = await TestTeams.InviteAsync(_client, owner, teamId, late);
        var expiresAt = body.GetProperty("expires_at").GetDateTimeOffset();

        app.Time.SetUtcNow(expiresAt.AddSeconds(-1));
        var before = await TestTeams.AcceptAsync(_client, await TestUsers.CreateAsync(app, early), earlyToken);
        app.Time.SetUtcNow(expiresAt.AddSeconds(1));
        var after = await TestTeams.AcceptAsync(_client, await TestUsers.CreateAsync(app, late), lateToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Accept_WithAnApiKey_IsForbidden()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var invitee = await TestUsers.CreateAsync(app);
        var (_, token, _) = await TestTeams.InviteAsync(_client, owner, teamId, invitee.Email);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, invitee);

        var byKey = await TestTeams.AcceptAsync(_client, invitee.Using(key), token);
        var bySession = await TestTeams.AcceptAsync(_client, invitee, token);

        Assert.Equal(HttpStatusCode.Forbidden, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySession.StatusCode);
    }

    [Fact]
    public async Task Invite_OnlyOwnersInviteAdmins_MembersInviteNobody_AndDuplicatesConflict()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var admin = await TestTeams.JoinAsync(app, _client, owner, teamId, "admin");
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);
        var email = TestUsers.NewEmail();

        var adminInvitesAdmin = await _client.SendAsync(admin.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email, role = "admin" }));
        var memberInvites = await _client.SendAsync(member.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email, role = "member" }));
        var memberLists = await _client.SendAsync(member.Request(HttpMethod.Get, $"api/teams/{teamId}/invitations"));
        var adminInvitesMember = await _client.SendAsync(admin.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email, role = "member" }));
        var duplicate = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email = email.ToUpperInvariant(), role = "member" }));
        var existingMember = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email = member.Email, role = "member" }));

        Assert.Equal(HttpStatusCode.Forbidden, adminInvitesAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, memberInvites.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, memberLists.StatusCode);
        Assert.Equal(HttpStatusCode.Created, adminInvitesMember.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, existingMember.StatusCode);
    }

    [Fact]
    public async Task Create_ConcurrentBurst_StopsAtThePendingInvitationsCap()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var cap = Moosermail.Core.Teams.TeamRules.MaxPendingInvitations;

        var answers = await Task.WhenAll(Enumerable.Range(0, cap + 10).Select(_ =>
            _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email = TestUsers.NewEmail(), role = "member" }))));

        Assert.Equal(cap, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(cap, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM team_invitations WHERE team_id = @teamId", new { teamId }));

        // Revoking one makes room for one.
        var pending = JsonDocument.Parse(await (await _client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/invitations"))).Content.ReadAsStringAsync());
        var first = pending.RootElement.GetProperty("invitations")[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/invitations/{first}"))).StatusCode);
        var again = await _client.SendAsync(owner.Request(HttpMethod.Post, $"api/teams/{teamId}/invitations", new { email = TestUsers.NewEmail(), role = "member" }));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task Revoke_IsSingleShot_AndAnotherTeamsInvitationIsNotFound()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var otherOwner = await TestUsers.CreateAsync(app);
        var otherTeam = await TestTeams.CreateAsync(_client, otherOwner);
        var (id, _, _) = await TestTeams.InviteAsync(_client, owner, teamId, TestUsers.NewEmail());

        var fromOtherTeam = await _client.SendAsync(otherOwner.Request(HttpMethod.Delete, $"api/teams/{otherTeam}/invitations/{id}"));
        var revoke = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/invitations/{id}"));
        var again = await _client.SendAsync(owner.Request(HttpMethod.Delete, $"api/teams/{teamId}/invitations/{id}"));

        Assert.Equal(HttpStatusCode.NotFound, fromOtherTeam.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"member"}""", "email")]
    [InlineData("""{"email":"not an address","role":"member"}""", "email")]
    [InlineData("""{"email":"a@example.com\r\nBcc: victim@example.com","role":"member"}""", "email")]
    [InlineData("""{"email":"Eve <eve@example.com>","role":"member"}""", "email")]
    [InlineData("""{"email":"a\u0000@example.com","role":"member"}""", "email")]
    [InlineData("""{"email":"a@example.com","role":"owner"}""", "role")]
    [InlineData("""{"email":"a@example.com","role":"god"}""", "role")]
    [InlineData("""{"email":"a@example.com","role":"member","permissions":{"grant":["*"]}}""", "permissions.grant")]
    [InlineData("""{"email":"a@example.com","role":"member","permissions":{"grant":"emails:send"}}""", "permissions.grant")]
    [InlineData("""{"email":["a@example.com"],"role":"member"}""", "email")]
    public async Task Invite_RefusesHostileBodies_AndStoresNothing(string json, string field)
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);

        var response = await _client.SendAsync(owner.RawJson(HttpMethod.Post, $"api/teams/{teamId}/invitations", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await InvitationCountAsync(teamId));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"token":""}""")]
    [InlineData("""{"token":12}""")]
    [InlineData("""null""")]
    public async Task Accept_RefusesBodiesWithoutAToken(string json)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/invitations/accept", json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Accept_ANewlySignedUpUserWithTheInvitedAddress_Joins()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var email = TestUsers.NewEmail("newcomer");
        var (_, token, _) = await TestTeams.InviteAsync(_client, owner, teamId, email);
        var newcomer = await TestUsers.CreateAsync(app, email);

        var accept = await TestTeams.AcceptAsync(_client, newcomer, token);

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.True(await IsMemberAsync(teamId, newcomer.UserId));
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private async Task<byte[]> TokenHashAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<byte[]>("SELECT token_hash FROM team_invitations WHERE id = @Id", new { Id = id }) ?? [];
    }

    private async Task<string> DumpAsync(string table)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return string.Join('\n', await connection.QueryAsync<string>($"SELECT t::text FROM {table} t"));
    }

    private async Task<bool> IsMemberAsync(Guid teamId, Guid userId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM team_members WHERE team_id = @TeamId AND user_id = @UserId)", new { TeamId = teamId, UserId = userId });
    }

    private async Task<int> InvitationCountAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM team_invitations WHERE team_id = @TeamId", new { TeamId = teamId });
    }
}
