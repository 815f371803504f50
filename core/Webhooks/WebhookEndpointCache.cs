using System.Collections.Concurrent;

namespace Moosermail.Core.Webhooks;

/// <summary>
/// The endpoint behind a webhook URL, remembered between requests so a burst from Resend does not look it up once per
/// event (issue 15). Never trusted on its own: the statement that stores an event checks, in the same round trip, that
/// the endpoint still has this id, team and signing secret, and stores nothing when it does not (a rotated secret or
/// URL, a deleted endpoint); the caller then forgets the entry and starts again from the database. Entries also expire
/// after <see cref="MaxAge"/>. Only endpoints that exist are kept, at most one per team.
/// </summary>
public sealed class WebhookEndpointCache(WebhookEndpointRepository endpoints, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>A bound for the dictionary, far above one endpoint per team; past it the cache starts over.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (WebhookEndpoint Endpoint, DateTimeOffset At)> _entries = new(StringComparer.Ordinal);

    /// <summary>The endpoint, from memory unless <paramref name="fresh"/> or expired; null when no team has that public id.</summary>
    public async Task<WebhookEndpoint?> FindAsync(string publicId, bool fresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!fresh && _entries.TryGetValue(publicId, out var entry) && now - entry.At < MaxAge)
        {
            return entry.Endpoint;
        }

        var endpoint = await endpoints.FindForDeliveryAsync(publicId, cancellationToken);
        if (endpoint is null)
        {
            _entries.TryRemove(publicId, out _);
            return null;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[publicId] = (endpoint, now);
        return endpoint;
    }

    public void Forget(string publicId) => _entries.TryRemove(publicId, out _);
}
