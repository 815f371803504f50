using Microsoft.Extensions.Logging;
using Moosermail.Core.Resend;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Finds received mail whose email.received webhook never came: lists GET /emails/receiving newest first, 100 a page,
/// storing each email not yet known (the content job fetches it), until it meets the newest email of the previous
/// completed walk. A walk longer than <see cref="MaxPagesPerRun"/> pages continues on the next run from where it
/// stopped; the mark moves only when a walk completes, so nothing between two runs is skipped.
/// </summary>
public sealed class InboxBackfill(InboxSyncRepository sync, InboxRepository inbox, InboxResend resend, TimeProvider time, ILogger<InboxBackfill> logger)
{
    public const int PageSize = 100;
    public const int MaxPagesPerRun = 10;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Runs the backfill of every due team until none is left or <paramref name="budget"/> is spent.</summary>
    public async Task<int> RunDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await sync.AddNewTeamsAsync(time.GetUtcNow(), cancellationToken);
        var stored = 0;
        while (TimeProvider.System.GetElapsedTime(started) < budget)
        {
            var teams = await sync.ClaimAsync(time.GetUtcNow(), Lease, limit: 5, teamId: null, cancellationToken);
            if (teams.Count == 0)
            {
                break;
            }

            foreach (var team in teams)
            {
                stored += await RunAsync(team, cancellationToken);
            }
        }

        return stored;
    }

    /// <summary>One team's backfill now, due or not (returns how many emails it stored; 0 when another instance holds it).</summary>
    public async Task<int> RunTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        var claimed = await sync.ClaimAsync(time.GetUtcNow(), Lease, limit: 1, teamId, cancellationToken);
        return claimed.Count == 0 ? 0 : await RunAsync(claimed[0], cancellationToken);
    }

    private async Task<int> RunAsync(InboxSyncState state, CancellationToken cancellationToken)
    {
        var (after, top, stored) = (state.WalkAfter, state.WalkTop, 0);
        for (var page = 0; page < MaxPagesPerRun; page++)
        {
            var result = await resend.CallAsync(state.TeamId,
                (client, apiKey) => client.ListReceivedEmailsAsync(apiKey, new ResendPage(PageSize, after), cancellationToken), cancellationToken);
            if (result.Value is not { } list)
            {
                var error = result.Error!;
                var wait = error.IsTransient && error.Name != InboxResend.NoSender ? TimeSpan.FromMinutes(2) : TimeSpan.FromHours(1);
                logger.LogInformation("Inbox backfill for team {TeamId} stopped ({Error}); next run in {Wait}", state.TeamId, error.Name, wait);
                await sync.SaveAsync(state with { WalkAfter = after, WalkTop = top }, time.GetUtcNow() + wait, error.Message, time.GetUtcNow(), cancellationToken);
                return stored;
            }

            top ??= list.Data.Count > 0 ? list.Data[0].Id : null;
            var reachedMark = false;
            foreach (var email in list.Data)
            {
                if (email.Id == state.LastSeenId)
                {
                    reachedMark = true;
                    break;
                }

                if (await inbox.InsertAsync(ReceivedContent.Metadata(state.TeamId, email), time.GetUtcNow(), cancellationToken) is not null)
                {
                    stored++;
                }
            }

            if (reachedMark || !list.HasMore || list.Data.Count == 0)
            {
                var done = new InboxSyncState { TeamId = state.TeamId, LastSeenId = top ?? state.LastSeenId };
                await sync.SaveAsync(done, time.GetUtcNow() + Interval, null, time.GetUtcNow(), cancellationToken);
                return stored;
            }

            after = list.Data[^1].Id;
        }

        await sync.SaveAsync(state with { WalkAfter = after, WalkTop = top }, time.GetUtcNow(), null, time.GetUtcNow(), cancellationToken);
        return stored;
    }
}
