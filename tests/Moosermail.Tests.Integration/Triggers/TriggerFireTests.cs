using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Triggers;

[Collection(AppCollection.Name)]
public sealed class TriggerFireTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Fire_SendsOneRenderedEmailPerRecipient()
    {
        var (user, apiKey, key, _) = await TriggerAsync();

        var response = await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = new[] { "a@example.com", "b@example.com", "c@example.com" }, variables = new { name = "Ada" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(0, body.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(3, body.RootElement.GetProperty("ids").GetArrayLength());
        Assert.Equal(3, await app.Sandbox.AcceptedSendsAsync(apiKey));
        var log = await TestContent.SendAsync(_client, user, HttpMethod.Get, "api/send-log");
        Assert.All(log.Body.GetProperty("logs").EnumerateArray(), e => Assert.Equal("signup", e.GetProperty("trigger_name").GetString()));
    }

    [Fact]
    public async Task Fire_WithTheKeyInTheHeader_WorksAndAMissingKeyIs401()
    {
        var (_, apiKey, key, _) = await TriggerAsync();
        using var withHeader = new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(new { to = "a@example.com", variables = new { name = "x" } }) };
        withHeader.Headers.Add("X-Trigger-Key", key);
        using var without = new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(new { to = "a@example.com" }) };

        var fired = await _client.SendAsync(withHeader);
        var refused = await _client.SendAsync(without);

        Assert.Equal(HttpStatusCode.OK, fired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("X-Trigger-Key", (await TestUsers.ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_WithoutTo_UsesTheDefaultRecipient()
    {
        var (user, apiKey, key, id) = await TriggerAsync();
        await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { default_to = "team@example.com" });

        var response = await _client.PostAsJsonAsync($"api/trigger/{key}", new { variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_UnknownKeyOrATriggersId_Returns404()
    {
        var (_, _, _, id) = await TriggerAsync();

        var unknown = await _client.PostAsJsonAsync($"api/trigger/{new string('a', 48)}", new { to = "a@example.com" });
        var byId = await _client.PostAsJsonAsync($"api/trigger/{id}", new { to = "a@example.com" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
    }

    [Fact]
    public async Task Fire_DisabledTrigger_Returns403()
    {
        var (user, apiKey, key, id) = await TriggerAsync();
        await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { enabled = false });

        var response = await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com", variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_OverItsPerMinuteLimit_Returns429UntilTheNextMinute()
    {
        // Ten seconds into a minute of the app's own clock, so the window and its Retry-After are exact.
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(9), TimeSpan.Zero).AddSeconds(10));
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var (user, _, key, id) = await TriggerAsync(client, await own.CreateUserAsync());
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 2 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com", variables = new { name = "x" } })).StatusCode);
        }

        var limited = await client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com", variables = new { name = "x" } });
        clock.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com", variables = new { name = "x" } });

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("50", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, nextMinute.StatusCode);
    }

    [Fact]
    public async Task Fire_TooManyRecipients_Returns400()
    {
        var (_, apiKey, key, _) = await TriggerAsync();

        var response = await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com"), variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_MissingVariable_Returns422AndSendsNothing()
    {
        var (_, apiKey, key, _) = await TriggerAsync();

        var response = await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task FireAsMember_ToTag_ReachesSubscribedContactsOnlyThroughOneBatch()
    {
        var (user, apiKey, _, id) = await TriggerAsync();
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "in1@example.com", name = "One", tags = new[] { "beta" } });
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "in2@example.com", name = "Two", tags = new[] { "beta" } });
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "out@example.com", name = "Out", tags = new[] { "beta" }, unsubscribed = true });
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "other@example.com", name = "Other", tags = new[] { "gamma" } });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to_tag = "beta" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task FireAsMember_UnsubscribedRecipient_IsSkippedAndReported()
    {
        var (user, apiKey, _, id) = await TriggerAsync();
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "gone@example.com", unsubscribed = true });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to = new[] { "gone@example.com", "here@example.com" }, variables = new { name = "x" } }));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, body.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(1, body.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal("gone@example.com", body.RootElement.GetProperty("failures")[0].GetProperty("to").GetString());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task FireAsMember_SuppressedRecipient_IsSkippedWithTheReason()
    {
        var (user, apiKey, _, id) = await TriggerAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO suppressions (team_id, address, reason, created_at) VALUES (@TeamId, 'bounced@example.com', 'bounced', now())", new { user.TeamId });
        }

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to = new[] { "Bounced <bounced@example.com>", "fine@example.com" }, variables = new { name = "x" } }));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, body.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal("suppressed (bounced)", body.RootElement.GetProperty("failures")[0].GetProperty("reason").GetString());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_WithIdempotencyKey_SendsOnce()
    {
        var (_, apiKey, key, _) = await TriggerAsync();
        var idempotencyKey = Guid.NewGuid().ToString();

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/trigger/{key}") { Content = JsonContent.Create(new { to = "a@example.com", variables = new { name = "x" } }) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Fire_TheKeyNeverAppearsInTheLogs()
    {
        var (_, _, key, _) = await TriggerAsync();

        await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = "a@example.com", variables = new { name = "x" } });
        await _client.PostAsJsonAsync($"api/trigger/{key}", new { to = "not an address" });

        Assert.DoesNotContain(key, app.Logs.AllText, StringComparison.Ordinal);
    }

    private async Task<(TestUser User, string ApiKey, string Key, Guid Id)> TriggerAsync() =>
        await TriggerAsync(_client, await TestUsers.CreateAsync(app));

    private static async Task<(TestUser User, string ApiKey, string Key, Guid Id)> TriggerAsync(HttpClient client, TestUser user)
    {
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var template = await TestContent.CreateTemplateAsync(client, user);
        var trigger = await TestContent.CreateTriggerAsync(client, user, template.GetProperty("id").GetGuid());
        var id = trigger.GetProperty("id").GetGuid();
        // These tests name recipients with the key, which a trigger allows only for the domains it lists.
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{id}", new { allowed_recipient_domains = new[] { "example.com" } });
        return (user, apiKey, trigger.GetProperty("trigger_key").GetString()!, id);
    }
}
