using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Pipes;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>cron and pipes through the CLI: each command as text and as the API's JSON, refusals as exit codes 1 and 2.</summary>
[Collection(AppCollection.Name)]
public sealed class CliAutomationTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Cron_CreateListShowRunDisableEnableDelete_AsTextAndJson()
    {
        // The cron timer is driven on an instance of its own with a fake clock: 10:00:30 UTC two days ahead.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(10), TimeSpan.Zero);
        var clock = new FakeTimeProvider(start.AddSeconds(30));
        await using var own = await SecondaryApp.StartAsync(app, clock);
        var client = own.CreateClient();
        var user = await own.CreateUserAsync();
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var template = await TestContent.CreateTemplateAsync(client, user, name: "digest", subject: "Digest for {{name}}", bodyText: "Hi {{name}}");
        using var cli = new CliRunner(app, user.Token) { Time = clock };
        cli.Environment["MOOSERMAIL_API_URL"] = new Uri(own.BaseAddress, "api").ToString();

        var create = await cli.RunAsync("cron", "create", "--name", "daily digest", "--template", template.GetProperty("id").GetString()!,
            "--schedule", "* * * * *", "--timezone", "Europe/Berlin", "--to", "x@example.com", "--to", "y@example.com", "--var", "name=Ann");
        var id = create.Out.Split('\n')[0].Split(' ')[^1];
        var list = await cli.RunAsync("cron", "list");
        var listJson = await cli.RunAsync("cron", "list", "--json");
        var show = await cli.RunAsync("cron", "show", id);
        var noRuns = await cli.RunAsync("cron", "runs", id);
        clock.Advance(TimeSpan.FromMinutes(1));
        await own.RunTimerAsync("CronTick");
        var runs = await cli.RunAsync("cron", "runs", id);
        var runsJson = await cli.RunAsync("cron", "runs", id, "--limit", "5", "--json");
        using var runsDocument = JsonDocument.Parse(runsJson.Out);
        var sentEmail = await cli.RunAsync("emails", "get", runsDocument.RootElement.GetProperty("runs")[0].GetProperty("emails")[0].GetProperty("id").GetString()!);
        var disable = await cli.RunAsync("cron", "disable", id);
        var disabled = await cli.RunAsync("cron", "get", id, "--json");
        var enable = await cli.RunAsync("cron", "enable", id);
        var delete = await cli.RunAsync("cron", "delete", id);
        var afterDelete = await cli.RunAsync("cron", "show", id);

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("Created cron job ", create.Out, StringComparison.Ordinal);
        Assert.Contains("Schedule:  * * * * * (Europe/Berlin)", create.Out, StringComparison.Ordinal);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Matches("^ID +NAME +SCHEDULE +ZONE +TEMPLATE +TO +ENABLED +NEXT RUN$", rows[0]);
        Assert.Matches($"^{id}  daily digest  \\* \\* \\* \\* \\*  Europe/Berlin  digest +x@example.com, y@example.com  yes +\\S", rows[1]);
        using var listed = JsonDocument.Parse(listJson.Out);
        Assert.Equal(id, Assert.Single(listed.RootElement.GetProperty("cron_jobs").EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains("Template:  digest", show.Out, StringComparison.Ordinal);
        Assert.Matches("Variables: \\{\\s*\"name\":\\s*\"Ann\"\\s*\\}", show.Out);
        Assert.Equal(5, show.Out.Split('\n').Count(line => line.StartsWith("  20", StringComparison.Ordinal)));
        Assert.Equal("No runs yet.", noRuns.Out.TrimEnd());
        var runRows = runs.Out.TrimEnd().Split('\n');
        Assert.Matches("^SLOT +STATUS +EMAILS +SKIPPED +MISSED +ERROR$", runRows[0]);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\d 10:01Z +sent +2 +0 +0 +-$", runRows[1]);
        Assert.Equal(2, Assert.Single(runsDocument.RootElement.GetProperty("runs").EnumerateArray()).GetProperty("emails").GetArrayLength());
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Contains($"Cron:    daily digest ({id})", sentEmail.Out, StringComparison.Ordinal);
        Assert.Equal($"Disabled cron job {id}.", disable.Out.TrimEnd());
        using var paused = JsonDocument.Parse(disabled.Out);
        Assert.False(paused.RootElement.GetProperty("cron_job").GetProperty("enabled").GetBoolean());
        Assert.StartsWith($"Enabled cron job {id}; next run 20", enable.Out, StringComparison.Ordinal);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(1, afterDelete.ExitCode);
        Assert.EndsWith("(HTTP 404)", afterDelete.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipes_CreateListShowRunsDisableDelete_AsTextAndJson()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        using var cli = new CliRunner(app, user.Token);

        var create = await cli.RunAsync("pipes", "create", "--name", "newsletters", "--action", "tag", "--tag", "read", "--match-from", "news@", "--match-subject", "digest");
        var id = create.Out.Split('\n')[0].Split(' ')[^1];
        var webhook = await cli.RunAsync("pipes", "create", "--name", "to my app", "--action", "webhook", "--url", "http://127.0.0.1:9/hook", "--match-all", "--disabled", "--json");
        var list = await cli.RunAsync("pipes", "list");
        var show = await cli.RunAsync("pipes", "show", id);
        await app.ReceiveAsync(user, apiKey, new { from = "news@example.net", to = new[] { "in@example.com" }, subject = "Weekly", text = "news" });
        await app.App.Services.GetRequiredService<PipeProcessor>().ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        var runs = await cli.RunAsync("pipes", "runs", id);
        var runsJson = await cli.RunAsync("pipes", "runs", id, "--json");
        var disable = await cli.RunAsync("pipes", "disable", id, "--json");
        var delete = await cli.RunAsync("pipes", "delete", id);
        var afterDelete = await cli.RunAsync("pipes", "get", id);

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("Created pipe ", create.Out, StringComparison.Ordinal);
        Assert.Contains("When:          from has 'news@' or subject has 'digest'", create.Out, StringComparison.Ordinal);
        Assert.Contains("Action:        tag read", create.Out, StringComparison.Ordinal);
        using var hook = JsonDocument.Parse(webhook.Out);
        Assert.StartsWith("whsec_", hook.RootElement.GetProperty("pipe").GetProperty("signing_secret").GetString(), StringComparison.Ordinal);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Matches("^ID +NAME +WHEN +ACTION +ENABLED +UPDATED$", rows[0]);
        Assert.Contains(rows, r => Regex.IsMatch(r, $"^{id}  newsletters +from has 'news@' or subject has 'digest'  tag read +yes "));
        Assert.Contains(rows, r => Regex.IsMatch(r, "  to my app +every email +webhook http://127\\.0\\.0\\.1:9/hook +no "));
        Assert.DoesNotContain("whsec_", list.Out + show.Out, StringComparison.Ordinal);
        Assert.Contains("Name:          newsletters", show.Out, StringComparison.Ordinal);
        var runRows = runs.Out.TrimEnd().Split('\n');
        Assert.Matches("^EMAIL +STATUS +TRIES +DETAIL +WHEN$", runRows[0]);
        Assert.Contains(" succeeded ", runRows[1], StringComparison.Ordinal);
        using var runsDocument = JsonDocument.Parse(runsJson.Out);
        Assert.Equal("succeeded", Assert.Single(runsDocument.RootElement.GetProperty("runs").EnumerateArray()).GetProperty("status").GetString());
        using var paused = JsonDocument.Parse(disable.Out);
        Assert.False(paused.RootElement.GetProperty("pipe").GetProperty("enabled").GetBoolean());
        Assert.Equal($"Deleted pipe {id}.", delete.Out.TrimEnd());
        Assert.Equal(1, afterDelete.ExitCode);
        Assert.EndsWith("(HTTP 404)", afterDelete.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherTeamsCronJobsAndPipes_AreNotFound_AndStayAsTheyWere()
    {
        var owner = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, owner);
        var (_, job) = await TestContent.SendAsync(_client, owner, HttpMethod.Post, "api/cron",
            new { name = "c", template_id = template.GetProperty("id").GetGuid(), to = "a@example.com", cron_expression = "0 9 * * 1-5" });
        var (_, pipe) = await TestContent.SendAsync(_client, owner, HttpMethod.Post, "api/pipes", new { name = "p", action = "hide", match_from = "news@" });
        var jobId = job.GetProperty("cron_job").GetProperty("id").GetString()!;
        var pipeId = pipe.GetProperty("pipe").GetProperty("id").GetString()!;
        using var cli = new CliRunner(app, (await TestUsers.CreateAsync(app)).Token);

        var results = new[]
        {
            await cli.RunAsync("cron", "show", jobId),
            await cli.RunAsync("cron", "runs", jobId),
            await cli.RunAsync("cron", "disable", jobId),
            await cli.RunAsync("cron", "delete", jobId),
            await cli.RunAsync("pipes", "show", pipeId),
            await cli.RunAsync("pipes", "runs", pipeId),
            await cli.RunAsync("pipes", "disable", pipeId),
            await cli.RunAsync("pipes", "delete", pipeId),
        };
        var ownList = await cli.RunAsync("cron", "list");

        Assert.All(results, r =>
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.EndsWith("(HTTP 404)", r.Error.TrimEnd(), StringComparison.Ordinal);
        });
        Assert.StartsWith("No cron jobs", ownList.Out, StringComparison.Ordinal);
        var (_, stillJob) = await TestContent.SendAsync(_client, owner, HttpMethod.Get, $"api/cron/{jobId}");
        var (_, stillPipe) = await TestContent.SendAsync(_client, owner, HttpMethod.Get, $"api/pipes/{pipeId}");
        Assert.True(stillJob.GetProperty("cron_job").GetProperty("enabled").GetBoolean());
        Assert.True(stillPipe.GetProperty("pipe").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task RefusedAndUsageErrors_ExitOneOrTwo_AndStoreNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var templateId = template.GetProperty("id").GetString()!;
        using var cli = new CliRunner(app, user.Token);

        var usage = new[]
        {
            await cli.RunAsync("cron"),
            await cli.RunAsync("cron", "create", "--name", "c", "--template", templateId, "--schedule", "* * * * *"),
            await cli.RunAsync("cron", "create", "--name", "c", "--template", templateId, "--schedule", "* * * * *", "--to", "a@example.com", "--to-tag", "vip"),
            await cli.RunAsync("cron", "create", "--name", "c", "--template", "not-a-uuid", "--schedule", "* * * * *", "--to", "a@example.com"),
            await cli.RunAsync("cron", "create", "--name", "c", "--template", templateId, "--schedule", "* * * * *", "--to", "a@example.com", "--var", "novalue"),
            await cli.RunAsync("pipes", "create", "--name", "p"),
            await cli.RunAsync("pipes", "create", "--name", "p", "--action", "auto_reply", "--template", "nope", "--match-all"),
        };
        var badSchedule = await cli.RunAsync("cron", "create", "--name", "c", "--template", templateId, "--schedule", "every day", "--to", "a@example.com");
        var badAction = await cli.RunAsync("pipes", "create", "--name", "p", "--action", "explode", "--match-all");
        var cron = await cli.RunAsync("cron", "list", "--json");
        var pipes = await cli.RunAsync("pipes", "list", "--json");

        Assert.All(usage, r =>
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.StartsWith("error: ", r.Error, StringComparison.Ordinal);
        });
        Assert.Equal(1, badSchedule.ExitCode);
        Assert.Contains("cron_expression", badSchedule.Error, StringComparison.Ordinal);
        Assert.Contains("(HTTP 400)", badSchedule.Error, StringComparison.Ordinal);
        Assert.Equal(1, badAction.ExitCode);
        Assert.Contains("action", badAction.Error, StringComparison.Ordinal);
        using var jobs = JsonDocument.Parse(cron.Out);
        Assert.Empty(jobs.RootElement.GetProperty("cron_jobs").EnumerateArray());
        using var rules = JsonDocument.Parse(pipes.Out);
        Assert.Empty(rules.RootElement.GetProperty("pipes").EnumerateArray());
    }

    [Fact]
    public async Task Team_ActsInASharedTeam_ForCronAndPipes()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Automation team");
        var (_, pipe) = await TestContent.SendAsync(_client, owner, HttpMethod.Post, "api/pipes", new { name = "personal", action = "hide", match_from = "x@" });
        using var cli = new CliRunner(app, owner.Token);

        var created = await cli.RunAsync("pipes", "create", "--team", "Automation team", "--name", "shared", "--action", "hide", "--match-from", "spam@");
        var inTeam = await cli.RunAsync("pipes", "list", "--team", teamId.ToString(), "--json");
        var personal = await cli.RunAsync("pipes", "list", "--json");

        Assert.Equal(0, created.ExitCode);
        using var team = JsonDocument.Parse(inTeam.Out);
        Assert.Equal("shared", Assert.Single(team.RootElement.GetProperty("pipes").EnumerateArray()).GetProperty("name").GetString());
        using var own = JsonDocument.Parse(personal.Out);
        Assert.Equal(pipe.GetProperty("pipe").GetProperty("id").GetString(), Assert.Single(own.RootElement.GetProperty("pipes").EnumerateArray()).GetProperty("id").GetString());
    }
}
