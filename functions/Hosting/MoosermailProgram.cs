using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moosermail.Core;
using Moosermail.Core.Configuration;
using Moosermail.Core.Data;
using Moosermail.Functions.Pipeline;

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

    private static async Task<int> MigrateAsync()
    {
        var settings = MoosermailSettings.Load(CommandConfiguration());
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("Moosermail.Migrate");
        var applied = await Migrator.MigrateAsync(settings.DatabaseUrl, logger);
        logger.LogInformation("Migrations applied: {Count}", applied);
        return 0;
    }

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
