using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// Runs every timer function of the catalog on its NCRONTAB schedule (six fields, seconds first, as the
/// Functions host reads them; %Name% takes the schedule from configuration), through the shared pipeline.
/// </summary>
internal sealed class TimerScheduler(
    FunctionCatalog catalog,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerScheduler> logger) : BackgroundService
{
    public IReadOnlyList<(TimerFunction Function, CronExpression Cron)> Scheduled { get; } =
        catalog.Timers.Select(t => (t, Parse(Resolve(t.Schedule, configuration)))).ToList();

    /// <summary>Tests turn automatic runs off (MOOSERMAIL_TIMERS=off) and run timers themselves, deterministically.</summary>
    public bool Enabled { get; } = !string.Equals(configuration["MOOSERMAIL_TIMERS"], "off", StringComparison.OrdinalIgnoreCase);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Enabled ? Task.WhenAll(Scheduled.Select(s => RunAsync(s.Function, s.Cron, stoppingToken))) : Task.CompletedTask;

    private async Task RunAsync(TimerFunction function, CronExpression cron, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = cron.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? DateTimeOffset.MaxValue;
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await LocalInvoker.InvokeTimerAsync(services, function, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Logged with its correlation id by the pipeline already; a failed run must not stop the schedule.
                logger.LogDebug(ex, "Timer {Function} failed; next run stays scheduled", function.Name);
            }
        }
    }

    private static string Resolve(string schedule, IConfiguration configuration) =>
        schedule.Length > 2 && schedule.StartsWith('%') && schedule.EndsWith('%')
            ? configuration[schedule[1..^1]] ?? throw new InvalidOperationException($"Timer schedule setting {schedule} is not set.")
            : schedule;

    private static CronExpression Parse(string schedule) =>
        CronExpression.Parse(schedule, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
}
