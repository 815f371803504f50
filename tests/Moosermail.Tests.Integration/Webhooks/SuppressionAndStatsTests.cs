using System.Net;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>The suppression list fed by bounces and complaints, the send check, and GET /api/stats.</summary>
[Collection(AppCollection.Name)]
public sealed class SuppressionAndStatsTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Theory]
    [InlineData("email.bounced", "Permanent", "bounced")]
    [InlineData("email.complained", null, "complained")]
    public async Task Event_PermanentBounceOrComplaint_SuppressesAndRefusesNextSend(string type, string? bounceType, string reason)
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (_, resendId) = await _kit.SendAsync(user, new { to = "Pat <Pat@Example.com>", subject = "s", body = "b" });

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent(type, resendId, "pat@example.com", bounceType));
        var single = await _kit.Client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "ok@example.com", cc = "PAT@example.com", subject = "s", body = "b" }));
        var batch = await _kit.Client.SendAsync(user.Request(HttpMethod.Post, "api/send/batch", new
        {
            emails = new object[] { new { to = "ok@example.com", subject = "s", body = "b" }, new { to = "pat@example.com", subject = "s", body = "b" } },
        }));

        var list = await _kit.JsonAsync(user, HttpMethod.Get, "api/suppressions");
        var entry = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("pat@example.com", entry.GetProperty("email").GetString());
        Assert.Equal(reason, entry.GetProperty("reason").GetString());
        Assert.Equal(422, (int)single.StatusCode);
        var problem = await TestUsers.ProblemAsync(single);
        Assert.Contains("pat@example.com", problem.GetProperty("errors").GetProperty("to")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(422, (int)batch.StatusCode);
        var batchErrors = (await TestUsers.ProblemAsync(batch)).GetProperty("errors");
        Assert.True(batchErrors.TryGetProperty("emails[1].to", out _));
        Assert.False(batchErrors.TryGetProperty("emails[0].to", out _));
        Assert.Single((await _kit.JsonAsync(user, HttpMethod.Get, "api/emails")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Delete_Suppression_AllowsSendingAgain()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (_, resendId) = await _kit.SendAsync(user, new { to = "pat@example.com", subject = "s", body = "b" });
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.complained", resendId, "pat@example.com"));

        var deleted = await _kit.Client.SendAsync(user.Request(HttpMethod.Delete, "api/suppressions/pat@example.com"));
        var again = await _kit.Client.SendAsync(user.Request(HttpMethod.Delete, "api/suppressions/pat@example.com"));
        var send = await _kit.Client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "pat@example.com", subject = "s", body = "b" }));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
    }

    [Fact]
    public async Task Event_TransientBounce_DoesNotSuppress()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "full@example.com", subject = "s", body = "b" });

        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.bounced", resendId, "full@example.com", "Transient"));

        Assert.Equal("bounced", await _kit.StatusAsync(user, id));
        Assert.Empty((await _kit.JsonAsync(user, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task TwoTeams_SuppressionsAndStatsAreSeparate()
    {
        var (a, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var b = (await TestSenders.UserWithSenderAsync(app, _kit.Client)).User;
        var (_, resendId) = await _kit.SendAsync(a, new { to = "pat@example.com", subject = "s", body = "b" });
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.bounced", resendId, "pat@example.com", "Permanent"));

        var sendB = await _kit.Client.SendAsync(b.Request(HttpMethod.Post, "api/send", new { to = "pat@example.com", subject = "s", body = "b" }));
        var deleteB = await _kit.Client.SendAsync(b.Request(HttpMethod.Delete, "api/suppressions/pat@example.com"));
        var statsA = (await _kit.JsonAsync(a, HttpMethod.Get, "api/stats")).GetProperty("counts");
        var statsB = (await _kit.JsonAsync(b, HttpMethod.Get, "api/stats")).GetProperty("counts");

        Assert.Equal(HttpStatusCode.OK, sendB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteB.StatusCode);
        Assert.Empty((await _kit.JsonAsync(b, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Single((await _kit.JsonAsync(a, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Equal(1, statsA.GetProperty("bounced").GetInt64());
        Assert.Equal(0, statsB.GetProperty("bounced").GetInt64());
        Assert.Equal(1, statsB.GetProperty("sent").GetInt64());
    }

    [Fact]
    public async Task Stats_CountsTheFunnelInTheWindow()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var since = app.Time.GetUtcNow();
        var (_, delivered) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var (_, clicked) = await _kit.SendAsync(user, new { to = "b@example.com", subject = "s", body = "b" });
        var (_, bounced) = await _kit.SendAsync(user, new { to = "c@example.com", subject = "s", body = "b" });
        await _kit.SendAsync(user, new { to = "d@example.com", subject = "s", body = "b" });
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", delivered));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", clicked));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.opened", clicked));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.clicked", clicked));
        await PostOkAsync(endpoint, secret, WebhookTestKit.EmailEvent("email.bounced", bounced, "c@example.com", "Permanent"));
        var until = app.Time.GetUtcNow().AddSeconds(1);

        var counts = (await _kit.JsonAsync(user, HttpMethod.Get, $"api/stats?since={Uri.EscapeDataString(since.ToString("O"))}&until={Uri.EscapeDataString(until.ToString("O"))}")).GetProperty("counts");
        var empty = (await _kit.JsonAsync(user, HttpMethod.Get, $"api/stats?since={Uri.EscapeDataString(until.ToString("O"))}")).GetProperty("counts");
        var bad = await _kit.Client.SendAsync(user.Request(HttpMethod.Get, "api/stats?since=yesterday"));

        Assert.Equal(4, counts.GetProperty("sent").GetInt64());
        Assert.Equal(2, counts.GetProperty("delivered").GetInt64());
        Assert.Equal(1, counts.GetProperty("opened").GetInt64());
        Assert.Equal(1, counts.GetProperty("clicked").GetInt64());
        Assert.Equal(1, counts.GetProperty("bounced").GetInt64());
        Assert.Equal(0, counts.GetProperty("complained").GetInt64());
        Assert.Equal(0, counts.GetProperty("failed").GetInt64());
        Assert.Equal(0, empty.GetProperty("sent").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Reconcile_StuckInSent_TakesResendsLastEvent()
    {
        var user = (await TestSenders.UserWithSenderAsync(app, _kit.Client)).User;
        var (id, _) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        app.Time.Advance(TimeSpan.FromMinutes(61));

        // The timer checks the oldest stuck emails first, 100 a run; other tests leave theirs behind.
        for (var run = 0; run < 30 && await _kit.StatusAsync(user, id) == "sent"; run++)
        {
            await app.RunTimerAsync("DeliveryReconcile");
        }

        var email = await _kit.EmailAsync(user, id);
        Assert.Equal("delivered", email.GetProperty("email").GetProperty("status").GetString());
        Assert.Contains("reconciled", email.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    private async Task PostOkAsync(string endpoint, string secret, byte[] body)
    {
        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.FoldedAsync(); // a 200 means stored; the fold follows
    }
}
