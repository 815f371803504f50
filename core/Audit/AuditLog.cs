using System.Text.Json;
using Dapper;
using Moosermail.Core.Security;
using Npgsql;

namespace Moosermail.Core.Audit;

/// <summary>One security-relevant action. <see cref="Details"/> is serialised as JSON and must never hold a secret.</summary>
public sealed record AuditEntry(
    string Action,
    Guid? TeamId = null,
    Guid? ActorUserId = null,
    Guid? ActorApiKeyId = null,
    Guid? SubjectUserId = null,
    string? TargetType = null,
    string? TargetId = null,
    string? ClientAddress = null,
    object? Details = null)
{
    /// <summary>An action a caller took in its acting team (the key id is recorded when a key acted).</summary>
    public static AuditEntry By(Caller caller, string action, string? targetType = null, string? targetId = null, object? details = null) =>
        new(
            action,
            TeamId: caller.TeamId,
            ActorUserId: caller.UserId,
            ActorApiKeyId: caller.Credential == CredentialKind.ApiKey ? caller.CredentialId : null,
            TargetType: targetType,
            TargetId: targetId,
            Details: details);
}

/// <summary>
/// Appends to <c>audit_events</c>. Call <see cref="AppendAsync(NpgsqlConnection, NpgsqlTransaction?, AuditEntry, DateTimeOffset, CancellationToken)"/>
/// inside the transaction of the change being recorded, so the record and the change commit or roll back together.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AuditEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO audit_events (id, team_id, actor_user_id, actor_api_key_id, subject_user_id, action, target_type, target_id, client_address, details, created_at)
            VALUES (@Id, @TeamId, @ActorUserId, @ActorApiKeyId, @SubjectUserId, @Action, @TargetType, @TargetId, @ClientAddress, CAST(@Details AS jsonb), @CreatedAt)
            """;
        return connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                Id = Guid.CreateVersion7(now),
                entry.TeamId,
                entry.ActorUserId,
                entry.ActorApiKeyId,
                entry.SubjectUserId,
                entry.Action,
                entry.TargetType,
                entry.TargetId,
                entry.ClientAddress,
                Details = JsonSerializer.Serialize(entry.Details ?? new { }, s_json),
                CreatedAt = now,
            },
            transaction,
            cancellationToken: cancellationToken));
    }
}
