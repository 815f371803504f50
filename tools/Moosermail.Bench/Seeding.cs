using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Moosermail.Core.Data;
using Moosermail.Core.Security;

namespace Moosermail.Bench;

/// <summary>
/// Sets up what the load runs need, through the product's API where one exists: a user with a sandbox sender, a
/// webhook signing secret, an mk_ key; and <c>emails</c> rows with Resend ids (inserted directly: sending thousands
/// through the sandbox would only measure the sandbox). Writes shell assignments for scripts/bench.
/// </summary>
internal static class Seeding
{
    public const string Password = "benchmark password 1234";

    public static async Task RunAsync(Uri appUrl, Uri sandboxUrl, string database, int emails, string outDir)
    {
        using var app = new HttpClient { BaseAddress = new Uri(appUrl, "api/"), Timeout = TimeSpan.FromMinutes(2) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await app.PostAsJsonAsync("auth/signup", new { email, password = Password })).EnsureSuccessStatusCode();
        var login = await app.PostAsJsonAsync("auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        using (var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync()))
        {
            app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("token").GetString());
        }

        (await app.PostAsJsonAsync("keys", new { api_key = "re_bench_" + Guid.NewGuid().ToString("N"), from_address = "Bench <bench@example.com>" })).EnsureSuccessStatusCode();
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        (await app.PutAsJsonAsync("webhooks/resend", new { signing_secret = secret })).EnsureSuccessStatusCode();
        var settings = await app.GetFromJsonAsync<JsonElement>("webhooks/resend");
        var publicId = settings.GetProperty("url").GetString()!.Split('/')[^1];
        var created = await app.PostAsJsonAsync("api-keys", new { name = "bench", expires_in = "30d" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        await using var dataSource = Database.CreateDataSource(database);
        await using var connection = await dataSource.OpenConnectionAsync();
        var (teamId, endpointId, senderId) = await connection.QuerySingleAsync<(Guid, Guid, Guid)>(
            """
            SELECT w.team_id, w.id, s.id
            FROM webhook_endpoints w
            JOIN senders s ON s.team_id = w.team_id
            WHERE w.public_id = @PublicId
            """,
            new { PublicId = publicId });
        var resendIds = Enumerable.Range(0, emails).Select(_ => "re_" + Guid.NewGuid().ToString("N")).ToArray();
        await connection.ExecuteAsync(
            """
            INSERT INTO emails (id, team_id, sender_id, from_address, to_addresses, subject, status, payload, tags, resend_id, sent_at, created_at, updated_at)
            SELECT gen_random_uuid(), @TeamId, @SenderId, 'Bench <bench@example.com>', ARRAY['r' || n || '@example.com'], 'bench ' || n, 'sent',
                   '{}'::jsonb, ARRAY[]::text[], id, now(), now() - make_interval(secs => n), now()
            FROM unnest(@ResendIds) WITH ORDINALITY AS r(id, n)
            """,
            new { TeamId = teamId, SenderId = senderId, ResendIds = resendIds });

        Directory.CreateDirectory(outDir);
        await File.WriteAllLinesAsync(Path.Combine(outDir, "resend-ids"), resendIds);
        await File.WriteAllTextAsync(Path.Combine(outDir, "seed.env"), string.Create(CultureInfo.InvariantCulture, $"""
            bench_email='{email}'
            bench_key='{key}'
            bench_secret='{secret}'
            bench_public_id='{publicId}'
            bench_team_id='{teamId}'
            bench_endpoint_id='{endpointId}'

            """));
    }

    /// <summary>
    /// Writes <paramref name="count"/> signed email events (unique svix ids with <paramref name="prefix"/>, cycling
    /// over the seeded emails and the delivered/opened/clicked types) as tab-separated lines for bench/webhook.lua.
    /// Signed with the current time: use them within Svix's 5 minutes.
    /// </summary>
    public static async Task SignAsync(string secret, string resendIdsFile, string prefix, int count, string outFile)
    {
        var resendIds = await File.ReadAllLinesAsync(resendIdsFile);
        string[] types = ["email.delivered", "email.opened", "email.clicked"];
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await using var writer = new StreamWriter(outFile);
        for (var i = 0; i < count; i++)
        {
            var svixId = $"{prefix}_{i}";
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["created_at"] = now,
                ["data"] = new Dictionary<string, object>
                {
                    ["email_id"] = resendIds[i % resendIds.Length],
                    ["from"] = "Bench <bench@example.com>",
                    ["to"] = new[] { $"r{i % resendIds.Length}@example.com" },
                    ["subject"] = "bench",
                    ["created_at"] = now,
                },
                ["type"] = types[(i / resendIds.Length) % types.Length],
            });
            var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{svixId}.{timestamp}.{body}")));
            await writer.WriteLineAsync($"{svixId}\t{timestamp}\tv1,{signature}\t{body}");
        }
    }
}
