using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;
using Npgsql;
using Xunit.Abstractions;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// Sends hostile bodies — malformed JSON, wrong types, nulls, 1 MB strings, deep nesting, odd Unicode,
/// CR/LF — to every route that takes a body. The routes come from functions.metadata, so a new route is
/// fuzzed without anyone remembering to add it. Deterministic (fixed seed) and bounded (a fixed number of
/// bodies per route). Asserts: no 5xx, and a refused request changes nothing the team owns.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class FuzzTests(AppFixture app, ITestOutputHelper output)
{
    private const int Seed = 1313;
    private const int RandomBodiesPerRoute = 8;

    private static readonly string[] s_fields =
    [
        "email", "password", "to", "cc", "bcc", "reply_to", "from", "sender_id", "subject", "body", "text", "html", "attachments",
        "headers", "tags", "scheduled_at", "template_id", "variables", "name", "body_html", "body_text", "properties", "unsubscribed",
        "default_to", "enabled", "rate_limit_per_minute", "api_key", "from_address", "is_default", "expires_in", "permissions",
        "signing_secret", "current_password", "new_password", "to_tag", "emails", "jsonrpc", "method", "params", "id", "type", "data",
    ];

    /// <summary>Odd text: controls, bidi overrides, zero-width, lone and paired surrogates (as JSON escapes), non-characters, CR/LF.</summary>
    private static readonly string[] s_oddText =
    [
        "\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "x\\ud800y", "\\ud83d\\ude00", "\\u202e", "\\u200b", "\\ufeff", "\\uffff", "\\r\\n",
        "Hi\\r\\nBcc: victim@example.com", "\\u0007", "e\\u0301", "%00", "'; DROP TABLE users; --", "{{name}}", "{{#each x}}", "<script>",
        "a@b", "x@example.com", "\\u0000@example.com", "a\\u202e@example.com", "re_\\u0000", "whsec_\\u0000", "mk_", "1e309", "-0",
        "2026-13-45T99:99:99Z", "00000000-0000-0000-0000-000000000000", "",
    ];

    [Fact]
    public async Task EveryRouteThatTakesABody_SurvivesHostileBodies_WithoutA5xx_AndRefusalsStoreNothing()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app, TestUsers.NewEmail("fuzz"));
        var (senderId, _) = await TestSenders.AddAsync(client, user);
        var template = await TestContent.CreateTemplateAsync(client, user);
        var trigger = await TestContent.CreateTriggerAsync(client, user, template.GetProperty("id").GetGuid());
        var (_, contact) = await TestContent.SendAsync(client, user, HttpMethod.Post, "api/contacts", new { email = "fuzz-contact@example.com" });
        var (_, webhook) = await TestContent.SendAsync(client, user, HttpMethod.Get, "api/webhooks/resend");
        var (_, mk, _) = await TestApiKeys.CreateAsync(client, user);
        var values = new Dictionary<string, string>
        {
            ["templates"] = template.GetProperty("id").GetString()!,
            ["triggers"] = trigger.GetProperty("id").GetString()!,
            ["trigger"] = trigger.GetProperty("trigger_key").GetString()!,
            ["contacts"] = contact.GetProperty("contact").GetProperty("id").GetString()!,
            ["keys"] = senderId.ToString(),
            ["resend"] = webhook.GetProperty("url").GetString()!.Split('/')[^1],
        };

        var routes = app.App.Services.GetRequiredService<FunctionCatalog>().Http
            .Where(f => f.Name != "NotFound")
            .SelectMany(f => f.Methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE").Select(m => (Function: f.Name, Method: m, Path: Concrete(f.Route, values))))
            .OrderBy(r => r.Method == "DELETE") // deletions last, so they do not turn the other routes into 404s
            .ThenBy(r => r.Path, StringComparer.Ordinal)
            .ToList();
        var random = new Random(Seed);
        var failures = new List<string>();
        var sent = 0;
        var started = DateTime.UtcNow;

        var state = await StateAsync(user);
        var perRoute = new List<(string Route, double Seconds)>();
        foreach (var route in routes)
        {
            var routeStarted = DateTime.UtcNow;
            foreach (var (body, mediaType) in Bodies(random))
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", mk);
                if (route.Function == "FireTriggerByHeader")
                {
                    request.Headers.Add("X-Trigger-Key", values["trigger"]);
                }

                var response = await client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    failures.Add($"{route.Method} {route.Path} answered {status} to {Excerpt(body)} ({mediaType}): {Excerpt(await response.Content.ReadAsByteArrayAsync())}");
                }
                else if (status >= 400 && await StateAsync(user) != state)
                {
                    failures.Add($"{route.Method} {route.Path} answered {status} to {Excerpt(body)} but changed stored data");
                    state = await StateAsync(user);
                }
                else if (status < 400)
                {
                    state = await StateAsync(user); // an accepted request may change data; the next refusal is compared with this
                }
            }

            perRoute.Add(($"{route.Method} {route.Path}", (DateTime.UtcNow - routeStarted).TotalSeconds));
        }

        foreach (var (name, seconds) in perRoute.OrderByDescending(r => r.Seconds).Take(3))
        {
            output.WriteLine($"slowest: {name} {seconds:0.0} s");
        }

        output.WriteLine($"{sent} hostile requests to {routes.Count} routes in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes with a body found in functions.metadata");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    /// <summary>The fixed hostile bodies, then <see cref="RandomBodiesPerRoute"/> generated from the seed.</summary>
    private static IEnumerable<(byte[] Body, string MediaType)> Bodies(Random random)
    {
        string[] fixedBodies =
        [
            "", "{", "}", "[]", "null", "true", "1", "\"text\"", "{\"a\":", "{}", "{\"a\":1,}", "{'a':1}", "{\"a\":1}{\"b\":2}",
            new string('[', 10_000) + new string(']', 10_000),
            string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_000),
            "{\"subject\":\"" + new string('x', 1_000_000) + "\"}",
            "{\"to\":\"" + new string('a', 2_000_000) + "\"}",
            "{\"to\":null,\"subject\":null,\"body\":null,\"email\":null,\"password\":null,\"name\":null,\"variables\":null}",
            "{\"to\":[null,1,true,{}],\"variables\":{\"a\":{\"b\":[1,{\"c\":null}]}},\"tags\":[{\"name\":1}],\"headers\":{\"X\":null}}",
            "{\"to\":\"a@example.com\",\"subject\":\"Hi\\r\\nBcc: v@example.com\",\"body\":\"x\",\"headers\":{\"Bcc\":\"v@example.com\"}}",
            "{\"email\":\"a\\u0000@example.com\",\"password\":\"\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\"}",
            "{\"\\u0000\":1,\"\\ud800\":2}",
        ];
        foreach (var body in fixedBodies)
        {
            yield return (Encoding.UTF8.GetBytes(body), "application/json");
        }

        yield return ([0xFF, 0xFE, 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], "application/json"); // invalid UTF-8
        yield return ("\uFEFF{\"name\":\"bom\"}"u8.ToArray(), "application/json");
        yield return ("{\"email\":\"a@example.com\"}"u8.ToArray(), "text/plain");
        yield return ("email,name\n\0,x\n"u8.ToArray(), "text/csv");

        for (var i = 0; i < RandomBodiesPerRoute; i++)
        {
            var json = new StringBuilder("{");
            var count = random.Next(1, 6);
            for (var f = 0; f < count; f++)
            {
                json.Append(f == 0 ? string.Empty : ",").Append('"').Append(s_fields[random.Next(s_fields.Length)]).Append("\":").Append(Value(random, depth: 0));
            }

            yield return (Encoding.UTF8.GetBytes(json.Append('}').ToString()), "application/json");
        }
    }

    private static string Value(Random random, int depth) => random.Next(depth > 2 ? 8 : 11) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => new[] { "0", "-1", "2147483648", "9223372036854775808", "1e309", "0.5", "-0" }[random.Next(7)],
        3 or 4 or 5 => $"\"{s_oddText[random.Next(s_oddText.Length)]}\"",
        6 => $"\"{new string('x', random.Next(1, 20_000))}\"",
        7 => $"\"{s_oddText[random.Next(s_oddText.Length)]}{s_oddText[random.Next(s_oddText.Length)]}\"",
        8 => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1))) + "]",
        9 => "{" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"\"{s_fields[random.Next(s_fields.Length)]}\":{Value(random, depth + 1)}")) + "}",
        _ => "{\"name\":" + Value(random, depth + 1) + ",\"value\":" + Value(random, depth + 1) + "}",
    };

    /// <summary>What the team owns (and the users this test could have signed up), as one comparable string.</summary>
    private async Task<string> StateAsync(TestUser user)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM templates t WHERE t.team_id = @TeamId),
                (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM triggers t WHERE t.team_id = @TeamId),
                (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY c.id), '')) FROM contacts c WHERE c.team_id = @TeamId),
                (SELECT count(*) FROM senders s WHERE s.team_id = @TeamId),
                (SELECT count(*) FROM emails e WHERE e.team_id = @TeamId),
                (SELECT count(*) FROM api_keys k WHERE k.team_id = @TeamId),
                (SELECT count(*) FROM webhook_events w WHERE w.team_id = @TeamId),
                (SELECT count(*) FROM suppressions s WHERE s.team_id = @TeamId),
                (SELECT count(*) FROM idempotency_keys i WHERE i.team_id = @TeamId),
                (SELECT count(*) FROM users u WHERE u.email NOT LIKE '%@example.com' AND u.email NOT LIKE '%@xn--%'))
            """,
            new { user.TeamId }) ?? string.Empty;
    }

    private static string Concrete(string route, Dictionary<string, string> values) =>
        "api/" + RouteParameter().Replace(route, match =>
        {
            var segments = route[..match.Index].TrimEnd('/').Split('/');
            return values.GetValueOrDefault(segments[^1]) ?? Guid.NewGuid().ToString();
        });

    private static string Excerpt(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 160));
        return JsonSerializer.Serialize(bytes.Length > 160 ? text + $"... ({bytes.Length} bytes)" : text);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
