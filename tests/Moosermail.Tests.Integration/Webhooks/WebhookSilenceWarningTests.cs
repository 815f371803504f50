using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// GET /api/webhooks/resend warns when emails stay 'sent' with no event arriving (a forgotten or lost webhook
/// registration), and only about the caller's own team.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WebhookSilenceWarningTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task Get_SentEmailWithNoEventFor20Minutes_WarnsNoEventArrived()
    {
        var user = await TestUsers.CreateAsync(app);
        await InsertSentEmailAsync(user.TeamId, app.Time.GetUtcNow().AddMinutes(-20));

        var settings = await _kit.SettingsAsync(user);

        Assert.Contains("no event has arrived", settings.GetProperty("warning").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SentEmailJustNow_NoSilenceWarning()
    {
        var user = await TestUsers.CreateAsync(app);
        await InsertSentEmailAsync(user.TeamId, app.Time.GetUtcNow().AddMinutes(-1));

        var settings = await _kit.SettingsAsync(user);

        Assert.DoesNotContain("no event has arrived", Warning(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherTeam_SilentEmails_DoNotWarnThisTeam()
    {
        var owner = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        await InsertSentEmailAsync(owner.TeamId, app.Time.GetUtcNow().AddMinutes(-30));

        var settings = await _kit.SettingsAsync(other);

        Assert.DoesNotContain("no event has arrived", Warning(settings), StringComparison.Ordinal);
    }

    private static string Warning(JsonElement settings) =>
        settings.TryGetProperty("warning", out var warning) && warning.ValueKind == JsonValueKind.String ? warning.GetString()! : string.Empty;

    private async Task InsertSentEmailAsync(Guid teamId, DateTimeOffset sentAt)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO emails (id, team_id, from_address, to_addresses, subject, status, payload, created_at, updated_at, sent_at)
            VALUES (@Id, @TeamId, 'a@example.com', ARRAY['delivered@resend.dev'], 's', 'sent', '{}', @SentAt, @SentAt, @SentAt)
            """,
            connection);
        insert.Parameters.AddWithValue("Id", Guid.NewGuid());
        insert.Parameters.AddWithValue("TeamId", teamId);
        insert.Parameters.AddWithValue("SentAt", sentAt);
        await insert.ExecuteNonQueryAsync();
    }
}
