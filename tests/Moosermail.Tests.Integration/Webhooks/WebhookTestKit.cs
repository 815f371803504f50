using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Moosermail.ResendSandbox;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>Drives a team's webhook endpoint over HTTP: settings, signed and unsigned events, and the rows they leave.</summary>
public sealed class WebhookTestKit(HttpClient client, string databaseUrl)
{
    public HttpClient Client => client;

    public async Task<JsonElement> SettingsAsync(TestUser user) => await JsonAsync(user, HttpMethod.Get, "api/webhooks/resend");

    public async Task<string> EndpointIdAsync(TestUser user) => EndpointIdOf(await SettingsAsync(user));

    public static string EndpointIdOf(JsonElement settings) => settings.GetProperty("url").GetString()!.Split('/')[^1];

    /// <summary>Sets a fresh (or the given) signing secret and returns it.</summary>
    public async Task<string> SetSecretAsync(TestUser user, string? secret = null)
    {
        secret ??= SvixSigner.NewSecret();
        var response = await client.SendAsync(user.Request(HttpMethod.Put, "api/webhooks/resend", new { signing_secret = secret }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return secret;
    }

    public async Task<JsonElement> JsonAsync(TestUser user, HttpMethod method, string path, object? body = null)
    {
        var response = await client.SendAsync(user.Request(method, path, body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static byte[] EmailEvent(string type, string resendId, string to = "someone@example.com", string? bounceType = null, DateTimeOffset? createdAt = null)
    {
        var data = new Dictionary<string, object?>
        {
            ["email_id"] = resendId,
            ["from"] = "Team <hello@example.com>",
            ["to"] = new[] { to },
            ["subject"] = "Hello",
            ["created_at"] = (createdAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture),
        };
        if (bounceType is not null)
        {
            data["bounce"] = new { type = bounceType, subType = "General", message = "Mailbox does not exist" };
        }

        // Resend puts type last; the parser must not care.
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["created_at"] = (createdAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture),
            ["data"] = data,
            ["type"] = type,
        });
    }

    public static HttpRequestMessage Post(string endpointId, byte[] body, string? svixId, string? timestamp, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/resend/{endpointId}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Add(request, "svix-id", svixId);
        Add(request, "svix-timestamp", timestamp);
        Add(request, "svix-signature", signature);
        return request;
    }

    /// <summary>A request signed the way Resend's Svix signs, at <paramref name="now"/>.</summary>
    public static HttpRequestMessage SignedPost(string endpointId, string secret, byte[] body, DateTimeOffset now, string? svixId = null)
    {
        svixId ??= SvixSigner.NewMessageId();
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Post(endpointId, body, svixId, timestamp, SvixSigner.Sign(secret, svixId, timestamp, body));
    }

    public async Task<long> StoredEventsAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM webhook_events WHERE team_id = @t", connection);
        command.Parameters.AddWithValue("t", teamId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs SQL against the test database, for states the API cannot produce on demand (a race).</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sends through Moosermail and returns (email id, Resend id).</summary>
    public async Task<(Guid Id, string ResendId)> SendAsync(TestUser user, object body)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/send", body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var root = JsonDocument.Parse(text).RootElement;
        return (root.GetProperty("id").GetGuid(), root.GetProperty("resend_id").GetString()!);
    }

    public async Task<JsonElement> EmailAsync(TestUser user, Guid id) => await JsonAsync(user, HttpMethod.Get, $"api/emails/{id}");

    public async Task<string> StatusAsync(TestUser user, Guid id) => (await EmailAsync(user, id)).GetProperty("email").GetProperty("status").GetString()!;

    private static void Add(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}

/// <summary>A clock a test can move both ways (FakeTimeProvider refuses to go back, and the vectors are from 2021).</summary>
public sealed class SettableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
