using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Sending;

[Collection(AppCollection.Name)]
public sealed class IdempotencyTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task SameKeySameBody_ReturnsTheFirstAnswerAndSendsOnce()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });
        var second = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });

        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task RefusedSend_ReplaysAsTheSame422ProblemWithItsEmailId_AndThisRequestsCorrelationId()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 422, name = "validation_error" });
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });
        var second = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var (firstProblem, secondProblem) = (await TestUsers.ProblemAsync(first), await TestUsers.ProblemAsync(second));
        Assert.Equal(firstProblem.GetProperty("email_id").GetGuid(), secondProblem.GetProperty("email_id").GetGuid());
        Assert.Equal(firstProblem.GetProperty("detail").GetString(), secondProblem.GetProperty("detail").GetString());
        Assert.Equal(second.Headers.GetValues("X-Correlation-Id").Single(), secondProblem.GetProperty("correlation_id").GetString());
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task SameKeyDifferentBody_Returns409AndSendsNothingMore()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var key = Guid.NewGuid().ToString();

        await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });
        var second = await SendAsync(user, key, new { to = "a@example.com", subject = "other", body = "b" });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("different request body", (await TestUsers.ProblemAsync(second)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task ConcurrentDuplicates_SendOnce_AndTheOthersGetTheAnswerOrA409()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" })));

        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {r.StatusCode}"));
        var ids = new HashSet<Guid>();
        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            ids.Add(JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid());
        }

        Assert.Single(ids);
    }

    [Fact]
    public async Task SameKey_InAnotherTeam_IsIndependent()
    {
        var (a, keyA) = await TestSenders.UserWithSenderAsync(app, _client);
        var (b, keyB) = await TestSenders.UserWithSenderAsync(app, _client);
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(a, key, new { to = "a@example.com", subject = "s", body = "b" });
        var second = await SendAsync(b, key, new { to = "a@example.com", subject = "s", body = "b" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(keyA));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(keyB));
    }

    [Fact]
    public async Task InterruptedRequest_IsAnsweredWithItsAcceptedEmails_NotAnEndless409InProgress()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var key = Guid.NewGuid().ToString();
        var first = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        // As if the instance died after accepting, before it stored its answer.
        await SetAnswerMissingAsync(user.TeamId, key, app.Time.GetUtcNow());
        var inProgress = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });
        await SetAnswerMissingAsync(user.TeamId, key, app.Time.GetUtcNow().AddMinutes(-6));
        var interrupted = await SendAsync(user, key, new { to = "a@example.com", subject = "s", body = "b" });

        Assert.Equal(HttpStatusCode.Conflict, inProgress.StatusCode);
        Assert.Contains("still being processed", (await TestUsers.ProblemAsync(inProgress)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, interrupted.StatusCode);
        var problem = await TestUsers.ProblemAsync(interrupted);
        Assert.Equal([id], problem.GetProperty("email_ids").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    private async Task SetAnswerMissingAsync(Guid teamId, string key, DateTimeOffset createdAt)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl);
        await Dapper.SqlMapper.ExecuteAsync(connection,
            "UPDATE idempotency_keys SET answer = NULL, created_at = @CreatedAt WHERE team_id = @TeamId AND key = @Key",
            new { TeamId = teamId, Key = key, CreatedAt = createdAt });
    }

    private async Task<HttpResponseMessage> SendAsync(TestUser user, string key, object body)
    {
        using var request = user.Request(HttpMethod.Post, "api/send", body);
        request.Headers.Add("Idempotency-Key", key);
        return await _client.SendAsync(request);
    }
}
