using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moosermail.Core;
using Moosermail.Core.Configuration;
using Moosermail.Core.Data;
using Moosermail.Functions.Pipeline;
using Npgsql;

namespace Moosermail.Functions.Hosting;

public static class MoosermailProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "migrate")
            {
                return await MigrateAsync();
            }

            if (args.Length > 0 && args[0] == "rewrap")
            {
                return await RewrapAsync();
            }

            if (FunctionsHostDetection.StartedByFunctionsHost(args))
            {
                await BuildWorker(args).RunAsync();
            }
            else
            {
                await LocalHost.Build(args).RunAsync();
            }

            return 0;
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"moosermail: configuration error: {ex.Message}");
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"moosermail: {ex.Message.TrimEnd('.')}: another process holds the port; stop it or set {LocalHost.PortKey} to a free port.");
            return 1;
        }
    }

    /// <summary>The isolated worker the Functions host starts; <paramref name="configure"/> lets tests add settings.</summary>
    public static IHost BuildWorker(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Logging.KeepUrlsOutOfLogs();
        MoosermailPipeline.Use(builder);
        builder.Services.AddMoosermailCore(builder.Configuration);
        builder.Services.AddMoosermailFunctions();
        return builder.Build();
    }

    /// <summary>
    /// Applies migrations; needs only the database settings. A database it cannot reach is one line naming the
    /// setting and the host:port it tried (exit 1), not a stack trace. With MOOSERMAIL_DATABASE_APP_ROLE it
    /// then grants that role DML on every table (creating it when missing): the app's least-privilege login.
    /// </summary>
    private static async Task<int> MigrateAsync()
    {
        var configuration = CommandConfiguration();
        var database = DatabaseSettings.Load(configuration);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("Moosermail.Migrate");
        try
        {
            var connectionString = await Database.ConnectionStringForCommandAsync(database, CancellationToken.None);
            var applied = await Migrator.MigrateAsync(connectionString, logger);
            logger.LogInformation("Migrations applied: {Count}", applied);
            if (configuration[DatabaseSettings.AppRoleKey] is { Length: > 0 } role)
            {
                await AppRoleGrants.GrantAsync(connectionString, role.Trim(), CancellationToken.None);
                logger.LogInformation("Role {Role} may read and write the app's tables (no schema changes)", role.Trim());
            }

            return 0;
        }
        catch (Exception ex) when (DatabaseUnreachable(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync($"moosermail: migrate could not reach the database at {database.Endpoint} ({DatabaseSettings.DatabaseUrlKey}): {reason}");
            return 1;
        }
    }

    /// <summary>Why a connection failed, in one line; null when the failure is not about reaching the server.</summary>
    private static string? DatabaseUnreachable(Exception ex) => ex switch
    {
        PostgresException postgres when postgres.SqlState.StartsWith("28", StringComparison.Ordinal) || postgres.SqlState == PostgresErrorCodes.InvalidCatalogName => postgres.MessageText,
        PostgresException => null,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException socket } => socket.Message,
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "timed out",
        NpgsqlException npgsql => npgsql.Message,
        Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException => $"no Microsoft Entra token ({DatabaseSettings.AuthKey}=entra): {ex.Message.Split('\n')[0]}",
        _ => null,
    };

    /// <summary>Re-encrypts every stored secret under the current ENCRYPTION_KEY; prints counts per old key id.</summary>
    private static async Task<int> RewrapAsync()
    {
        var configuration = CommandConfiguration();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true))
            .AddMoosermailCore(configuration)
            .BuildServiceProvider();
        await using (services)
        {
            var report = await services.GetRequiredService<Moosermail.Core.Secrets.SecretRewrapper>().RunAsync(CancellationToken.None);
            foreach (var (keyId, count) in report.Rewrapped)
            {
                Console.WriteLine($"rewrapped {count} secret(s) from key {keyId}");
            }

            Console.WriteLine($"already under the current key: {report.AlreadyCurrent}; could not decrypt: {report.Failed}");
            return report.Failed == 0 ? 0 : 2;
        }
    }

    private static IConfiguration CommandConfiguration() => new ConfigurationBuilder()
        .AddLocalSettingsValues(Path.Combine(AppContext.BaseDirectory, "local.settings.json"))
        .AddEnvironmentVariables()
        .Build();
}
