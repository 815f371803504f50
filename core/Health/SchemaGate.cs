using Microsoft.Extensions.Logging;

namespace Moosermail.Core.Health;

/// <summary>
/// Refuses work while the database schema is behind this build (missing, or migrations pending), so code
/// deployed before `migrate` ran (azd deploys code after provisioning) answers "run migrate" instead of
/// failing half-way. Once the schema is current it stays current for this process (migrations only add),
/// so the check costs one query per instance; while it is not, it is repeated at most every few seconds.
/// </summary>
public sealed class SchemaGate(HealthService health, TimeProvider time, ILogger<SchemaGate> logger) : IDisposable
{
    private static readonly TimeSpan s_recheckAfter = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _checking = new(1, 1);
    private volatile bool _current;
    private HealthReport? _blocked;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    /// <summary>Null when work may go on; otherwise what to tell the caller ("schema missing: run migrate").</summary>
    public async Task<string?> RefusalAsync(CancellationToken cancellationToken)
    {
        if (_current)
        {
            return null;
        }

        await _checking.WaitAsync(cancellationToken);
        try
        {
            if (_current || (_blocked is not null && time.GetUtcNow() - _checkedAt < s_recheckAfter))
            {
                return _blocked?.Schema;
            }

            var report = await health.CheckAsync(cancellationToken);
            _checkedAt = time.GetUtcNow();
            // An unreachable database is not the gate's call: the request meets that failure on its own path.
            _current = report.Healthy;
            _blocked = report.DatabaseReachable && !report.Healthy ? report : null;
            if (_blocked is not null)
            {
                logger.LogWarning("Refusing work until the database schema is current: {Schema}", _blocked.Schema);
            }

            return _blocked?.Schema;
        }
        finally
        {
            _checking.Release();
        }
    }

    public void Dispose() => _checking.Dispose();
}
