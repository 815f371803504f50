using Microsoft.Extensions.Logging;
using Moosermail.Core.Resend;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Finds received mail whose email.received webhook never came: for each distinct Resend key of the team (a team may
/// hold keys of several Resend accounts), lists GET /emails/receiving newest first, 100 a page, storing each email not
/// yet known with the sender whose key listed it (the content job reads it with that key), until it meets the newest
/// email of that key's previous completed walk. A walk longer than <see cref="MaxPagesPerRun"/> pages continues on the
/// next run from where it stopped; a key's mark moves only when its walk completes, so nothing between runs is skipped.
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

    /// <summary>Walks each distinct key; the team is due again at the soonest any walk needs (now when one is unfinished).</summary>
    private async Task<int> RunAsync(Guid teamId, CancellationToken cancellationToken)
    {
        var keys = await resend.DistinctKeySendersAsync(teamId, cancellationToken);
        if (keys.Count == 0)
        {
            logger.LogInformation("Inbox backfill for team {TeamId}: no usable Resend key; next run in an hour", teamId);
            await sync.SaveAsync(teamId, time.GetUtcNow() + TimeSpan.FromHours(1), "This team has no Resend key to read received mail with; add one with POST /api/keys.", time.GetUtcNow(), cancellationToken);
            return 0;
        }

        var positions = await sync.PositionsAsync(teamId, cancellationToken);
        var (stored, next, errors) = (0, time.GetUtcNow() + Interval, new List<string>());
        foreach (var sender in keys)
        {
            var position = positions.GetValueOrDefault(sender.Id) ?? new InboxSyncState { TeamId = teamId, SenderId = sender.Id };
            var walk = await WalkAsync(position, cancellationToken);
            stored += walk.Stored;
            next = walk.NextRunAt < next ? walk.NextRunAt : next;
            if (walk.Error is not null)
            {
                errors.Add($"{sender.FromAddress}: {walk.Error}");
            }
        }

        await sync.SaveAsync(teamId, next, errors.Count == 0 ? null : string.Join("; ", errors), time.GetUtcNow(), cancellationToken);
        return stored;
    }

    private async Task<(int Stored, DateTimeOffset NextRunAt, string? Error)> WalkAsync(InboxSyncState state, CancellationToken cancellationToken)
    {
        var (after, top, stored) = (state.WalkAfter, state.WalkTop, 0);
        for (var page = 0; page < MaxPagesPerRun; page++)
        {
            var result = await resend.CallAsync(state.TeamId,
                (client, apiKey) => client.ListReceivedEmailsAsync(apiKey, new ResendPage(PageSize, after), cancellationToken), cancellationToken, state.SenderId);
            if (result.Value is not { } list)
            {
                var error = result.Error!;
                var wait = error.IsTransient && error.Name != InboxResend.NoSender ? TimeSpan.FromMinutes(2) : TimeSpan.FromHours(1);
                logger.LogInformation("Inbox backfill for team {TeamId}, sender {SenderId} stopped ({Error}); next run in {Wait}", state.TeamId, state.SenderId, error.Name, wait);
                await sync.SavePositionAsync(state with { WalkAfter = after, WalkTop = top }, time.GetUtcNow(), cancellationToken);
                return (stored, time.GetUtcNow() + wait, error.Message);
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

                var metadata = ReceivedContent.Metadata(state.TeamId, email) with { SenderId = state.SenderId };
                if (await inbox.InsertAsync(metadata, time.GetUtcNow(), cancellationToken) is not null)
                {
                    stored++;
                }
            }

            if (reachedMark || !list.HasMore || list.Data.Count == 0)
            {
                var done = new InboxSyncState { TeamId = state.TeamId, SenderId = state.SenderId, LastSeenId = top ?? state.LastSeenId };
                await sync.SavePositionAsync(done, time.GetUtcNow(), cancellationToken);
                return (stored, time.GetUtcNow() + Interval, null);
            }

            after = list.Data[^1].Id;
        }

        await sync.SavePositionAsync(state with { WalkAfter = after, WalkTop = top }, time.GetUtcNow(), cancellationToken);
        return (stored, time.GetUtcNow(), null);
    }
}
