using Moosermail.Core.Webhooks;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// The webhook fold moves an email's status in SQL (email_status_rank, migration 0120) so concurrent folds see the
/// locked row; the rule must be exactly <see cref="EmailStatusRules.Next"/> for every pair of statuses.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class EmailStatusRankTests(AppFixture app)
{
    private static readonly string[] s_statuses =
    [
        "queued", "scheduled", "sending", "sent", "delivery_delayed", "delivered", "opened", "clicked",
        "bounced", "complained", "failed", "suppressed", "canceled", "unknown",
    ];

    [Fact]
    public async Task SqlRule_IsTheCSharpRule_ForEveryPair()
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.OpenAsync();
        foreach (var current in s_statuses)
        {
            foreach (var incoming in s_statuses.Append(null))
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT CASE
                        WHEN email_status_rank(@Current) < 100 AND CAST(@Incoming AS text) IS NOT NULL
                             AND email_status_rank(@Incoming) > email_status_rank(@Current)
                        THEN @Incoming
                        ELSE @Current
                    END
                    """, connection);
                command.Parameters.AddWithValue("Current", current);
                command.Parameters.Add(new NpgsqlParameter<string?>("Incoming", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = incoming });
                var sql = (string?)await command.ExecuteScalarAsync();
                Assert.True(EmailStatusRules.Next(current, incoming) == sql, $"{current} + {incoming ?? "null"}: C# {EmailStatusRules.Next(current, incoming)}, SQL {sql}");
            }
        }
    }
}
