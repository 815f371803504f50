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

    private static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        MoosermailPipeline.Use(builder);
        builder.Services.AddMoosermailCore(builder.Configuration);
        builder.Services.AddMoosermailFunctions();
        return builder.Build();
    }

    private static async Task<int> MigrateAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddLocalSettingsValues(Path.Combine(AppContext.BaseDirectory, "local.settings.json"))
            .AddEnvironmentVariables()
            .Build();
        var settings = MoosermailSettings.Load(configuration);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("Moosermail.Migrate");
        var applied = await Migrator.MigrateAsync(settings.DatabaseUrl, logger);
        logger.LogInformation("Migrations applied: {Count}", applied);
        return 0;
    }
}
