using Dapper;
using Npgsql;

namespace Moosermail.Core.Audit;

/// <summary>
/// Reads a team's audit events (scoped by team id in SQL) and removes events past retention. Nothing here
/// updates an event; the only delete is the retention sweep, which is not reachable from any route.
/// </summary>
public sealed class AuditRepository(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<(long Seq, AuditEventView Event)>> ListForTeamAsync(Guid teamId, AuditFilter filter, long? after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            SELECT a.seq, a.id, a.action, a.actor_user_id, u.email AS actor_email, a.actor_api_key_id, a.subject_user_id,
                   a.target_type, a.target_id, a.client_address, a.details::text AS details, a.created_at
            FROM audit_events a
            LEFT JOIN users u ON u.id = a.actor_user_id
            WHERE a.team_id = @TeamId
              AND (@Action::text IS NULL OR a.action = @Action)
              AND (@Actor::uuid IS NULL OR a.actor_user_id = @Actor)
              AND (@After::bigint IS NULL OR a.seq < @After)
            ORDER BY a.seq DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, filter.Action, filter.Actor, After = after, filter.Limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => (r.Seq, r.ToView())).ToList();
    }

    /// <summary>Removes events older than <paramref name="cutoff"/>, across all teams (the retention timer's job).</summary>
    public static Task<int> DeleteOlderThanAsync(NpgsqlConnection connection, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM audit_events
            WHERE created_at < @Cutoff
            """,
            new { Cutoff = cutoff }, cancellationToken: cancellationToken));

    private sealed record AuditRow
    {
        public long Seq { get; init; }

        public Guid Id { get; init; }

        public string Action { get; init; } = string.Empty;

        public Guid? ActorUserId { get; init; }

        public string? ActorEmail { get; init; }

        public Guid? ActorApiKeyId { get; init; }

        public Guid? SubjectUserId { get; init; }

        public string? TargetType { get; init; }

        public string? TargetId { get; init; }

        public string? ClientAddress { get; init; }

        public string Details { get; init; } = "{}";

        public DateTimeOffset CreatedAt { get; init; }

        public AuditEventView ToView()
        {
            using var details = System.Text.Json.JsonDocument.Parse(Details);
            return new AuditEventView
            {
                Id = Id,
                Action = Action,
                ActorUserId = ActorUserId,
                ActorEmail = ActorEmail,
                ActorApiKeyId = ActorApiKeyId,
                SubjectUserId = SubjectUserId,
                TargetType = TargetType,
                TargetId = TargetId,
                ClientAddress = ClientAddress,
                Details = details.RootElement.Clone(),
                CreatedAt = CreatedAt,
            };
        }
    }
}
