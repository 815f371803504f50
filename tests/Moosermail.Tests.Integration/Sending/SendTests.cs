using System.Net;
using System.Text;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Sending;

[Collection(AppCollection.Name)]
public sealed class SendTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Send_ValidEmail_ReachesResendOnceAndIsLogged()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com, b@example.com", subject = "Hi", body = "Hello" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("sent", body.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("resend_id").GetString()));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        var email = await GetEmailAsync(user, body.RootElement.GetProperty("id").GetGuid());
        Assert.Equal(["a@example.com", "b@example.com"], email.GetProperty("email").GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(email.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "sent");
    }

    [Theory]
    [InlineData("{\"to\":\"not-an-address\",\"subject\":\"s\",\"body\":\"b\"}", "to")]
    [InlineData("{\"subject\":\"s\",\"body\":\"b\"}", "to")]
    [InlineData("{\"to\":42,\"subject\":\"s\",\"body\":\"b\"}", "to")]
    [InlineData("{\"to\":\"a@example.com\",\"body\":\"b\"}", "subject")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\"}", "body")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\",\"from\":\"stranger@elsewhere.com\"}", "from")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\",\"scheduled_at\":\"2001-01-01T00:00:00Z\"}", "scheduled_at")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\",\"attachments\":[{\"filename\":\"a.txt\",\"content\":\"%%%not base64\"}]}", "attachments[0].content")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\",\"tags\":{\"bad tag\":\"x\"}}", "tags")]
    [InlineData("{\"to\":\"a@example.com\",\"subject\":\"s\",\"body\":\"b\",\"headers\":{\"X-A\":\"line\\r\\nBcc: x@y.z\"}}", "headers.X-A")]
    public async Task Send_BadInput_Returns400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        using var request = user.RawJson(HttpMethod.Post, "api/send", json);

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await CountEmailsAsync(user.TeamId));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_FiftyOneRecipients_IsRefused()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com").ToArray();

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to, subject = "s", body = "b" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 50", (await TestUsers.ProblemAsync(response)).GetProperty("errors").GetProperty("to")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithoutASender_SaysHowToAddOne()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("POST /api/keys", (await TestUsers.ProblemAsync(response)).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Scheduled_IsHeldUntilDueThenSentOnce()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var at = app.Time.GetUtcNow().AddHours(2);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "Later", body = "b", scheduled_at = at }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await app.DispatchLaterAsync(TimeSpan.FromHours(1));
        var halfway = await app.Sandbox.AcceptedSendsAsync(apiKey);
        await app.DispatchLaterAsync(TimeSpan.FromHours(1.1));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, halfway);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal("sent", (await GetEmailAsync(user, id)).GetProperty("email").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_ScheduledEmail_IsNeverSent_AndCannotBeCanceledTwice()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "Later", body = "b", scheduled_at = app.Time.GetUtcNow().AddHours(1) }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var cancel = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/emails/{id}/cancel"));
        var again = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/emails/{id}/cancel"));
        await app.DispatchLaterAsync(TimeSpan.FromHours(2));

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal("canceled", (await GetEmailAsync(user, id)).GetProperty("email").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reschedule_MovesTheSendTime()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "Later", body = "b", scheduled_at = app.Time.GetUtcNow().AddHours(1) }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var patch = await _client.SendAsync(user.Request(HttpMethod.Patch, $"api/emails/{id}", new { scheduled_at = app.Time.GetUtcNow().AddHours(5) }));
        await app.DispatchLaterAsync(TimeSpan.FromHours(2));
        var beforeNewTime = await app.Sandbox.AcceptedSendsAsync(apiKey);
        await app.DispatchLaterAsync(TimeSpan.FromHours(4));

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(0, beforeNewTime);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task ResendOutage_EveryEmailIsDeliveredExactlyOnceAfterRecovery()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 7, status = 500 });
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = $"r{i}@example.com", subject = $"n{i}", body = "b" }))).StatusCode);
        }

        for (var round = 0; round < 6 && await CountEmailsAsync(user.TeamId, "sent") < 5; round++)
        {
            await app.DispatchLaterAsync(TimeSpan.FromMinutes(10));
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Equal(5, await CountEmailsAsync(user.TeamId, "sent"));
        Assert.Equal(5, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task RateLimited_IsRetriedAfterRetryAfter()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 429, name = "rate_limit_exceeded" });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await app.DispatchLaterAsync(TimeSpan.FromMilliseconds(500));
        var tooSoon = await app.Sandbox.AcceptedSendsAsync(apiKey);
        await app.DispatchLaterAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, tooSoon);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal("sent", (await GetEmailAsync(user, id)).GetProperty("email").GetProperty("status").GetString());
    }

    [Fact]
    public async Task PermanentFailure_FailsAtOnceWithResendsMessage()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 422, name = "validation_error" });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", subject = "s", body = "b" }));
        await app.DispatchLaterAsync(TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.Contains("Injected by the sandbox", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await CountEmailsAsync(user.TeamId, "failed"));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Batch_SendsEveryValidMessageThroughOneResendBatchCall()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var emails = Enumerable.Range(0, 3).Select(i => new { to = $"r{i}@example.com", subject = $"n{i}", body = "b" }).ToArray();

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send/batch", new { emails }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.All(body.RootElement.GetProperty("data").EnumerateArray(), e => Assert.Equal("sent", e.GetProperty("status").GetString()));
        Assert.Equal(3, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Equal(3, await CountEmailsAsync(user.TeamId, "sent"));
    }

    [Fact]
    public async Task Batch_OneInvalidMessage_NamesItAndAcceptsNothing()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send/batch", new { emails = new object[] { new { to = "a@example.com", subject = "s", body = "b" }, new { to = "nope", subject = "s", body = "b" } } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(response)).GetProperty("errors").TryGetProperty("emails[1].to", out _));
        Assert.Equal(0, await CountEmailsAsync(user.TeamId));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    private async Task<JsonElement> GetEmailAsync(TestUser user, Guid id)
    {
        var response = await _client.SendAsync(user.Request(HttpMethod.Get, $"api/emails/{id}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<long> CountEmailsAsync(Guid teamId, string? status = null) =>
        app.ScalarAsync<long>("SELECT count(*) FROM emails WHERE team_id = @TeamId AND (@Status::text IS NULL OR status = @Status)", new { TeamId = teamId, Status = status });
}
