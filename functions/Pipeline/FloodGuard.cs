using System.Net;
using Moosermail.Core.RateLimiting;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The in-process first line in front of the Postgres limiter, for public and exempt routes: a token bucket
/// per client address (GCRA: one timestamp per slot) in a fixed array, so a flood costs no database round
/// trip and no memory that grows with the number of addresses. Addresses are hashed into the slots with a
/// per-process seed (<see cref="HashCode"/>); two addresses that share a slot share a bucket, which can only
/// make the guard stricter, and the shared Postgres limit behind it stays exact.
/// Hand-written because System.Threading.RateLimiting's partitioned limiter keeps one limiter per key (memory
/// grows with the addresses a flood uses) and refills on a timer rather than on the app's TimeProvider.
/// </summary>
public sealed class FloodGuard(RateLimitOptions options, TimeProvider time)
{
    public const int Slots = 16384;

    private readonly long[] _tat = new long[Slots];
    private readonly long _interval = TimeSpan.TicksPerSecond / options.FloodPerSecond;
    private readonly long _window = TimeSpan.TicksPerSecond / options.FloodPerSecond * options.FloodBurst;

    /// <summary>Takes a token for <paramref name="address"/>; when there is none, says how long until one returns.</summary>
    public bool TryAcquire(IPAddress address, out TimeSpan retryAfter)
    {
        ref var slot = ref _tat[(uint)HashCode.Combine(ClientAddress.BucketKey(address)) % Slots];
        while (true)
        {
            var now = time.GetUtcNow().UtcTicks;
            var current = Volatile.Read(ref slot);
            var next = Math.Max(current, now) + _interval;
            if (next > now + _window)
            {
                retryAfter = TimeSpan.FromTicks(next - now - _window);
                return false;
            }

            if (Interlocked.CompareExchange(ref slot, next, current) == current)
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }
    }
}
