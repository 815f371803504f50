using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moosermail.Core.Secrets;

/// <summary>How many secrets were re-encrypted, by the key id they were under, and how many already used the current key.</summary>
public sealed record RewrapReport(IReadOnlyDictionary<string, int> Rewrapped, int AlreadyCurrent, int Failed);

/// <summary>
/// Re-encrypts every stored secret under the current key, so an old key can be retired. Each row is
/// swapped only if it still holds the ciphertext that was read (compare-and-set), so it is safe to run
/// while the app writes, to interrupt, and to run again.
/// </summary>
public sealed class SecretRewrapper(NpgsqlDataSource dataSource, SecretCipher cipher, EncryptionKeyring keyring, ILogger<SecretRewrapper> logger)
{
    /// <summary>Every encrypted column: how to read its rows and how to swap one ciphertext.</summary>
    private static readonly SecretColumn[] s_columns =
    [
        new(
            SecretContext.ResendApiKey,
            """
            SELECT id, team_id, encrypted_api_key AS envelope
            FROM senders
            """,
            """
            UPDATE senders
            SET encrypted_api_key = @New
            WHERE id = @Id
              AND encrypted_api_key = @Old
            """),
        new(
            SecretContext.WebhookSigningSecret,
            """
            SELECT id, team_id, encrypted_signing_secret AS envelope
            FROM webhook_endpoints
            WHERE encrypted_signing_secret IS NOT NULL
            """,
            """
            UPDATE webhook_endpoints
            SET encrypted_signing_secret = @New
            WHERE id = @Id
              AND encrypted_signing_secret = @Old
            """),
        new(
            SecretContext.OutboundWebhookSecret,
            """
            SELECT id, team_id, encrypted_secret AS envelope
            FROM outbound_webhook_endpoints
            """,
            """
            UPDATE outbound_webhook_endpoints
            SET encrypted_secret = @New
            WHERE id = @Id
              AND encrypted_secret = @Old
            """),
        new(
            SecretContext.OutboundWebhookSecret,
            """
            SELECT id, team_id, encrypted_previous_secret AS envelope
            FROM outbound_webhook_endpoints
            WHERE encrypted_previous_secret IS NOT NULL
            """,
            """
            UPDATE outbound_webhook_endpoints
            SET encrypted_previous_secret = @New
            WHERE id = @Id
              AND encrypted_previous_secret = @Old
            """),
    ];

    public async Task<RewrapReport> RunAsync(CancellationToken cancellationToken)
    {
        var rewrapped = new Dictionary<string, int>(StringComparer.Ordinal);
        int current = 0, failed = 0;
        await using var reader = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writer = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var column in s_columns)
        {
            var rows = await reader.QueryAsync<SecretRow>(new CommandDefinition(column.SelectSql, cancellationToken: cancellationToken, flags: CommandFlags.None));
            foreach (var row in rows)
            {
                var keyId = SecretCipher.KeyIdOf(row.Envelope);
                if (keyId == keyring.CurrentKeyId)
                {
                    current++;
                    continue;
                }

                var context = new SecretContext(column.Purpose, row.TeamId, row.Id);
                try
                {
                    var fresh = cipher.Encrypt(cipher.Decrypt(row.Envelope, context), context);
                    await writer.ExecuteAsync(new CommandDefinition(column.UpdateSql, new { row.Id, New = fresh, Old = row.Envelope }, cancellationToken: cancellationToken));
                    rewrapped[keyId ?? "unknown"] = rewrapped.GetValueOrDefault(keyId ?? "unknown") + 1;
                }
                catch (SecretDecryptionException)
                {
                    failed++;
                    logger.LogError("Secret {Purpose} of row {RowId} could not be decrypted with any configured key", column.Purpose, row.Id);
                }
            }
        }

        return new RewrapReport(rewrapped, current, failed);
    }

    private sealed record SecretColumn(string Purpose, string SelectSql, string UpdateSql);

    private sealed record SecretRow(Guid Id, Guid TeamId, string Envelope);
}
