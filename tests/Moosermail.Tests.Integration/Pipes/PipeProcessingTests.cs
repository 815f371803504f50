using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Inbox;
using Moosermail.Core.Pipes;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using Npgsql;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Pipes;

/// <summary>
/// Received mail through pipes, end to end: mail is injected at the sandbox (POST /_sandbox/inbound), stored and
/// fetched by the inbox jobs, then the pipe processor is run directly (timers are off in tests).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PipeProcessingTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    private PipeProcessor Processor => app.App.Services.GetRequiredService<PipeProcessor>();

    [Fact]
    public async Task Forward_ArrivesInTheSandboxOnce_WithFwdOnce_AndRunsShowIt()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var pipeId = await CreatePipeAsync(user, new { name = "fwd", action = "forward", match_subject = "report", action_to = "boss@example.com" });
        await ReceiveAsync(user, apiKey, new { from = "Ann <ann@example.net>", to = new[] { "in@example.com" }, subject = "Quarterly REPORT", text = "numbers" });
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Fwd: report again", text = "more" });
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "lunch?", text = "no match" });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var sent = await SentAsync(apiKey);
        Assert.Equal(["Fwd: Quarterly REPORT", "Fwd: report again"], sent.Select(s => s.GetProperty("subject").GetString()!).Order().ToArray());
        Assert.All(sent, s => Assert.Equal("boss@example.com", s.GetProperty("to")[0].GetString()));
        var runs = await RunsAsync(user, pipeId);
        Assert.Equal(2, runs.Length);
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Webhook_PostsTheDocumentedPayload_SignedWithThePipesSecret()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, created) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes",
            new { name = "to my app", action = "webhook", match_from = "ann@", action_url = receiver.Endpoint.ToString(), strip_closers = true });
        var secret = created.GetProperty("pipe").GetProperty("signing_secret").GetString()!;
        var emailId = await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Hi", text = "Hello there\n\nSent from my iPhone", html = "<p>Hello there</p>" });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var delivery = Assert.Single(await receiver.NextAsync(1));
        var id = delivery.Header("webhook-id")!;
        var timestamp = delivery.Header("webhook-timestamp")!;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(delivery.Body).ToArray()));
        Assert.Contains(expected, delivery.Header("webhook-signature")!.Split(' '));
        using var payload = JsonDocument.Parse(delivery.Body);
        var root = payload.RootElement;
        Assert.Equal(emailId, root.GetProperty("id").GetGuid());
        Assert.Equal("ann@example.net", root.GetProperty("from").GetString());
        Assert.Equal("Hi", root.GetProperty("subject").GetString());
        Assert.Equal("Hello there", root.GetProperty("text").GetString());
        Assert.Equal("<p>Hello there</p>", root.GetProperty("html").GetString());
        Assert.Equal("to my app", root.GetProperty("pipe_name").GetString());
        Assert.True(root.TryGetProperty("created_at", out _));
        Assert.True(await receiver.QuietForAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Webhook_ReceiverFailing_RetriesWithBackoff_AndRunsShowEachState()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        var pipeId = await CreatePipeAsync(user, new { name = "hook", action = "webhook", match_all = true, action_url = receiver.Endpoint.ToString() });
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Hi", text = "x" });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        var pending = Assert.Single(await RunsAsync(user, pipeId));
        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        app.Time.Advance(PipeProcessor.Backoff(1) + TimeSpan.FromSeconds(1));
        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        var done = Assert.Single(await RunsAsync(user, pipeId));

        var deliveries = await receiver.NextAsync(2);
        Assert.True(deliveries[0].AnsweredWithFailure);
        Assert.Equal(deliveries[0].Header("webhook-id"), deliveries[1].Header("webhook-id"));
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(1, pending.GetProperty("attempts").GetInt32());
        Assert.Contains("500", pending.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, pending.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task AutoReply_OncePerSenderPer24Hours_NeverToNoreplyOrAutomaticMail_MarkedAutoSubmitted()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var template = (await CreateTemplateAsync(_client, user, subject: "Re: {{original_subject}}", bodyHtml: "<p>Hi {{sender_name}}</p>", bodyText: "Hi {{sender_name}} <{{sender_email}}>")).GetProperty("id").GetGuid();
        var pipeId = await CreatePipeAsync(user, new { name = "away", action = "auto_reply", match_all = true, action_template_id = template });
        await ReceiveAsync(user, apiKey, new { from = "Ann Lee <Ann@Example.net>", to = new[] { "in@example.com" }, subject = "Question", text = "?" });
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Another", text = "?" });
        await ReceiveAsync(user, apiKey, new { from = "noreply@example.net", to = new[] { "in@example.com" }, subject = "Receipt", text = "x" });
        await ReceiveAsync(user, apiKey, new { from = "MAILER-DAEMON@example.net", to = new[] { "in@example.com" }, subject = "Undelivered", text = "x" });
        await ReceiveAsync(user, apiKey, new { from = "bot@example.net", to = new[] { "in@example.com" }, subject = "Auto", text = "x", headers = new Dictionary<string, string> { ["Auto-Submitted"] = "auto-generated" } });
        await ReceiveAsync(user, apiKey, new { from = "list@example.net", to = new[] { "in@example.com" }, subject = "Digest", text = "x", headers = new Dictionary<string, string> { ["List-Id"] = "<news.example.net>" } });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromHours(25));
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Next day", text = "?" });
        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var sent = await SentAsync(apiKey);
        Assert.Equal(["Re: Next day", "Re: Question"], sent.Select(s => s.GetProperty("subject").GetString()!).Order().ToArray());
        Assert.All(sent, s => Assert.Equal("ann@example.net", s.GetProperty("to")[0].GetString()));
        Assert.All(await HeadersSentAsync(user.TeamId), headers => Assert.Equal("auto-replied", headers.GetProperty("Auto-Submitted").GetString()));
        // A day later the session has expired; the runs are read from the table the route reads.
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var statuses = (await connection.QueryAsync<string>("SELECT status FROM pipe_runs WHERE pipe_id = @PipeId", new { PipeId = pipeId })).ToList();
        Assert.Equal(2, statuses.Count(s => s == "succeeded"));
        Assert.Equal(5, statuses.Count(s => s == "skipped"));
    }

    [Fact]
    public async Task AutoReply_HasItsOwnMessageId_AndAnAnswerNamingOnlyIt_JoinsTheThread()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var template = (await CreateTemplateAsync(_client, user, subject: "Re: {{original_subject}}", bodyHtml: "<p>Away</p>", bodyText: "Away")).GetProperty("id").GetGuid();
        await CreatePipeAsync(user, new { name = "away", action = "auto_reply", match_all = true, action_template_id = template });
        var id = await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Question", text = "?", message_id = "<q1@mail.example.net>" });
        var (_, read) = await SendAsync(_client, user, HttpMethod.Get, $"api/inbox/{id}");
        var threadId = read.GetProperty("email").GetProperty("thread_id").GetGuid();

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var headers = Assert.Single(await HeadersSentAsync(user.TeamId));
        var messageId = headers.GetProperty("Message-ID").GetString()!;
        Assert.Matches(@"^<[0-9a-f]{32}@[^<>@\s]+>$", messageId);
        Assert.Equal("<q1@mail.example.net>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal("auto-replied", headers.GetProperty("Auto-Submitted").GetString());
        // The answer names only the auto-reply under a subject that is no reply: the headers alone thread it.
        var answerId = await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "Different words", text = "ok", in_reply_to = messageId });
        var (_, answered) = await SendAsync(_client, user, HttpMethod.Get, $"api/inbox/{answerId}");
        var (_, thread) = await SendAsync(_client, user, HttpMethod.Get, $"api/inbox/threads/{threadId}");
        Assert.Equal(threadId, answered.GetProperty("email").GetProperty("thread_id").GetGuid());
        Assert.Equal(messageId, Assert.Single(thread.GetProperty("thread").GetProperty("replies").EnumerateArray()).GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task TwoProcessorsRacing_EachEmailRunsThroughEachPipeOnce()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await CreatePipeAsync(user, new { name = "fwd", action = "forward", match_all = true, action_to = "copy@example.com" });
        for (var i = 0; i < 6; i++)
        {
            await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = $"n{i}", text = "x" });
        }

        var second = ActivatorUtilities.CreateInstance<PipeProcessor>(app.App.Services);
        await Task.WhenAll(
            Task.Run(() => Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None)),
            Task.Run(() => second.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None)),
            Task.Run(() => second.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None)));

        var subjects = (await SentAsync(apiKey)).Select(s => s.GetProperty("subject").GetString()!).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"Fwd: n{i}").ToArray(), subjects);
    }

    [Fact]
    public async Task HideAndTag_ChangeTheEmailsState_InPipeCreationOrder()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await CreatePipeAsync(user, new { name = "flag", action = "tag", match_body = "URGENT", action_tag = "flag" });
        await CreatePipeAsync(user, new { name = "read", action = "tag", match_body = "urgent", action_tag = "read" });
        await CreatePipeAsync(user, new { name = "hide", action = "hide", match_from = "spam@" });
        var urgent = await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "s", text = "this is urgent" });
        var spam = await ReceiveAsync(user, apiKey, new { from = "spam@example.net", to = new[] { "in@example.com" }, subject = "s", text = "buy" });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var rows = (await connection.QueryAsync<(Guid Id, bool IsHidden, bool IsRead, string[] Labels)>(
            "SELECT id, is_hidden, is_read, labels FROM received_emails WHERE team_id = @TeamId", new { user.TeamId })).ToDictionary(r => r.Id);
        Assert.Equal((false, true), (rows[urgent].IsHidden, rows[urgent].IsRead));
        Assert.Equal(["flag"], rows[urgent].Labels);
        Assert.Equal((true, false), (rows[spam].IsHidden, rows[spam].IsRead));
        var order = await connection.QueryAsync<string>(
            "SELECT p.name FROM pipe_runs r JOIN pipes p ON p.id = r.pipe_id WHERE r.received_email_id = @Id ORDER BY r.completed_at, r.pipe_seq", new { Id = urgent });
        Assert.Equal(["flag", "read", "hide"], order);
    }

    [Fact]
    public async Task NewPipe_DoesNotReworkMailReceivedBeforeIt_AndADisabledPipeDoesNothing()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "old", text = "x" });
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await CreatePipeAsync(user, new { name = "fwd", action = "forward", match_all = true, action_to = "copy@example.com" });
        await CreatePipeAsync(user, new { name = "off", action = "forward", match_all = true, action_to = "off@example.com", enabled = false });
        await ReceiveAsync(user, apiKey, new { from = "ann@example.net", to = new[] { "in@example.com" }, subject = "new", text = "x" });

        await Processor.ProcessDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var sent = Assert.Single(await SentAsync(apiKey));
        Assert.Equal("Fwd: new", sent.GetProperty("subject").GetString());
        Assert.Equal("copy@example.com", sent.GetProperty("to")[0].GetString());
    }

    private async Task<Guid> CreatePipeAsync(TestUser user, object body)
    {
        var (status, created) = await SendAsync(_client, user, HttpMethod.Post, "api/pipes", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        return created.GetProperty("pipe").GetProperty("id").GetGuid();
    }

    /// <summary>Injects mail at the sandbox, lets the inbox store and fetch it, and returns the received email's id.</summary>
    private async Task<Guid> ReceiveAsync(TestUser user, string apiKey, object inbound)
    {
        using var http = app.Sandbox.Http(apiKey);
        var response = await http.PostAsJsonAsync("_sandbox/inbound", inbound);
        response.EnsureSuccessStatusCode();
        var resendId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await app.App.Services.GetRequiredService<InboxBackfill>().RunTeamAsync(user.TeamId, CancellationToken.None);
        await app.App.Services.GetRequiredService<InboxContentFetcher>().FetchDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.QuerySingleAsync<Guid>(
            "SELECT id FROM received_emails WHERE team_id = @TeamId AND resend_id = @ResendId AND content_state = 'fetched'", new { user.TeamId, ResendId = resendId });
    }

    private async Task<JsonElement[]> SentAsync(string apiKey)
    {
        using var http = app.Sandbox.Http(apiKey);
        var list = await http.GetFromJsonAsync<JsonElement>("emails");
        return list.GetProperty("data").EnumerateArray().ToArray();
    }

    private async Task<JsonElement[]> RunsAsync(TestUser user, Guid pipeId)
    {
        var (_, body) = await SendAsync(_client, user, HttpMethod.Get, $"api/pipes/{pipeId}/runs");
        return body.GetProperty("runs").EnumerateArray().ToArray();
    }

    private async Task<JsonElement[]> HeadersSentAsync(Guid teamId)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var payloads = await connection.QueryAsync<string>("SELECT payload::text FROM emails WHERE team_id = @TeamId", new { TeamId = teamId });
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("headers").Clone()).ToArray();
    }
}
