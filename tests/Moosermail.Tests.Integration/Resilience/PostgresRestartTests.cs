using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Moosermail.Tests.Integration.Resilience;

/// <summary>
/// Restarts the shared Postgres cluster in the middle of a burst of sends (scripts/test exports the
/// command). Serial in the app collection, and it waits until Postgres answers again before it ends, so
/// the tests after it see a running cluster.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PostgresRestartTests(AppFixture app, ITestOutputHelper output)
{
    public const string RestartCommandKey = "MOOSERMAIL_TEST_PG_RESTART";

    [Fact]
    [Trait("Category", "Slow")]
    public async Task PostgresRestart_DuringABurstOfSends_LosesNoAcceptedEmailAndSendsNoneTwice()
    {
        var restart = Environment.GetEnvironmentVariable(RestartCommandKey);
        if (string.IsNullOrWhiteSpace(restart))
        {
            output.WriteLine($"{RestartCommandKey} is not set (run through scripts/test): nothing to restart.");
            return;
        }

        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(client, user);

        var burst = Enumerable.Range(0, 30).Select(i => SendAsync(client, user, i)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        await RestartPostgresAsync(restart);
        var results = await Task.WhenAll(burst);
        NpgsqlConnection.ClearAllPools();
        var failedAfterRestart = await DrainOutboxAsync(user.TeamId);

        var accepted = results.Where(r => r.Status is HttpStatusCode.OK or HttpStatusCode.Accepted).Select(r => r.EmailId!.Value).ToList();
        var rows = await EmailStatusesAsync(user.TeamId);
        output.WriteLine($"answers: {string.Join(", ", results.GroupBy(r => r.Status).Select(g => $"{(int)g.Key} x{g.Count()}"))}; " +
            $"rows: {rows.Count}; dispatcher runs that failed on stale connections: {failedAfterRestart}");
        Assert.NotEmpty(accepted);
        Assert.All(accepted, id => Assert.Equal("sent", rows.GetValueOrDefault(id)));
        // A request can fail after its commit (its inline attempt lost the database): that email is in the
        // outbox and goes out too, so every stored row is sent — and Resend saw each exactly once.
        Assert.All(rows.Values, status => Assert.Equal("sent", status));
        Assert.Equal(rows.Count, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal(HttpStatusCode.OK, await HealthAfterRecoveryAsync(client));
    }

    /// <summary>
    /// On a loaded machine the restarted server can take a while to accept connections again, and the app's
    /// pool may still hold a connection the restart cut: poll health (bounded) rather than asking once.
    /// </summary>
    private static async Task<HttpStatusCode> HealthAfterRecoveryAsync(HttpClient client)
    {
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("api/health")).StatusCode;
            if (status == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(60));

        return status;
    }

    private static async Task<(HttpStatusCode Status, Guid? EmailId)> SendAsync(HttpClient client, TestUser user, int i)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(i * 80));
        try
        {
            var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = $"r{i}@example.com", subject = $"burst {i}", body = "b" }));
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
            {
                return (response.StatusCode, null);
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, body.RootElement.GetProperty("id").GetGuid());
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
    }

    private static async Task RestartPostgresAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"restarting Postgres failed: {errors}");
    }

    /// <summary>Runs the dispatcher until the team's outbox is empty; returns how many runs threw.</summary>
    private async Task<int> DrainOutboxAsync(Guid teamId)
    {
        var failed = 0;
        for (var round = 0; round < 40; round++)
        {
            try
            {
                if (await PendingJobsAsync(teamId) == 0)
                {
                    return failed;
                }

                await app.DispatchLaterAsync(TimeSpan.FromMinutes(5));
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                failed++;
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        Assert.Fail($"the outbox still holds {await PendingJobsAsync(teamId)} job(s)");
        return failed;
    }

    private async Task<long> PendingJobsAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox_jobs WHERE team_id = @TeamId", new { TeamId = teamId });
    }

    private async Task<Dictionary<Guid, string>> EmailStatusesAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var rows = await connection.QueryAsync<(Guid Id, string Status)>("SELECT id, status FROM emails WHERE team_id = @TeamId", new { TeamId = teamId });
        return rows.ToDictionary(r => r.Id, r => r.Status);
    }
}
