namespace Moosermail.Core.Inbox;

/// <summary>
/// Told right after the content job stored the content of some of a team's received mail, so work that waits for
/// fetched mail (pipes) runs within seconds instead of on its own timer. Called on the fetching instance, once per
/// team per batch; a failure here is logged and never fails the fetch (the observer's own timer still catches up).
/// </summary>
public interface IReceivedMailObserver
{
    Task ContentFetchedAsync(Guid teamId, CancellationToken cancellationToken);
}
