using System.Net;
using System.Text;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// Every case of svix-vectors.json through POST /api/webhooks/resend/{id}, on an app whose clock is set to the vector's
/// now. Valid vectors pass verification and are then refused as "not a Resend event" (their bodies are Svix test
/// payloads), which is a 400 that only comes after a valid signature; invalid vectors get 401 and store nothing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SvixVectorRouteTests(AppFixture app) : IAsyncLifetime
{
    private readonly SettableTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SecondaryApp _host = null!;

    public static TheoryData<string> Names() => [.. Load().Select(v => v.GetProperty("name").GetString()!)];

    public async Task InitializeAsync() => _host = await SecondaryApp.StartAsync(app, _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Receive_SvixVector_VerifiedExactlyWhenValid(string name)
    {
        var vector = Load().Single(v => v.GetProperty("name").GetString() == name);
        using var client = _host.CreateClient();
        var kit = new WebhookTestKit(client, app.DatabaseUrl);
        var user = await _host.CreateUserAsync();
        var secret = vector.GetProperty("secret").GetString()!;
        await kit.SetSecretAsync(user, secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret : "whsec_" + secret);
        var endpoint = await kit.EndpointIdAsync(user);
        _clock.Now = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("now").GetInt64());

        var response = await client.SendAsync(WebhookTestKit.Post(endpoint, Payload(vector), Optional(vector, "msg_id"), Optional(vector, "timestamp"), Optional(vector, "signature_header")));

        var problem = await TestUsers.ProblemAsync(response);
        if (vector.GetProperty("expect").GetString() == "valid")
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("not a Resend webhook event", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(0, await kit.StoredEventsAsync(user.TeamId));
    }

    private static List<JsonElement> Load()
    {
        var path = Path.Combine(NodeTools.Directory, "..", "..", "tests", "Moosermail.Tests.Unit", "Webhooks", "svix-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static string? Optional(JsonElement c, string name) =>
        c.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Payload(JsonElement c) =>
        c.TryGetProperty("payload_repeat", out var repeat)
            ? Encoding.UTF8.GetBytes(new string(repeat.GetProperty("char").GetString()![0], repeat.GetProperty("count").GetInt32()))
            : Encoding.UTF8.GetBytes(c.GetProperty("payload").GetString()!);
}
