using Moosermail.Core.Inbox;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Runs a team's pipes right after the content job stored new mail of that team, on the same instance. There is no
/// in-process queue to wake (the outbox has none either: sends are attempted inline), so the pass runs here, bounded
/// by <see cref="Budget"/>; whatever it leaves (a slow webhook, a retry later) the PipeProcess timer finishes.
/// </summary>
public sealed class PipeNudge(PipeProcessor processor) : IReceivedMailObserver
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public Task ContentFetchedAsync(Guid teamId, CancellationToken cancellationToken) =>
        processor.ProcessTeamAsync(teamId, Budget, cancellationToken);
}
