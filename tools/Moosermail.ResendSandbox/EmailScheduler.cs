namespace Moosermail.ResendSandbox;

/// <summary>Sends scheduled emails when their time comes (checked every SchedulerInterval on the TimeProvider).</summary>
public sealed class EmailScheduler(SandboxState state, EmailLifecycle lifecycle, SandboxOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.SchedulerInterval, time, stoppingToken);
                SendDue(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void SendDue(DateTimeOffset now)
    {
        foreach (var account in state.Accounts)
        {
            lock (account.Gate)
            {
                foreach (var email in account.Emails.Where(e => e.LastEvent == "scheduled" && e.ScheduledAt <= now).ToList())
                {
                    lifecycle.Send(account, email);
                }
            }
        }
    }
}
