using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Data;
using Moosermail.Core.Emails;
using Moosermail.Core.Security;
using Moosermail.Core.Webhooks;
using Npgsql;

namespace Moosermail.Bench;

/// <summary>
/// The bare floors the product is measured against (issue 15): minimal Kestrel endpoints on the same Postgres that
/// do only the statements each job needs, so a ratio means "how close to the least this job can cost here".
/// <list type="bullet">
/// <item>POST /floor/webhook: read the body, verify the Svix signature (the product's verifier, the secret known in
/// memory), one INSERT ... ON CONFLICT DO NOTHING into webhook_events;</item>
/// <item>GET /floor/emails: the mk_ key looked up by its hash, then the same SELECT as GET /api/emails?limit=50,
/// written as JSON;</item>
/// <item>POST /floor/login: read the JSON body, one bcrypt-12 verification of its password with the product's
/// hasher: driven by wrk exactly like POST /api/auth/login, so both lose the same requests still in flight when
/// the window closes.</item>
/// </list>
/// </summary>
internal static class Floors
{
    public static async Task RunAsync(string database, string urls, string secret, Guid endpointId, Guid teamId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        await using var dataSource = Database.CreateDataSource(database);
        var verifier = new WebhookSignatureVerifier(TimeProvider.System);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var app = builder.Build();

        app.MapGet("/health", () => Results.Ok());

        var passwordHash = PasswordHasher.Hash(Seeding.Password);
        app.MapPost("/floor/login", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var password = body.RootElement.GetProperty("password").GetString() ?? string.Empty;
            return PasswordHasher.Verify(password, passwordHash) ? Results.Ok() : Results.Unauthorized();
        });

        app.MapPost("/floor/webhook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var headers = request.Headers;
            if (verifier.Verify(secret, body, headers["svix-id"], headers["svix-timestamp"], headers["svix-signature"]) != WebhookVerificationResult.Valid)
            {
                return Results.Unauthorized();
            }

            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, resend_email_id, occurred_at, payload, received_at)
                VALUES (@TeamId, @EndpointId, @SvixId, CAST(@Payload AS jsonb) ->> 'type', TRUE, NULL, NULL, CAST(@Payload AS jsonb), now())
                ON CONFLICT (endpoint_id, svix_id) DO NOTHING
                """,
                new { TeamId = teamId, EndpointId = endpointId, SvixId = headers["svix-id"].ToString(), Payload = System.Text.Encoding.UTF8.GetString(body) });
            return Results.Ok();
        });

        app.MapGet("/floor/emails", async (HttpRequest request) =>
        {
            var bearer = request.Headers.Authorization.ToString();
            var key = bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer[7..] : string.Empty;
            await using var connection = await dataSource.OpenConnectionAsync();
            var team = await connection.ExecuteScalarAsync<Guid?>(
                "SELECT team_id FROM api_keys WHERE key_hash = @KeyHash",
                new { KeyHash = ApiKeyFormat.Hash(key) });
            if (team is null)
            {
                return Results.Unauthorized();
            }

            var rows = await connection.QueryAsync<EmailSummary>(
                """
                SELECT e.id, e.from_address AS from, e.to_addresses AS to, e.subject, e.status, e.resend_id, e.tags, e.scheduled_at,
                       e.attempts, e.last_error, e.opened_count, e.clicked_count, e.created_at, e.sent_at
                FROM emails e
                WHERE e.team_id = @TeamId
                  AND (@Status::text IS NULL OR e.status = @Status)
                  AND (@To::text IS NULL OR EXISTS (SELECT 1 FROM unnest(e.to_addresses) t WHERE lower(t) = lower(@To) OR position('<' || lower(@To) || '>' IN lower(t)) > 0))
                  AND (@From::text IS NULL OR lower(e.from_address) = lower(@From) OR position('<' || lower(@From) || '>' IN lower(e.from_address)) > 0)
                  AND (@Since::timestamptz IS NULL OR e.created_at >= @Since)
                  AND (@Until::timestamptz IS NULL OR e.created_at < @Until)
                  AND (@Tag::text IS NULL OR EXISTS (SELECT 1 FROM unnest(e.tags) g WHERE g = @Tag OR split_part(g, ':', 1) = @Tag))
                  AND (@AfterAt::timestamptz IS NULL OR (e.created_at, e.id) < (@AfterAt, @AfterId))
                ORDER BY e.created_at DESC, e.id DESC
                LIMIT @Limit
                """,
                new { TeamId = team, Status = (string?)null, To = (string?)null, From = (string?)null, Since = (DateTimeOffset?)null, Until = (DateTimeOffset?)null, Tag = (string?)null, AfterAt = (DateTimeOffset?)null, AfterId = (Guid?)null, Limit = 50 });
            return Results.Json(new { data = rows }, json);
        });

        await app.RunAsync();
    }
}
