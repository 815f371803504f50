using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>The stored answer to replay for a repeated Idempotency-Key.</summary>
public sealed record StoredResponse(int Status, string Json);

/// <summary>
/// Idempotency-Key for sends, per team and route, kept 24 h: the same key and body get the first answer
/// again; the same key with another body, or while the first request is still running, gets a 409.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Longer than any request lives; an answer still missing after this was never going to come.</summary>
    public static readonly TimeSpan Interrupted = TimeSpan.FromMinutes(5);
    public const int MaxKeyLength = 256;

    public static byte[] Hash(string canonicalRequest) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalRequest));

    /// <summary>
    /// Reserves the key inside the caller's transaction (a concurrent duplicate waits on it, then sees it
    /// in flight). Returns null when reserved, or the response to give instead.
    /// </summary>
    public static async Task<StoredResponse?> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, string scope, string key, byte[] requestHash, IReadOnlyList<Guid> emailIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reserved = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO idempotency_keys (team_id, scope, key, request_hash, email_ids, created_at)
            VALUES (@TeamId, @Scope, @Key, @Hash, @EmailIds, @Now)
            ON CONFLICT (team_id, scope, key) DO UPDATE
            SET request_hash = @Hash, response_code = NULL, response_body = NULL, email_ids = @EmailIds, created_at = @Now
            WHERE idempotency_keys.created_at < @Expired
            """,
            new { TeamId = teamId, Scope = scope, Key = key, Hash = requestHash, EmailIds = emailIds.ToArray(), Now = now, Expired = now - Retention }, transaction, cancellationToken: cancellationToken));
        if (reserved == 1)
        {
            return null;
        }

        var existing = await connection.QuerySingleAsync<(byte[] Hash, int? Code, string? Body, Guid[] EmailIds, DateTime CreatedAt)>(new CommandDefinition(
            """
            SELECT request_hash, response_code, response_body, email_ids, created_at
            FROM idempotency_keys
            WHERE team_id = @TeamId
              AND scope = @Scope
              AND key = @Key
            """,
            new { TeamId = teamId, Scope = scope, Key = key }, transaction, cancellationToken: cancellationToken));
        if (!CryptographicOperations.FixedTimeEquals(existing.Hash, requestHash))
        {
            return Conflict("This Idempotency-Key was already used with a different request body. Use a new key for a new request.");
        }

        if (existing.Code is { } code)
        {
            return new StoredResponse(code, existing.Body!);
        }

        return new DateTimeOffset(existing.CreatedAt, TimeSpan.Zero) < now - Interrupted
            ? new StoredResponse(409, System.Text.Json.JsonSerializer.Serialize(new
            {
                type = "https://httpstatuses.io/409",
                title = "Conflict",
                status = 409,
                detail = "The request with this Idempotency-Key was interrupted after its emails were accepted; they are in the outbox and will be sent once. Follow them with GET /api/emails/{id}.",
                email_ids = existing.EmailIds,
            }))
            : Conflict("A request with this Idempotency-Key is still being processed. Retry shortly to get its result.");
    }

    public async Task CompleteAsync(Guid teamId, string scope, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE idempotency_keys
            SET response_code = @Status, response_body = @Json
            WHERE team_id = @TeamId
              AND scope = @Scope
              AND key = @Key
            """,
            new { TeamId = teamId, Scope = scope, Key = key, response.Status, response.Json }, cancellationToken: cancellationToken));
    }

    private static StoredResponse Conflict(string detail) =>
        new(409, System.Text.Json.JsonSerializer.Serialize(new { type = "https://httpstatuses.io/409", title = "Conflict", status = 409, detail }));
}
