using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Cron;

/// <summary>GET/POST /api/cron, GET/PUT/DELETE /api/cron/{id}, GET /api/cron/{id}/runs over real HTTP.</summary>
[Collection(AppCollection.Name)]
public sealed class CronJobTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_AnswersTheJobWithItsNextFiveRunsInItsZoneAndUtc()
    {
        var (user, templateId) = await UserWithTemplateAsync();

        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, "api/cron", new
        {
            name = "weekly digest",
            template_id = templateId,
            to = new[] { "Ann@Example.com", "bob@example.com" },
            variables = new { name = "there" },
            cron_expression = "30 8 * * 1-5",
            timezone = "America/New_York",
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var job = body.GetProperty("cron_job");
        Assert.Equal("weekly digest", job.GetProperty("name").GetString());
        Assert.Equal("welcome", job.GetProperty("template_name").GetString());
        Assert.Equal(["ann@example.com", "bob@example.com"], Strings(job.GetProperty("to")));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("to_tag").ValueKind);
        Assert.Equal("there", job.GetProperty("variables").GetProperty("name").GetString());
        Assert.True(job.GetProperty("enabled").GetBoolean());
        var runs = job.GetProperty("next_runs").EnumerateArray().ToList();
        Assert.Equal(5, runs.Count);
        foreach (var run in runs)
        {
            var local = run.GetProperty("local").GetDateTimeOffset();
            var utc = run.GetProperty("utc").GetDateTimeOffset();
            Assert.Equal((8, 30), (local.Hour, local.Minute));
            Assert.Contains(local.Offset, new[] { TimeSpan.FromHours(-5), TimeSpan.FromHours(-4) });
            Assert.Equal(TimeSpan.Zero, utc.Offset);
            Assert.Equal(local.UtcDateTime, utc.UtcDateTime);
            Assert.InRange(local.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);
            Assert.True(utc > app.Time.GetUtcNow());
        }

        Assert.Equal(runs[0].GetProperty("utc").GetDateTimeOffset(), job.GetProperty("next_run_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_WithoutTimezone_IsUtc_AndToAddressesIsAcceptedForTo()
    {
        var (user, templateId) = await UserWithTemplateAsync();

        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, "api/cron",
            new { name = "n", template_id = templateId, to_addresses = new[] { "a@example.com" }, cron_expression = "0 9 * * *" });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("UTC", body.GetProperty("cron_job").GetProperty("timezone").GetString());
        Assert.Equal(["a@example.com"], Strings(body.GetProperty("cron_job").GetProperty("to")));
    }

    public static TheoryData<string, string> InvalidBodies(Guid templateId) => new()
    {
        { "cron_expression", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "61 * * * *" }) },
        { "cron_expression", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * *" }) },
        { "cron_expression", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "0 0 * * * *" }) },
        { "cron_expression", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com" }) },
        { "cron_expression", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = new string('1', 10_000) }) },
        { "timezone", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", timezone = "Mars/Olympus" }) },
        { "timezone", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", timezone = "../../../../etc/passwd" }) },
        { "timezone", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", timezone = "Pacific Standard Time" }) },
        { "template_id", JsonSerializer.Serialize(new { name = "n", template_id = Guid.NewGuid(), to = "a@example.com", cron_expression = "* * * * *" }) },
        { "template_id", JsonSerializer.Serialize(new { name = "n", to = "a@example.com", cron_expression = "* * * * *" }) },
        { "to", JsonSerializer.Serialize(new { name = "n", template_id = templateId, cron_expression = "* * * * *" }) },
        { "to", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", to_tag = "vip", cron_expression = "* * * * *" }) },
        { "to", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "not an address", cron_expression = "* * * * *" }) },
        { "to", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com"), cron_expression = "* * * * *" }) },
        { "to_tag", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to_tag = "a;b", cron_expression = "* * * * *" }) },
        { "name", JsonSerializer.Serialize(new { name = " ", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *" }) },
        { "from", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", from = "someone-else@example.com" }) },
        { "from", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", from = "not <an address" }) },
        { "variables", JsonSerializer.Serialize(new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *", variables = new { big = new string('x', 40_000) } }) },
    };

    [Fact]
    public async Task Create_InvalidFields_400NamingTheField_AndNothingStored()
    {
        var (user, templateId) = await UserWithTemplateAsync();
        await TestSenders.AddAsync(_client, user);

        foreach (var row in InvalidBodies(templateId))
        {
            var (field, json) = ((string)row[0], (string)row[1]);
            var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/cron", json));
            await TestUsers.AssertRejectsFieldAsync(response, field);
        }

        Assert.Equal(0, await app.CountForTeamAsync("cron_jobs", user.TeamId));
    }

    [Fact]
    public async Task Create_AnotherTeamsTemplate_ReadsLikeAMissingOne()
    {
        var (user, _) = await UserWithTemplateAsync();
        var (_, othersTemplate) = await UserWithTemplateAsync();

        var other = await _client.SendAsync(user.Request(HttpMethod.Post, "api/cron", new { name = "n", template_id = othersTemplate, to = "a@example.com", cron_expression = "* * * * *" }));
        var missing = await _client.SendAsync(user.Request(HttpMethod.Post, "api/cron", new { name = "n", template_id = Guid.NewGuid(), to = "a@example.com", cron_expression = "* * * * *" }));

        var (otherProblem, missingProblem) = (await TestUsers.ProblemAsync(other), await TestUsers.ProblemAsync(missing));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Equal(missingProblem.GetProperty("errors").GetRawText(), otherProblem.GetProperty("errors").GetRawText());
        Assert.Equal(missingProblem.GetProperty("detail").GetString(), otherProblem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"name": "n", "template_id": "not-a-guid", "to": "a@example.com", "cron_expression": "* * * * *"}""")]
    [InlineData("""{"name": "n", "template_id": "00000000-0000-0000-0000-000000000001", "to": {"x": 1}, "cron_expression": "* * * * *"}""")]
    [InlineData("""{"name": "n", "template_id": "00000000-0000-0000-0000-000000000001", "to": "a@example.com", "variables": [1, 2], "cron_expression": "* * * * *"}""")]
    [InlineData("""{"name": "n", "template_id": "00000000-0000-0000-0000-000000000001", "to": "a@example.com", "cron_expression": 5}""")]
    [InlineData("""{"name": "n", "template_id": "00000000-0000-0000-0000-000000000001", "to": "a@example.com", "cron_expression": "* * * * *", "enabled": "yes"}""")]
    [InlineData("""{"name": "n", "to": "a@example.com", "cron_expression": "*\u0000 * * * *"}""")]
    [InlineData("""{"name": "n", "to": "a@example.com", "cron_expression": "* * * * *", "timezone": "\ud800"}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""not json""")]
    public async Task Create_HostileBody_ClearFourHundredAndNothingStored(string json)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/cron", json));

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(0, await app.CountForTeamAsync("cron_jobs", user.TeamId));
    }

    [Fact]
    public async Task Update_PartialBody_ChangesOnlyTheGivenFields_AndTheScheduleMovesNextRuns()
    {
        var (user, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(user, templateId, "0 9 * * *");

        var (status, body) = await SendAsync(_client, user, HttpMethod.Put, $"api/cron/{id}", new { cron_expression = "15 6 * * *", timezone = "Europe/London", to_tag = "vip" });
        var (_, paused) = await SendAsync(_client, user, HttpMethod.Put, $"api/cron/{id}", new { enabled = false });

        Assert.Equal(HttpStatusCode.OK, status);
        var job = body.GetProperty("cron_job");
        Assert.Equal("n", job.GetProperty("name").GetString());
        Assert.Equal("vip", job.GetProperty("to_tag").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("to").ValueKind);
        Assert.All(job.GetProperty("next_runs").EnumerateArray(), r => Assert.Equal((6, 15), (r.GetProperty("local").GetDateTimeOffset().Hour, r.GetProperty("local").GetDateTimeOffset().Minute)));
        Assert.False(paused.GetProperty("cron_job").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, paused.GetProperty("cron_job").GetProperty("next_runs").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, paused.GetProperty("cron_job").GetProperty("next_run_at").ValueKind);
        Assert.Equal("Europe/London", paused.GetProperty("cron_job").GetProperty("timezone").GetString());
    }

    [Fact]
    public async Task Update_InvalidExpressionOrZone_400AndTheJobIsUnchanged()
    {
        var (user, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(user, templateId, "0 9 * * *");

        var badExpression = await _client.SendAsync(user.Request(HttpMethod.Put, $"api/cron/{id}", new { cron_expression = "0 9 * *" }));
        var badZone = await _client.SendAsync(user.Request(HttpMethod.Put, $"api/cron/{id}", new { timezone = "Nowhere/Land", name = "changed" }));
        var (_, job) = await SendAsync(_client, user, HttpMethod.Get, $"api/cron/{id}");

        await TestUsers.AssertRejectsFieldAsync(badExpression, "cron_expression");
        await TestUsers.AssertRejectsFieldAsync(badZone, "timezone");
        Assert.Equal("0 9 * * *", job.GetProperty("cron_job").GetProperty("cron_expression").GetString());
        Assert.Equal("n", job.GetProperty("cron_job").GetProperty("name").GetString());
    }

    [Fact]
    public async Task OtherTeam_GetUpdateDeleteAndRuns_Are404_AndItsListIsEmpty()
    {
        var (owner, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(owner, templateId, "0 9 * * *");
        var stranger = await TestUsers.CreateAsync(app);

        var get = await _client.SendAsync(stranger.Request(HttpMethod.Get, $"api/cron/{id}"));
        var put = await _client.SendAsync(stranger.Request(HttpMethod.Put, $"api/cron/{id}", new { enabled = false }));
        var delete = await _client.SendAsync(stranger.Request(HttpMethod.Delete, $"api/cron/{id}"));
        var runs = await _client.SendAsync(stranger.Request(HttpMethod.Get, $"api/cron/{id}/runs"));
        var missing = await _client.SendAsync(stranger.Request(HttpMethod.Get, $"api/cron/{Guid.NewGuid()}"));
        var (_, list) = await SendAsync(_client, stranger, HttpMethod.Get, "api/cron");
        var (_, still) = await SendAsync(_client, owner, HttpMethod.Get, $"api/cron/{id}");

        Assert.All(new[] { get, put, delete, runs, missing }, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal((await TestUsers.ProblemAsync(missing)).GetProperty("detail").GetString(), (await TestUsers.ProblemAsync(get)).GetProperty("detail").GetString());
        Assert.Equal(0, list.GetProperty("cron_jobs").GetArrayLength());
        Assert.True(still.GetProperty("cron_job").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task CreateUpdateDelete_AreAudited_AndDeleteRemovesTheJob()
    {
        var (user, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(user, templateId, "0 9 * * *");
        await SendAsync(_client, user, HttpMethod.Put, $"api/cron/{id}", new { name = "renamed" });

        var (status, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/cron/{id}");
        var (after, _) = await SendAsync(_client, user, HttpMethod.Get, $"api/cron/{id}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
        foreach (var action in new[] { "cron_job.created", "cron_job.updated", "cron_job.deleted" })
        {
            Assert.Equal(1L, await app.ScalarAsync<long>(
                "SELECT count(*) FROM audit_events WHERE team_id = @TeamId AND action = @Action AND target_id = @Id AND actor_user_id = @UserId",
                new { user.TeamId, Action = action, Id = id.ToString(), user.UserId }));
        }
    }

    [Fact]
    public async Task Create_PastTheTeamCap_409AndNothingStored()
    {
        var (user, templateId) = await UserWithTemplateAsync();
        await app.ScalarAsync<int>(
            """
            INSERT INTO cron_jobs (id, team_id, name, template_id, to_addresses, cron_expression, timezone, enabled, created_at, updated_at)
            SELECT gen_random_uuid(), @TeamId, 'filler', @TemplateId, ARRAY['a@example.com'], '0 9 * * *', 'UTC', false, now(), now()
            FROM generate_series(1, 100)
            """,
            new { user.TeamId, TemplateId = templateId });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/cron", new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = "* * * * *" }));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(100, await app.CountForTeamAsync("cron_jobs", user.TeamId));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task Runs_BadLimit_400NamingLimit(string limit)
    {
        var (user, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(user, templateId, "0 9 * * *");

        var response = await _client.SendAsync(user.Request(HttpMethod.Get, $"api/cron/{id}/runs?limit={limit}"));

        await TestUsers.AssertRejectsFieldAsync(response, "limit");
    }

    [Fact]
    public async Task Member_ReadsButCannotWrite()
    {
        var (owner, templateId) = await UserWithTemplateAsync();
        var id = await CreateJobAsync(owner, templateId, "0 9 * * *");
        var member = await TestTeams.JoinAsync(app, _client, owner, owner.TeamId);

        var list = await _client.SendAsync(member.InTeam(owner.TeamId, HttpMethod.Get, "api/cron"));
        var update = await _client.SendAsync(member.InTeam(owner.TeamId, HttpMethod.Put, $"api/cron/{id}", new { enabled = false }));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
    }

    private async Task<(TestUser User, Guid TemplateId)> UserWithTemplateAsync()
    {
        var user = await TestUsers.CreateAsync(app);
        return (user, (await CreateTemplateAsync(_client, user, subject: "Digest", bodyHtml: "<p>Hi {{name}}</p>", bodyText: "Hi {{name}}")).GetProperty("id").GetGuid());
    }

    private async Task<Guid> CreateJobAsync(TestUser user, Guid templateId, string expression)
    {
        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, "api/cron", new { name = "n", template_id = templateId, to = "a@example.com", cron_expression = expression });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("cron_job").GetProperty("id").GetGuid();
    }
}
