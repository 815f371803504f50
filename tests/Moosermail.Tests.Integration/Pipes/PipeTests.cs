using System.Net;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Pipes;

[Collection(AppCollection.Name)]
public sealed class PipeTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Crud_CreateListGetUpdateDelete_InCreationOrderAndAudited()
    {
        var user = await TestUsers.CreateAsync(app);

        var (created, first) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes",
            new { name = "Invoices", action = "forward", match_subject = " Invoice ", action_to = "Books@Example.com", strip_closers = true });
        var (_, second) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes", new { name = "Hide news", action = "hide", match_from = "news@" });
        var id = first.GetProperty("pipe").GetProperty("id").GetGuid();
        var (updated, changed) = await SendAsync(_client, user, HttpMethod.Put, $"api/pipes/{id}", new { enabled = false, match_subject = "", match_body = "receipt" });
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/pipes");
        var (_, one) = await SendAsync(_client, user, HttpMethod.Get, $"api/pipes/{id}");
        var (deleted, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/pipes/{id}");
        var (gone, _) = await SendAsync(_client, user, HttpMethod.Get, $"api/pipes/{id}");

        Assert.Equal(HttpStatusCode.Created, created);
        var pipe = first.GetProperty("pipe");
        Assert.Equal("forward", pipe.GetProperty("action").GetString());
        Assert.Equal("Invoice", pipe.GetProperty("match_subject").GetString());
        Assert.Equal("books@example.com", pipe.GetProperty("action_to").GetString());
        Assert.True(pipe.GetProperty("strip_closers").GetBoolean());
        Assert.True(pipe.GetProperty("enabled").GetBoolean());
        Assert.False(pipe.GetProperty("match_all").GetBoolean());
        Assert.False(pipe.TryGetProperty("signing_secret", out _));
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.False(changed.GetProperty("pipe").GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, changed.GetProperty("pipe").GetProperty("match_subject").ValueKind);
        Assert.Equal("receipt", changed.GetProperty("pipe").GetProperty("match_body").GetString());
        Assert.Equal([id, second.GetProperty("pipe").GetProperty("id").GetGuid()], list.GetProperty("pipes").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal("Invoices", one.GetProperty("pipe").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal(["pipe.created", "pipe.updated", "pipe.deleted"], await AuditActionsAsync(user.TeamId, id));
    }

    [Fact]
    public async Task Create_WebhookPipe_ShowsItsSigningSecretOnceAndStoresItEncrypted()
    {
        var user = await TestUsers.CreateAsync(app);

        var (_, body) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes", new { name = "hook", action = "webhook", match_all = true, action_url = "http://127.0.0.1:9/hook" });
        var secret = body.GetProperty("pipe").GetProperty("signing_secret").GetString()!;
        var id = body.GetProperty("pipe").GetProperty("id").GetGuid();
        var (_, one) = await SendAsync(_client, user, HttpMethod.Get, $"api/pipes/{id}");
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/pipes");

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, app.Logs.AllText, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var stored = await connection.QuerySingleAsync<string>("SELECT signing_secret FROM pipes WHERE id = @Id", new { Id = id });
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", """{"action":"hide","match_all":true}""")]
    [InlineData("name", """{"name":"","action":"hide","match_all":true}""")]
    [InlineData("action", """{"name":"p","match_all":true}""")]
    [InlineData("action", """{"name":"p","action":"delete_everything","match_all":true}""")]
    [InlineData("match_all", """{"name":"p","action":"hide"}""")]
    [InlineData("action_url", """{"name":"p","action":"webhook","match_all":true}""")]
    [InlineData("action_url", """{"name":"p","action":"webhook","match_all":true,"action_url":"ftp://example.com/x"}""")]
    [InlineData("action_url", """{"name":"p","action":"webhook","match_all":true,"action_url":"https://user:pw@example.com/x"}""")]
    [InlineData("action_url", """{"name":"p","action":"webhook","match_all":true,"action_url":"not a url"}""")]
    [InlineData("action_to", """{"name":"p","action":"forward","match_all":true}""")]
    [InlineData("action_to", """{"name":"p","action":"forward","match_all":true,"action_to":"a@b.com, c@d.com"}""")]
    [InlineData("action_template_id", """{"name":"p","action":"auto_reply","match_all":true}""")]
    [InlineData("action_template_id", """{"name":"p","action":"auto_reply","match_all":true,"action_template_id":"6a1f8e0c-3f0e-4f51-9b86-0d2f3f6f9a11"}""")]
    [InlineData("action_tag", """{"name":"p","action":"tag","match_all":true}""")]
    [InlineData("action_tag", """{"name":"p","action":"tag","match_all":true,"action_tag":"star"}""")]
    public async Task Create_InvalidField_Is400NamingTheFieldAndStoresNothing(string field, string json)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/pipes", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/pipes");
        Assert.Equal(0, list.GetProperty("pipes").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"name":"p","action":"hide","match_from":"%%LONG%%"}""", "match_from")]
    [InlineData("""{"name":"%%LONG%%","action":"hide","match_all":true}""", "name")]
    [InlineData("""{"name":"p","action":"hide","match_all":"yes"}""", null)]
    [InlineData("""{"name":"p","action":["hide"],"match_all":true}""", null)]
    [InlineData("""{"name":"p","action":"hide","match_all":true,"action_template_id":"not-a-guid"}""", null)]
    [InlineData("""[1,2,3]""", null)]
    public async Task Create_HostileBody_IsAClear4xxAndStoresNothing(string json, string? field)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/pipes", json.Replace("%%LONG%%", new string('x', 5000), StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (field is not null)
        {
            await TestUsers.AssertRejectsFieldAsync(response, field);
        }

        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/pipes");
        Assert.Equal(0, list.GetProperty("pipes").GetArrayLength());
    }

    [Fact]
    public async Task Create_AnotherTeamsTemplate_Is400ActionTemplateId()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        var theirs = (await CreateTemplateAsync(_client, other)).GetProperty("id").GetGuid();

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/pipes", new { name = "p", action = "auto_reply", match_all = true, action_template_id = theirs }));

        await TestUsers.AssertRejectsFieldAsync(response, "action_template_id");
    }

    [Fact]
    public async Task Update_ToAnActionWithoutItsField_Is400AndKeepsThePipe()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, body) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes", new { name = "p", action = "hide", match_all = true });
        var id = body.GetProperty("pipe").GetProperty("id").GetGuid();

        var response = await _client.SendAsync(user.Request(HttpMethod.Put, $"api/pipes/{id}", new { action = "forward" }));

        await TestUsers.AssertRejectsFieldAsync(response, "action_to");
        var (_, one) = await SendAsync(_client, user, HttpMethod.Get, $"api/pipes/{id}");
        Assert.Equal("hide", one.GetProperty("pipe").GetProperty("action").GetString());
    }

    [Fact]
    public async Task OtherTeam_GetUpdateDeleteRuns_Are404AndChangeNothing()
    {
        var owner = await TestUsers.CreateAsync(app);
        var stranger = await TestUsers.CreateAsync(app);
        var (_, body) = await SendAsync(_client, owner, HttpMethod.Post, "api/pipes", new { name = "mine", action = "hide", match_all = true });
        var id = body.GetProperty("pipe").GetProperty("id").GetGuid();

        var (get, _) = await SendAsync(_client, stranger, HttpMethod.Get, $"api/pipes/{id}");
        var (put, _) = await SendAsync(_client, stranger, HttpMethod.Put, $"api/pipes/{id}", new { name = "theirs", enabled = false });
        var (runs, _) = await SendAsync(_client, stranger, HttpMethod.Get, $"api/pipes/{id}/runs");
        var (delete, _) = await SendAsync(_client, stranger, HttpMethod.Delete, $"api/pipes/{id}");
        var (_, list) = await SendAsync(_client, stranger, HttpMethod.Get, "api/pipes");
        var (_, still) = await SendAsync(_client, owner, HttpMethod.Get, $"api/pipes/{id}");

        Assert.All([get, put, runs, delete], status => Assert.Equal(HttpStatusCode.NotFound, status));
        Assert.Equal(0, list.GetProperty("pipes").GetArrayLength());
        Assert.Equal("mine", still.GetProperty("pipe").GetProperty("name").GetString());
        Assert.True(still.GetProperty("pipe").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Member_ReadsPipesButCannotWriteThem()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId);

        var read = await _client.SendAsync(member.InTeam(teamId, HttpMethod.Get, "api/pipes"));
        var write = await _client.SendAsync(member.InTeam(teamId, HttpMethod.Post, "api/pipes", new { name = "p", action = "hide", match_all = true }));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    private async Task<string[]> AuditActionsAsync(Guid teamId, Guid pipeId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var actions = await connection.QueryAsync<string>(
            "SELECT action FROM audit_events WHERE team_id = @TeamId AND target_id = @TargetId ORDER BY seq",
            new { TeamId = teamId, TargetId = pipeId.ToString() });
        return actions.ToArray();
    }
}
