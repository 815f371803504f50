using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// Group commit for webhook ingest (issue 15). Verified events that arrive while a batch is being written queue up
/// and go together in the next batch: ONE statement (<see cref="WebhookEventRepository.StoreVerifiedAsync"/>) stores
/// and de-duplicates them all, and the ones stored now go to <see cref="WebhookFoldWorker"/>, which folds them into
/// their emails. A burst from Resend thus pays one round trip, one plan execution and one commit per batch instead of
/// per event, while each request still answers only after its own event is stored, so nothing Svix was told "200"
/// about can be lost. A lone event waits for nobody: it is a batch of one.
/// <para>
/// Two writers per process, so one batch fills while the other waits on Postgres; each keeps its connection while it
/// is busy. A batch that fails as a whole (a
/// transient error) fails every request in it (Svix retries them; the unique index makes retries safe); one that fails
/// for another reason is retried event by event, so one bad event cannot take its neighbours down.
/// </para>
/// Hand-written: no library on the mirror batches awaitable database writes (a Channel and a loop are all it takes).
/// </summary>
public sealed class WebhookStoreBatcher(WebhookEventRepository events, WebhookFoldWorker folds, ILogger<WebhookStoreBatcher> logger) : IAsyncDisposable
{
    /// <summary>Events per statement at most: large enough to absorb a burst, small enough to keep the statement short.</summary>
    public const int MaxBatch = 100;

    /// <summary>Batches in flight at once: while one waits on Postgres the next one fills, so a burst is not held up by one round trip.</summary>
    public const int Writers = 2;

    /// <summary>
    /// A writer keeps its connection while events keep coming, and gives it back after this long without one: a
    /// connection back in the pool costs a reset (seven statements) the next time it is taken, once per batch.
    /// </summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(5);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Lock _startLock = new();
    private Task? _writer;

    /// <summary>Stores one verified event together with whatever else is waiting, and queues its fold.</summary>
    public Task<BatchStoreResult> StoreAsync(VerifiedWebhookEvent evt, CancellationToken cancellationToken)
    {
        var pending = new Pending(evt, new TaskCompletionSource<BatchStoreResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsureWriter();
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        // The write goes on when this request is cancelled: the event is stored either way, and Svix's retry is a duplicate.
        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _writer ??= Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync)));
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        NpgsqlConnection? connection = null;
        try
        {
            while (true)
            {
                if (!await WaitForEventsAsync(connection is not null))
                {
                    if (_queue.Reader.Completion.IsCompleted)
                    {
                        return;
                    }

                    // Idle for a while: give the connection back to the pool until the next burst.
                    await connection!.DisposeAsync();
                    connection = null;
                    continue;
                }

                batch.Clear();
                var keys = new HashSet<(Guid, string)>();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    if (keys.Add((pending.Event.Event.EndpointId, pending.Event.Event.SvixId)))
                    {
                        batch.Add(pending);
                    }
                    else
                    {
                        // The same event twice in one batch: the first copy decides, this one is a duplicate either way.
                        pending.Stored.TrySetResult(new BatchStoreResult(null, EndpointCurrent: true));
                    }
                }

                // Both writers wake for one event; the one that finds the queue empty has nothing to write.
                if (batch.Count > 0)
                {
                    connection = await WriteAsync(batch, connection);
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>True when events wait; false when the queue is completed, or (holding a connection) idle for <see cref="IdleRelease"/>.</summary>
    private async Task<bool> WaitForEventsAsync(bool holdingConnection)
    {
        if (!holdingConnection || _queue.Reader.TryPeek(out _))
        {
            return await _queue.Reader.WaitToReadAsync();
        }

        using var idle = new CancellationTokenSource(IdleRelease);
        try
        {
            return await _queue.Reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes one batch on the writer's connection (opened when it has none); returns the connection to keep, null after a failure.</summary>
    private async Task<NpgsqlConnection?> WriteAsync(List<Pending> batch, NpgsqlConnection? connection)
    {
        try
        {
            connection ??= await events.OpenConnectionAsync(CancellationToken.None);
            var results = await WebhookEventRepository.StoreVerifiedAsync(connection, batch.Select(p => p.Event).ToList(), CancellationToken.None);
            Complete(batch, results);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync(); // after a failure, a fresh one from the pool
            }

            if (batch.Count > 1 && !(ex is NpgsqlException { IsTransient: true }))
            {
                logger.LogWarning(ex, "A batch of {Count} webhook events failed; storing them one by one", batch.Count);
                foreach (var pending in batch)
                {
                    await WriteAloneAsync(pending);
                }
            }
            else
            {
                Fail(batch, ex);
            }

            return null;
        }
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        try
        {
            Complete([pending], await events.StoreVerifiedAsync([pending.Event], CancellationToken.None));
        }
        catch (Exception ex)
        {
            Fail([pending], ex);
        }
    }

    private void Complete(List<Pending> batch, IReadOnlyList<BatchStoreResult> results)
    {
        folds.Enqueue(batch.Zip(results)
            .Where(x => x.Second.EventId is not null && x.First.Event.Fold is not null && x.First.Event.Event.ResendEmailId is not null)
            .Select(x => new StoredFold(x.Second.EventId!.Value, x.First.Event.Event.TeamId, x.First.Event.Event.ResendEmailId!, x.First.Event.Fold!, x.First.Event.Now))
            .ToList());
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Stored.TrySetResult(results[i]);
        }
    }

    private static void Fail(List<Pending> batch, Exception ex)
    {
        foreach (var pending in batch)
        {
            pending.Stored.TrySetException(ex);
        }
    }

    private sealed record Pending(VerifiedWebhookEvent Event, TaskCompletionSource<BatchStoreResult> Stored);
}
