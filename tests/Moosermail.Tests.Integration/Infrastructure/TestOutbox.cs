using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;

namespace Moosermail.Tests.Integration.Infrastructure;

public static class TestOutbox
{
    /// <summary>Runs a timer function through the same pipeline the scheduler uses.</summary>
    public static Task RunTimerAsync(this AppFixture app, string name) =>
        LocalInvoker.InvokeTimerAsync(app.App.Services,
            app.App.Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == name),
            CancellationToken.None);

    /// <summary>Moves the app's clock past every retry and schedule, then runs the dispatcher timer.</summary>
    public static async Task DispatchLaterAsync(this AppFixture app, TimeSpan by)
    {
        app.Time.Advance(by);
        await app.RunTimerAsync("OutboxDispatch");
    }
}
