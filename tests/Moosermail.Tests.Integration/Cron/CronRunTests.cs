using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Cron;

/// <summary>
/// The CronTick timer, driven by calling it on app instances that share a fake clock: each slot runs once however
/// many instances tick, missed slots run once, interrupted claims are retaken without a second send, and the
/// emails are the sandbox's accepted sends.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CronRunTests(AppFixture app)
{
    private const string Timer = "CronTick";

    [Fact]
    public async Task TwoInstances_RacingOnTheSameSlot_OneRunAndOneSetOfEmails()
    {
        var clock = Clock();
        await using var first = await SecondaryApp.StartAsync(app, clock);
        await using var second = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(first);
        var id = await CreateJobAsync(world, new { to = new[] { "x@example.com", "y@example.com" } });

        clock.Advance(TimeSpan.FromSeconds(31));
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer), first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));
        }

        var runs = await RunsAsync(world, id);
        var run = Assert.Single(runs);
        Assert.Equal("sent", run.GetProperty("status").GetString());
        Assert.Equal(Slot(1), run.GetProperty("slot").GetDateTimeOffset());
        Assert.Equal(2, run.GetProperty("emails").GetArrayLength());
        Assert.Equal(["x@example.com", "y@example.com"], run.GetProperty("emails").EnumerateArray().Select(e => e.GetProperty("to")[0].GetString()).Order());
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
        Assert.Equal(2, await app.CountForTeamAsync("emails", world.User.TeamId));
    }

    [Fact]
    public async Task EveryMinute_EachSlotRunsOnce()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own);
        var id = await CreateJobAsync(world, new { to = "x@example.com" });

        for (var minute = 1; minute <= 3; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await own.RunTimerAsync(Timer);
            await own.RunTimerAsync(Timer);
        }

        var runs = await RunsAsync(world, id);
        Assert.Equal([Slot(3), Slot(2), Slot(1)], runs.Select(r => r.GetProperty("slot").GetDateTimeOffset()));
        Assert.All(runs, r => Assert.Equal("sent", r.GetProperty("status").GetString()));
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("missed_slots").GetInt32()));
        Assert.Equal(3, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
    }

    [Fact]
    public async Task AfterDowntime_TheLatestMissedSlotRunsOnce_AndTheOthersAreRecordedAsSkipped()
    {
        var clock = Clock();
        await using var first = await SecondaryApp.StartAsync(app, clock);
        await using var second = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(first);
        var id = await CreateJobAsync(world, new { to = "x@example.com" });

        clock.Advance(TimeSpan.FromMinutes(6));
        await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));
        await first.RunTimerAsync(Timer);

        var runs = await RunsAsync(world, id);
        Assert.Equal(6, runs.Count);
        Assert.Equal("sent", runs[0].GetProperty("status").GetString());
        Assert.Equal(Slot(6), runs[0].GetProperty("slot").GetDateTimeOffset());
        Assert.Equal(5, runs[0].GetProperty("missed_slots").GetInt32());
        Assert.Equal([Slot(5), Slot(4), Slot(3), Slot(2), Slot(1)], runs.Skip(1).Select(r => r.GetProperty("slot").GetDateTimeOffset()));
        Assert.All(runs.Skip(1), r => Assert.Equal("skipped", r.GetProperty("status").GetString()));
        Assert.All(runs.Skip(1), r => Assert.Equal(0, r.GetProperty("emails").GetArrayLength()));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
        var (_, job) = await SendAsync(world.Client, world.User, HttpMethod.Get, $"api/cron/{id}");
        Assert.Equal(Slot(6), job.GetProperty("cron_job").GetProperty("last_run_at").GetDateTimeOffset());
        Assert.Equal(Slot(7), job.GetProperty("cron_job").GetProperty("next_run_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task TemplateDeleted_RecordsAFailedRun_AndTheApiStillAnswers()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own);
        var id = await CreateJobAsync(world, new { to = "x@example.com" });
        var (deleted, _) = await SendAsync(world.Client, world.User, HttpMethod.Delete, $"api/templates/{world.TemplateId}");

        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync(Timer);

        Assert.Equal(HttpStatusCode.NoContent, deleted);
        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("template no longer exists", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        var (status, job) = await SendAsync(world.Client, world.User, HttpMethod.Get, $"api/cron/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("cron_job").GetProperty("template_name").ValueKind);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
    }

    [Fact]
    public async Task ToTag_ResolvesTheTeamsSubscribedContactsAtRunTime()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own);
        // No variables: each contact's own name fills {{name}}.
        var id = await CreateJobAsync(world, new { to_tag = "vip", variables = new { } });
        var vip = TestUsers.NewEmail("vip");
        await SendAsync(world.Client, world.User, HttpMethod.Post, "api/contacts", new { email = vip, name = "Vera", tags = new[] { "vip" } });
        await SendAsync(world.Client, world.User, HttpMethod.Post, "api/contacts", new { email = TestUsers.NewEmail("gone"), tags = new[] { "vip" }, unsubscribed = true });
        await SendAsync(world.Client, world.User, HttpMethod.Post, "api/contacts", new { email = TestUsers.NewEmail("plain"), tags = new[] { "other" } });
        var stranger = await own.CreateUserAsync();
        await SendAsync(world.Client, stranger, HttpMethod.Post, "api/contacts", new { email = TestUsers.NewEmail("foreign"), tags = new[] { "vip" } });

        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync(Timer);

        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal("sent", run.GetProperty("status").GetString());
        var email = Assert.Single(run.GetProperty("emails").EnumerateArray().ToList());
        Assert.Equal(vip, email.GetProperty("to")[0].GetString());
        var (_, detail) = await SendAsync(world.Client, world.User, HttpMethod.Get, $"api/emails/{email.GetProperty("id").GetGuid()}");
        Assert.Contains("Vera", detail.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
    }

    [Fact]
    public async Task Disabled_DoesNotRun_AndReenablingStartsFromNowWithoutCatchingUp()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own);
        var id = await CreateJobAsync(world, new { to = "x@example.com", enabled = false });

        clock.Advance(TimeSpan.FromMinutes(3));
        await own.RunTimerAsync(Timer);
        await SendAsync(world.Client, world.User, HttpMethod.Put, $"api/cron/{id}", new { enabled = true });
        await own.RunTimerAsync(Timer);
        var whileNothingDue = await RunsAsync(world, id);
        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync(Timer);

        Assert.Empty(whileNothingDue);
        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal(Slot(4), run.GetProperty("slot").GetDateTimeOffset());
        Assert.Equal(0, run.GetProperty("missed_slots").GetInt32());
    }

    [Fact]
    public async Task TeamWithoutSender_RecordsAFailedRunSayingSo()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own, withSender: false);
        var id = await CreateJobAsync(world, new { to = "x@example.com" });

        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync(Timer);

        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("no Resend key", run.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptedAfterTheEmailsWereAccepted_TheRetakeRecordsThemWithoutSendingAgain()
    {
        var clock = Clock();
        await using var first = await SecondaryApp.StartAsync(app, clock);
        await using var second = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(first);
        var id = await CreateJobAsync(world, new { to = "x@example.com" });
        clock.Advance(TimeSpan.FromMinutes(1));
        await first.RunTimerAsync(Timer);
        var sent = Assert.Single(await RunsAsync(world, id)).GetProperty("emails")[0].GetProperty("id").GetGuid();
        await SendAsync(world.Client, world.User, HttpMethod.Put, $"api/cron/{id}", new { enabled = false });
        // As if the instance stopped after the accept transaction committed and before the run was recorded.
        await app.ScalarAsync<int>(
            "UPDATE cron_runs SET status = 'claimed', email_ids = '{}', finished_at = NULL WHERE job_id = @Id",
            new { Id = id });

        await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));
        var tooEarly = Assert.Single(await RunsAsync(world, id)).GetProperty("status").GetString();
        clock.Advance(TimeSpan.FromMinutes(4));
        await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));

        Assert.Equal("claimed", tooEarly);
        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal("sent", run.GetProperty("status").GetString());
        Assert.Equal(sent, run.GetProperty("emails")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
        Assert.Equal(1, await app.CountForTeamAsync("emails", world.User.TeamId));
    }

    [Fact]
    public async Task InterruptedBeforeTheEmailsWereAccepted_TheRetakeSendsThemOnce()
    {
        var clock = Clock();
        await using var first = await SecondaryApp.StartAsync(app, clock);
        await using var second = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(first);
        var id = await CreateJobAsync(world, new { to = "x@example.com", enabled = false });
        // A claim whose instance stopped before the accept: no emails, no idempotency key.
        await app.ScalarAsync<int>(
            "INSERT INTO cron_runs (job_id, slot, team_id, status, claimed_at) VALUES (@Id, @Slot, @TeamId, 'claimed', @ClaimedAt)",
            new { Id = id, Slot = Slot(0), world.User.TeamId, ClaimedAt = clock.GetUtcNow().AddMinutes(-10) });

        await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));
        clock.Advance(TimeSpan.FromMinutes(4));
        await Task.WhenAll(first.RunTimerAsync(Timer), second.RunTimerAsync(Timer));

        var run = Assert.Single(await RunsAsync(world, id));
        Assert.Equal("sent", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("emails").GetArrayLength());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(world.ApiKey));
    }

    [Fact]
    public async Task SendLog_NamesTheCronJobOfEachEmail_AfterTheJobIsRenamedAndDeletedToo()
    {
        var clock = Clock();
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var world = await WorldAsync(own);
        var id = await CreateJobAsync(world, new { to = new[] { "x@example.com", "y@example.com" } });
        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync(Timer);
        var (sentByHand, _) = await SendAsync(world.Client, world.User, HttpMethod.Post, "api/send", new { to = "z@example.com", subject = "By hand", body = "Hi" });
        await SendAsync(world.Client, world.User, HttpMethod.Put, $"api/cron/{id}", new { name = "renamed" });
        var (deleted, _) = await SendAsync(world.Client, world.User, HttpMethod.Delete, $"api/cron/{id}");

        var (_, page) = await SendAsync(world.Client, world.User, HttpMethod.Get, "api/emails?limit=10");
        var emails = page.GetProperty("data").EnumerateArray().ToList();
        var byCron = emails.Where(e => e.GetProperty("cron_job_id").ValueKind != JsonValueKind.Null).ToList();
        var (_, detail) = await SendAsync(world.Client, world.User, HttpMethod.Get, $"api/emails/{byCron[0].GetProperty("id").GetGuid()}");
        var (_, log) = await SendAsync(world.Client, world.User, HttpMethod.Get, "api/send-log?limit=10");

        Assert.Equal(HttpStatusCode.OK, sentByHand);
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(3, emails.Count);
        Assert.Equal(2, byCron.Count);
        Assert.All(byCron, e => Assert.Equal(id, e.GetProperty("cron_job_id").GetGuid()));
        Assert.All(byCron, e => Assert.Equal("every minute", e.GetProperty("cron_name").GetString()));
        var byHand = Assert.Single(emails, e => e.GetProperty("subject").GetString() == "By hand");
        Assert.Equal(JsonValueKind.Null, byHand.GetProperty("cron_name").ValueKind);
        Assert.Equal(id, detail.GetProperty("email").GetProperty("cron_job_id").GetGuid());
        Assert.Equal("every minute", detail.GetProperty("email").GetProperty("cron_name").GetString());
        Assert.Equal(2, log.GetProperty("logs").EnumerateArray().Count(e => e.GetProperty("cron_name").GetString() == "every minute"));
    }

    private sealed record World(HttpClient Client, TestUser User, string ApiKey, Guid TemplateId);

    /// <summary>10:00:30 UTC two days ahead: jobs created now first run at 10:01 (<see cref="Slot"/>(1)).</summary>
    private static FakeTimeProvider Clock() => new(Start.AddSeconds(30));

    private static DateTimeOffset Start => new(DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(10), TimeSpan.Zero);

    private static DateTimeOffset Slot(int minute) => Start.AddMinutes(minute);

    private static async Task<World> WorldAsync(SecondaryApp own, bool withSender = true)
    {
        var client = own.CreateClient();
        var user = await own.CreateUserAsync();
        var apiKey = withSender ? (await TestSenders.AddAsync(client, user)).ApiKey : string.Empty;
        var template = await CreateTemplateAsync(client, user, subject: "Digest for {{name}}", bodyHtml: "<p>Hi {{name}}</p>", bodyText: "Hi {{name}}");
        return new World(client, user, apiKey, template.GetProperty("id").GetGuid());
    }

    private static async Task<Guid> CreateJobAsync(World world, object recipients)
    {
        var body = JsonSerializer.SerializeToElement(recipients).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        body["name"] = "every minute";
        body["template_id"] = world.TemplateId;
        body["cron_expression"] = "* * * * *";
        body.TryAdd("variables", new { name = "Ann" });
        var (status, created) = await SendAsync(world.Client, world.User, HttpMethod.Post, "api/cron", body);
        Assert.Equal(HttpStatusCode.Created, status);
        return created.GetProperty("cron_job").GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> RunsAsync(World world, Guid id)
    {
        var (status, body) = await SendAsync(world.Client, world.User, HttpMethod.Get, $"api/cron/{id}/runs?limit=100");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("runs").EnumerateArray().ToList();
    }
}
