using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// Folds stored Resend events into their emails after the webhook was answered (issue 15: store, then fold in
/// set-based batches). A 200 to Resend means the event is stored; its email's status, counts, timeline and
/// suppressions follow moments later, in ONE statement per batch (<see cref="DeliveryStatusRepository.FoldBatchAsync"/>)
/// however many events arrived meanwhile, so under load a fold costs a small share of a statement per event.
/// <para>
/// One loop per process, so batches grow with the load instead of competing with each other. Nothing here has to
/// survive the process: each event waits in webhook_fold_queue until a folder deletes its row, and the reconcile timer
/// (<see cref="DeliveryReconciler"/>) takes back what a stopped instance never got to and folds it, by the same rules,
/// within minutes. A batch that fails is folded again event by event, so one bad event cannot hold back the others.
/// </para>
/// Hand-written: no library on the mirror batches background database work (a Channel and a loop are all it takes).
/// </summary>
public sealed class WebhookFoldWorker(DeliveryStatusRepository deliveries, WebhookEventRepository events, DeliveryEventFolder folder, ILogger<WebhookFoldWorker> logger) : IAsyncDisposable
{
    /// <summary>Events per statement at most: a burst folds in a few statements, and each keeps its locks briefly.</summary>
    public const int MaxBatch = 500;

    /// <summary>
    /// How long the first event of a batch waits for others. Under load a fold statement then covers about a hundred
    /// events instead of a handful, which halved the fold's cost per event in scripts/bench; a lone event's status is
    /// 20 ms later, which nobody can tell.
    /// </summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private readonly Channel<StoredFold> _queue = Channel.CreateUnbounded<StoredFold>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private TaskCompletionSource _idle = Idle();
    private int _outstanding;
    private Task? _loop;

    /// <summary>Queues events that were just stored (committed) for folding.</summary>
    public void Enqueue(IReadOnlyCollection<StoredFold> folds)
    {
        if (folds.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_outstanding == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _outstanding += folds.Count;
            _loop ??= Task.Run(LoopAsync);
        }

        foreach (var fold in folds)
        {
            if (!_queue.Writer.TryWrite(fold))
            {
                Done(1); // shutting down: the reconcile timer folds it
            }
        }
    }

    /// <summary>Completes when every event queued so far has been folded (or left to the reconcile timer).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _idle.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? running;
        lock (_gate)
        {
            running = _loop;
        }

        if (running is not null)
        {
            await running;
        }
    }

    private static TaskCompletionSource Idle()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private async Task LoopAsync()
    {
        var batch = new List<StoredFold>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            // Gather what arrives meanwhile: one statement then folds a whole burst (a wall-clock pause, not app time).
            await Task.Delay(Gather);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var fold))
            {
                batch.Add(fold);
            }

            if (batch.Count > 0)
            {
                await FoldAsync(batch);
                Done(batch.Count);
            }
        }
    }

    private async Task FoldAsync(List<StoredFold> batch)
    {
        try
        {
            await deliveries.FoldBatchAsync(batch, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A batch of {Count} webhook events was not folded; folding them one by one", batch.Count);
            try
            {
                // Out of the queue and into the one-by-one fold, which re-reads each event's stored payload.
                await events.ReleaseQueuedFoldsAsync(DateTimeOffset.MinValue, [.. batch.Select(f => f.EventId)], CancellationToken.None);
            }
            catch (Exception again)
            {
                logger.LogWarning(again, "{Count} webhook events were not folded now; the reconcile timer folds them", batch.Count);
                return;
            }

            foreach (var fold in batch)
            {
                try
                {
                    await folder.FoldAsync(fold.EventId, CancellationToken.None);
                }
                catch (Exception one)
                {
                    logger.LogWarning(one, "Webhook event {EventId} was not folded now; the reconcile timer folds it", fold.EventId);
                }
            }
        }
    }

    private void Done(int count)
    {
        lock (_gate)
        {
            _outstanding -= count;
            if (_outstanding == 0)
            {
                _idle.TrySetResult();
            }
        }
    }
}
