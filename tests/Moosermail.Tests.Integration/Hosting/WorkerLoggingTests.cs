using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Hosting;

/// <summary>
/// Under func and in Azure the isolated worker runs its own ASP.NET Core server behind the Functions host, with its
/// own request logging. A trigger's URL carries its key, so that logging must be off there too, not only locally.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WorkerLoggingTests(AppFixture app)
{
    [Fact]
    public void Worker_AndLocalHost_NeverLogRequestUrls()
    {
        using var worker = MoosermailProgram.BuildWorker([], builder => builder.Configuration.AddInMemoryCollection(app.Settings()));

        var workerLogger = worker.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogging.HostingDiagnostics);
        var localLogger = app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogging.HostingDiagnostics);

        Assert.False(workerLogger.IsEnabled(LogLevel.Critical));
        Assert.False(localLogger.IsEnabled(LogLevel.Critical));
    }
}
