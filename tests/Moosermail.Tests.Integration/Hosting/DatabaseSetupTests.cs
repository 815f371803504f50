using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Hosting;

/// <summary>
/// What an operator meets when the database is not ready: an unmigrated database says "run migrate" in the
/// health answer, the API and the log; `migrate` against a wrong host says which setting and host:port in one
/// line; and `migrate` with an app role leaves a login that can use the tables but not change them.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DatabaseSetupTests(AppFixture app)
{
    [Fact]
    public async Task UnmigratedDatabase_HealthSignupAndLog_SaySchemaMissingRunMigrate()
    {
        var databaseUrl = await TestDatabase.CreateDatabaseAsync(app.ServerUrl, "moosermail_empty");
        try
        {
            var settings = app.Settings();
            settings["MOOSERMAIL_DATABASE_URL"] = databaseUrl;
            var logs = new LogCapture();
            await using var empty = app.BuildApp(settings, logs);
            await empty.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(empty.Urls.First() + "/") };

            var health = await client.GetAsync("api/health");
            var signup = await client.PostAsJsonAsync("api/auth/signup", new { email = $"{Guid.NewGuid():N}@example.com", password = "a-long-password-123" });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
            Assert.Equal("schema missing: run migrate", body.RootElement.GetProperty("schema").GetString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signup.StatusCode);
            Assert.Contains("schema missing: run migrate", await signup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("schema missing: run migrate", logs.AllText, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestDatabase.DropDatabaseAsync(app.ServerUrl, databaseUrl);
        }
    }

    [Fact]
    public async Task SchemaBehind_EveryCallButHealth_Answers503RunMigrate_UntilMigrated()
    {
        var databaseUrl = await TestDatabase.CreateDatabaseAsync(app.ServerUrl, "moosermail_behind");
        try
        {
            await Moosermail.Core.Data.Migrator.MigrateAsync(databaseUrl, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            await using (var connection = new NpgsqlConnection(databaseUrl))
            {
                // As if this build carried a migration the database has not had yet.
                await connection.OpenAsync();
                await using var forget = new NpgsqlCommand("DELETE FROM schema_migrations WHERE scriptname = (SELECT max(scriptname) FROM schema_migrations)", connection);
                await forget.ExecuteNonQueryAsync();
            }

            var settings = app.Settings();
            settings["MOOSERMAIL_DATABASE_URL"] = databaseUrl;
            await using var behind = app.BuildApp(settings);
            await behind.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(behind.Urls.First() + "/") };

            var login = await client.PostAsJsonAsync("api/auth/login", new { email = "nobody@example.com", password = "a-long-password-123" });
            var health = await client.GetAsync("api/health");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.Contains("1 migration(s) pending: run migrate", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("pending: run migrate", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestDatabase.DropDatabaseAsync(app.ServerUrl, databaseUrl);
        }
    }

    [Fact]
    public async Task Health_MigratedDatabase_SaysSchemaCurrent()
    {
        using var client = app.CreateClient();

        using var body = JsonDocument.Parse(await client.GetStringAsync("api/health"));

        Assert.Equal("current", body.RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public async Task Migrate_NothingListening_PrintsOneLineNamingTheSettingAndHostPort()
    {
        var port = UnusedPort();

        var (exitCode, stdout, stderr) = await RunMigrateAsync(new() { ["MOOSERMAIL_DATABASE_URL"] = $"Host=127.0.0.1;Port={port};Database=moosermail;Username=postgres;Timeout=3" });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("MOOSERMAIL_DATABASE_URL", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_NeedsNoKeys_AndWithAnAppRoleGrantsDmlButNoSchemaChanges()
    {
        var databaseUrl = await TestDatabase.CreateDatabaseAsync(app.ServerUrl, "moosermail_roles");
        var role = $"moosermail_app_{Guid.NewGuid():N}"[..30];
        try
        {
            // No ENCRYPTION_KEY or JWT_SECRET: migrate must not need them (the migration identity cannot read them).
            var env = new Dictionary<string, string?> { ["MOOSERMAIL_DATABASE_URL"] = databaseUrl, ["MOOSERMAIL_DATABASE_APP_ROLE"] = role };
            var first = await RunMigrateAsync(env);
            var again = await RunMigrateAsync(env);
            Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
            Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);

            var asApp = new NpgsqlConnectionStringBuilder(databaseUrl) { Username = role, Password = null, Pooling = false }.ConnectionString;
            await using var connection = new NpgsqlConnection(asApp);
            await connection.OpenAsync();
            await using (var dml = new NpgsqlCommand("DELETE FROM rate_limits WHERE false; SELECT count(*) FROM schema_migrations", connection))
            {
                Assert.True((long)(await dml.ExecuteScalarAsync())! > 0);
            }

            await using var ddl = new NpgsqlCommand("CREATE TABLE app_must_not_create (id int)", connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ddl.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            await using var alter = new NpgsqlCommand("ALTER TABLE rate_limits ADD COLUMN x int", connection);
            var notOwner = await Assert.ThrowsAsync<PostgresException>(() => alter.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, notOwner.SqlState);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestDatabase.DropDatabaseAsync(app.ServerUrl, databaseUrl);
            await using var admin = new NpgsqlConnection(app.ServerUrl);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS \"{role}\"", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built app's own `migrate` command, as an operator runs it, with only these settings.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunMigrateAsync(Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(MoosermailProgram).Assembly.Location);
        start.ArgumentList.Add("migrate");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MOOSERMAIL_", StringComparison.Ordinal) || k is "ENCRYPTION_KEY" or "JWT_SECRET").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
