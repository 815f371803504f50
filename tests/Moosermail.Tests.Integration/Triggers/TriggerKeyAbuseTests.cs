using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;
using Npgsql;

namespace Moosermail.Tests.Integration.Triggers;

/// <summary>
/// A trigger key lives in web forms, so anyone may hold it: these attack the public fire route as such a holder
/// would, and check that the key fires the trigger and nothing more.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TriggerKeyAbuseTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task KeyHolder_ChoosingTo_WithoutOptIn_Is403AndSendsNothing()
    {
        var (user, apiKey, key, id) = await TriggerAsync(defaultTo: "owner@example.com");

        var chosen = await FireAsync(key, new { to = "victim@elsewhere.test", variables = new { name = "x" } });
        var own = await FireAsync(key, new { variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.Forbidden, chosen.StatusCode);
        Assert.Contains("allowed_recipient_domains", (await TestUsers.ProblemAsync(chosen)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal(1, await EmailsAsync(user.TeamId, id));
    }

    [Fact]
    public async Task KeyHolder_ChoosingTo_OutsideTheAllowedDomains_Is400_InsideThemIsSent()
    {
        var (user, apiKey, key, id) = await TriggerAsync(domains: ["Example.COM"]);

        var mixed = await FireAsync(key, new { to = new[] { "a@example.com", "b@example.com.evil.test", "c@sub.example.com" }, variables = new { name = "x" } });
        var inside = await FireAsync(key, new { to = new[] { "a@example.com", "B <b@EXAMPLE.com>" }, variables = new { name = "x" } });
        var tooMany = await FireAsync(key, new { to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com"), variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.Contains("example.com", TestContent.FirstError(await TestUsers.ProblemAsync(mixed), "to"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal(2, await EmailsAsync(user.TeamId, id));
    }

    [Fact]
    public async Task KeyHolder_ToTag_Is403_AMemberWithEmailsSendMayFanOut()
    {
        var (user, apiKey, key, id) = await TriggerAsync(domains: ["example.com"]);
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "c1@example.com", name = "One", tags = new[] { "all" } });
        var readOnly = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:read", "triggers:read"]);
        var sender = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:send"]);
        var stranger = await TestUsers.CreateAsync(app);

        var byKey = await FireAsync(key, new { to_tag = "all" });
        var byKeyHeader = new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(new { to_tag = "all" }) };
        byKeyHeader.Headers.Add("X-Trigger-Key", key);
        var byHeader = await _client.SendAsync(byKeyHeader);
        var withoutPermission = await _client.SendAsync(user.Using(readOnly.Key).Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to_tag = "all" }));
        var otherTeam = await _client.SendAsync(stranger.Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to_tag = "all" }));
        var anonymous = await _client.PostAsJsonAsync($"api/triggers/{id}/fire", new { to_tag = "all" });
        var asMember = await _client.SendAsync(user.Using(sender.Key).Request(HttpMethod.Post, $"api/triggers/{id}/fire", new { to_tag = "all" }));

        Assert.Equal(HttpStatusCode.Forbidden, byKey.StatusCode);
        Assert.Contains("POST /api/triggers/{id}/fire", (await TestUsers.ProblemAsync(byKey)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutPermission.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asMember.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task EveryTrigger_HasALimit_DefaultSixty_ThatCannotBeRemovedOrRaisedPastTheMaximum()
    {
        var (user, _, _, id) = await TriggerAsync();

        var (_, created) = await TestContent.SendAsync(_client, user, HttpMethod.Get, $"api/triggers/{id}");
        var (removed, _) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 0 });
        var (tooHigh, _) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 1001 });
        var (nullKeeps, kept) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = (int?)null, name = "renamed" });
        var (atMaximum, raised) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 1000 });

        Assert.Equal(60, created.GetProperty("trigger").GetProperty("rate_limit_per_minute").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, removed);
        Assert.Equal(HttpStatusCode.BadRequest, tooHigh);
        Assert.Equal(HttpStatusCode.OK, nullKeeps);
        Assert.Equal(60, kept.GetProperty("trigger").GetProperty("rate_limit_per_minute").GetInt32());
        Assert.Equal(HttpStatusCode.OK, atMaximum);
        Assert.Equal(1000, raised.GetProperty("trigger").GetProperty("rate_limit_per_minute").GetInt32());
    }

    [Fact]
    public async Task TheLimit_CountsEmailsNotFires_AndARefusedFireUsesNone()
    {
        // An instance with its own clock, five seconds into a minute, so the shared clock is left alone.
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(10), TimeSpan.Zero).AddSeconds(5));
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var (user, apiKey, key, id) = await TriggerAsync(domains: ["example.com"], client: client, user: await own.CreateUserAsync());
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 5 });
        object Fire(int recipients) => new { to = Enumerable.Range(0, recipients).Select(i => $"r{i}@example.com"), variables = new { name = "x" } };
        Task<HttpResponseMessage> FireOwnAsync(int recipients) => client.PostAsJsonAsync($"api/trigger/{key}", Fire(recipients));

        var three = await FireOwnAsync(3);
        var threeMore = await FireOwnAsync(3);
        var two = await FireOwnAsync(2);
        var oneMore = await FireOwnAsync(1);
        var neverFits = await FireOwnAsync(6);
        var asMember = await client.SendAsync(user.Request(HttpMethod.Post, $"api/triggers/{id}/fire", Fire(1)));
        clock.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await FireOwnAsync(5);

        Assert.Equal(HttpStatusCode.OK, three.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, threeMore.StatusCode);
        Assert.Equal("55", threeMore.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, oneMore.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, neverFits.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, asMember.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextMinute.StatusCode);
        Assert.Equal(10, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task RecipientsSkippedOrAFireRefusedAfterTheCheck_UseNoneOfTheLimit()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(12), TimeSpan.Zero).AddSeconds(5));
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var (user, apiKey, key, id) = await TriggerAsync(domains: ["example.com"], client: client, user: await own.CreateUserAsync());
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 2 });
        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync("INSERT INTO suppressions (team_id, address, reason, created_at) VALUES (@TeamId, 'bounced@example.com', 'bounced', now())", new { user.TeamId });
        }

        Task<HttpResponseMessage> FireOwnAsync(object body) => client.PostAsJsonAsync($"api/trigger/{key}", body);

        var missingVariable = await FireOwnAsync(new { to = new[] { "a@example.com", "b@example.com" } });
        var oneSuppressed = await FireOwnAsync(new { to = new[] { "bounced@example.com", "c@example.com" }, variables = new { name = "x" } });
        var allSuppressed = await FireOwnAsync(new { to = "bounced@example.com", variables = new { name = "x" } });
        var secondEmail = await FireOwnAsync(new { to = "d@example.com", variables = new { name = "x" } });
        var overTheLimit = await FireOwnAsync(new { to = "e@example.com", variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingVariable.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oneSuppressed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allSuppressed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondEmail.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, overTheLimit.StatusCode);
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKey_GetsTheFirstAnswer_WithoutUsingTheLimit()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(11), TimeSpan.Zero).AddSeconds(5));
        await using var own = await SecondaryApp.StartAsync(app, clock);
        using var client = own.CreateClient();
        var (user, apiKey, key, id) = await TriggerAsync(defaultTo: "owner@example.com", client: client, user: await own.CreateUserAsync());
        await TestContent.SendAsync(client, user, HttpMethod.Put, $"api/triggers/{id}", new { rate_limit_per_minute = 1 });
        async Task<HttpResponseMessage> FireWithKeyAsync(string idempotencyKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(new { variables = new { name = "x" } }) };
            request.Headers.Add("X-Trigger-Key", key);
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return await client.SendAsync(request);
        }

        var first = await FireWithKeyAsync("order-1");
        var retry = await FireWithKeyAsync("order-1");
        var another = await FireWithKeyAsync("order-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, another.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Variables_PastTheCaps_Are413Or422AndSendNothing()
    {
        var (user, apiKey, key, id) = await TriggerAsync(defaultTo: "owner@example.com");
        var manyValues = Enumerable.Range(0, 10).ToDictionary(i => $"v{i}", _ => new string('x', 3500));
        manyValues["name"] = "x";

        var tooMuch = await FireAsync(key, new { variables = manyValues });
        var oneTooLong = await FireAsync(key, new { variables = new { name = new string('x', 5000) } });
        var link = await FireAsync(key, new { variables = new { name = "<a href=\"https://evil.test\">click</a>" } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMuch.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, oneTooLong.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(oneTooLong)).GetProperty("errors").TryGetProperty("variables.name", out _));
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal(1, await EmailsAsync(user.TeamId, id));
    }

    [Fact]
    public async Task KeyHolder_LearnsCountsAndIds_NeverAddressesOrWhyTheyWereSkipped()
    {
        var (user, _, key, _) = await TriggerAsync(domains: ["example.com"]);
        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync("INSERT INTO suppressions (team_id, address, reason, created_at) VALUES (@TeamId, 'bounced@example.com', 'bounced', now())", new { user.TeamId });
        }

        var response = await FireAsync(key, new { to = new[] { "bounced@example.com", "fine@example.com" }, variables = new { name = "x" } });

        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, body.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(1, body.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(1, body.RootElement.GetProperty("ids").GetArrayLength());
        Assert.False(body.RootElement.TryGetProperty("failures", out _));
        Assert.DoesNotContain("@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("suppress", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("trigger-path")]
    [InlineData("trigger-header")]
    [InlineData("trigger-member")]
    [InlineData("send")]
    [InlineData("send-batch")]
    public async Task IdempotencyKey_LongerThan256_Is400NamingTheHeader_AndStoresNothing(string route)
    {
        var (user, apiKey, key, id) = await TriggerAsync(defaultTo: "owner@example.com");
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var keysBefore = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE team_id = @TeamId", new { user.TeamId });
        var fire = new { variables = new { name = "x" } };
        var send = new { to = "a@example.com", subject = "s", body = "b" };
        using var request = route switch
        {
            "trigger-path" => new HttpRequestMessage(HttpMethod.Post, $"api/trigger/{key}") { Content = JsonContent.Create(fire) },
            "trigger-header" => new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(fire) },
            "trigger-member" => user.Request(HttpMethod.Post, $"api/triggers/{id}/fire", fire),
            "send" => user.Request(HttpMethod.Post, "api/send", send),
            _ => user.Request(HttpMethod.Post, "api/send/batch", new { emails = new[] { send } }),
        };
        if (route == "trigger-header")
        {
            request.Headers.Add("X-Trigger-Key", key);
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 3000));
        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(response)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(keysBefore, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE team_id = @TeamId", new { user.TeamId }));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task AllowedRecipientDomains_AreValidatedAndShown_AndEmptyTakesTheChoiceBack()
    {
        var (user, _, key, id) = await TriggerAsync(domains: ["example.com"]);

        var (bad, problem) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { allowed_recipient_domains = new[] { "ok.test", "*.example.com" } });
        var (_, shown) = await TestContent.SendAsync(_client, user, HttpMethod.Get, $"api/triggers/{id}");
        var (cleared, _) = await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { allowed_recipient_domains = Array.Empty<string>() });
        var afterClear = await FireAsync(key, new { to = "a@example.com", variables = new { name = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("allowed_recipient_domains[1]", out _));
        Assert.Equal(["example.com"], TestContent.Strings(shown.GetProperty("trigger").GetProperty("allowed_recipient_domains")));
        Assert.Equal(HttpStatusCode.OK, cleared);
        Assert.Equal(HttpStatusCode.Forbidden, afterClear.StatusCode);
    }

    private Task<HttpResponseMessage> FireAsync(string key, object body) => _client.PostAsJsonAsync($"api/trigger/{key}", body);

    private async Task<long> EmailsAsync(Guid teamId, Guid triggerId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM emails WHERE team_id = @TeamId AND trigger_id = @TriggerId", new { TeamId = teamId, TriggerId = triggerId });
    }

    private async Task<(TestUser User, string ApiKey, string Key, Guid Id)> TriggerAsync(string? defaultTo = null, string[]? domains = null, HttpClient? client = null, TestUser? user = null)
    {
        client ??= _client;
        user ??= await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var template = await TestContent.CreateTemplateAsync(client, user);
        var (status, body) = await TestContent.SendAsync(client, user, HttpMethod.Post, "api/triggers",
            new { name = "form", template_id = template.GetProperty("id").GetGuid(), default_to = defaultTo, allowed_recipient_domains = domains });
        Assert.Equal(HttpStatusCode.Created, status);
        var trigger = body.GetProperty("trigger");
        return (user, apiKey, trigger.GetProperty("trigger_key").GetString()!, trigger.GetProperty("id").GetGuid());
    }
}
