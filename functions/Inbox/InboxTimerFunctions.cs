using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Inbox;

namespace Moosermail.Functions.Inbox;

public sealed class InboxTimerFunctions(InboxContentFetcher fetcher, InboxBackfill backfill)
{
    /// <summary>Every 10 seconds: the content of newly received mail, and retries of fetches Resend failed.</summary>
    [Function(nameof(InboxFetchContent))]
    public Task InboxFetchContent([TimerTrigger("7/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        fetcher.FetchDueAsync(TimeSpan.FromSeconds(50), cancellationToken);

    /// <summary>Every 5 minutes: received mail whose email.received webhook never came (each team at most every 10 minutes).</summary>
    [Function(nameof(InboxSync))]
    public Task InboxSync([TimerTrigger("30 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        backfill.RunDueAsync(TimeSpan.FromMinutes(4), cancellationToken);
}
