using Dapper;
using Npgsql;

namespace Moosermail.Core.Stats;

/// <summary>
/// Delivery counts of a team's emails created in a window, as a funnel: sent = reached Resend; delivered includes
/// emails since opened, clicked or complained about; opened and clicked count emails with at least one.
/// </summary>
public sealed record DeliveryStats
{
    public long Sent { get; init; }

    public long Delivered { get; init; }

    public long Opened { get; init; }

    public long Clicked { get; init; }

    public long Bounced { get; init; }

    public long Complained { get; init; }

    public long Failed { get; init; }
}

public sealed class StatsRepository(NpgsqlDataSource dataSource)
{
    public async Task<DeliveryStats> ForTeamAsync(Guid teamId, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<DeliveryStats>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE resend_id IS NOT NULL) AS sent,
                   count(*) FILTER (WHERE status IN ('delivered', 'opened', 'clicked', 'complained')) AS delivered,
                   count(*) FILTER (WHERE opened_count > 0 OR status IN ('opened', 'clicked')) AS opened,
                   count(*) FILTER (WHERE clicked_count > 0 OR status = 'clicked') AS clicked,
                   count(*) FILTER (WHERE status = 'bounced') AS bounced,
                   count(*) FILTER (WHERE status = 'complained') AS complained,
                   count(*) FILTER (WHERE status = 'failed') AS failed
            FROM emails
            WHERE team_id = @TeamId
              AND (@Since::timestamptz IS NULL OR created_at >= @Since)
              AND (@Until::timestamptz IS NULL OR created_at < @Until)
            """,
            new { TeamId = teamId, Since = since, Until = until }, cancellationToken: cancellationToken));
    }
}
