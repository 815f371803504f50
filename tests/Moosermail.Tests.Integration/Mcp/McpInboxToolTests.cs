using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Inbox;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>list_emails and read_email on received mail; list_cron_jobs and list_pipes.</summary>
[Collection(AppCollection.Name)]
public sealed class McpInboxToolTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task ListAndReadEmail_ShowTheTeamsReceivedMail_AsText()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var id = await ReceiveAsync(user, resendKey, new { from = "Ann <ann@example.com>", to = new[] { "inbox@example.com" }, subject = "Quarterly \"numbers\" <draft>", text = "Line one\nLine two" });
        var stranger = new McpClient(_client, await TestUsers.CreateAsync(app));
        var mcp = new McpClient(_client, user);

        var (listError, list) = await mcp.CallToolAsync("list_emails", new { limit = 10 });
        var (searchError, search) = await mcp.CallToolAsync("list_emails", new { q = "quarterly" });
        var (readError, read) = await mcp.CallToolAsync("read_email", new { id });
        var (_, strangerList) = await stranger.CallToolAsync("list_emails");
        var (strangerError, strangerRead) = await stranger.CallToolAsync("read_email", new { id });

        Assert.False(listError, list);
        var email = Assert.Single(JsonDocument.Parse(list).RootElement.GetProperty("emails").EnumerateArray());
        Assert.Equal(id.ToString(), email.GetProperty("id").GetString());
        Assert.Contains("Quarterly \\\"numbers\\\" <draft>", list, StringComparison.Ordinal);
        Assert.False(searchError, search);
        Assert.Single(JsonDocument.Parse(search).RootElement.GetProperty("emails").EnumerateArray());
        Assert.False(readError, read);
        Assert.Contains("From: Ann <ann@example.com>", read, StringComparison.Ordinal);
        Assert.Contains("Subject: Quarterly \"numbers\" <draft>", read, StringComparison.Ordinal);
        Assert.EndsWith("\n\nLine one\nLine two", read, StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(strangerList).RootElement.GetProperty("emails").EnumerateArray());
        Assert.True(strangerError);
        Assert.Contains("with this id", strangerRead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteDraft_StoresADraftThatIsNotSent_AndAReplyDraftNeedsTheTeamsOwnEmail()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var id = await ReceiveAsync(user, resendKey, new { from = "ann@example.com", to = new[] { "inbox@example.com" }, subject = "Question", text = "Can you?" });
        var mcp = new McpClient(_client, user);
        var stranger = new McpClient(_client, await TestUsers.CreateAsync(app));
        var (_, narrowKey, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["inbox:read"]);

        var (draftError, draft) = await mcp.CallToolAsync("write_draft", new { to = "bob@example.com", subject = "Plan", body = "Draft text" });
        var (replyError, reply) = await mcp.CallToolAsync("write_draft", new { reply_to_id = id, body = "Yes I can" });
        var (strangerError, _) = await stranger.CallToolAsync("write_draft", new { reply_to_id = id, body = "Hijack" });
        var (narrowError, narrow) = await new McpClient(_client, user.Using(narrowKey)).CallToolAsync("write_draft", new { body = "x" });
        var (_, stored) = await TestContent.SendAsync(_client, user, HttpMethod.Get, "api/drafts");

        Assert.False(draftError, draft);
        Assert.Contains("NOT sent", draft, StringComparison.Ordinal);
        Assert.False(replyError, reply);
        Assert.Contains("Re: Question", reply, StringComparison.Ordinal);
        Assert.True(strangerError);
        Assert.True(narrowError);
        Assert.Contains("drafts:write", narrow, StringComparison.Ordinal);
        Assert.Equal(2, stored.GetProperty("drafts").GetArrayLength());
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(resendKey));
    }

    [Fact]
    public async Task WriteDraft_QuoteFalse_StoresAReplyDraftThatQuotesNothing_AndANonBooleanIsRefused()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, resendKey) = await TestSenders.AddAsync(_client, user);
        var id = await ReceiveAsync(user, resendKey, new { from = "ann@example.com", to = new[] { "inbox@example.com" }, subject = "Question", text = "Can you?" });
        var mcp = new McpClient(_client, user);

        var (quotedError, quoted) = await mcp.CallToolAsync("write_draft", new { reply_to_id = id, body = "Yes" });
        var (plainError, plain) = await mcp.CallToolAsync("write_draft", new { reply_to_id = id, body = "Yes", quote = false });
        var (badError, bad) = await mcp.CallToolAsync("write_draft", new { reply_to_id = id, body = "Yes", quote = "no" });
        var (_, stored) = await TestContent.SendAsync(_client, user, HttpMethod.Get, "api/drafts");

        Assert.False(quotedError, quoted);
        Assert.False(plainError, plain);
        Assert.True(JsonDocument.Parse(quoted).RootElement.GetProperty("draft").GetProperty("quote").GetBoolean());
        Assert.False(JsonDocument.Parse(plain).RootElement.GetProperty("draft").GetProperty("quote").GetBoolean());
        Assert.True(badError);
        Assert.Contains("quote", bad, StringComparison.Ordinal);
        Assert.Equal(2, stored.GetProperty("drafts").GetArrayLength());
    }

    [Fact]
    public async Task InboxTools_NeedInboxRead()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, mk, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:read"]);
        var mcp = new McpClient(_client, user.Using(mk));

        var (listError, list) = await mcp.CallToolAsync("list_emails");
        var (readError, read) = await mcp.CallToolAsync("read_email", new { id = Guid.NewGuid() });

        Assert.True(listError);
        Assert.Contains("inbox:read", list, StringComparison.Ordinal);
        Assert.True(readError);
        Assert.Contains("inbox:read", read, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListCronJobsAndPipes_ShowTheTeamsOwn()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var (cronStatus, _) = await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/cron",
            new { name = "weekly", template_id = template.GetProperty("id").GetGuid(), to = "a@example.com", cron_expression = "0 9 * * 1", variables = new { name = "A" } });
        var (pipeStatus, _) = await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/pipes", new { name = "news", action = "hide", match_from = "news@" });
        var mcp = new McpClient(_client, user);
        var stranger = new McpClient(_client, await TestUsers.CreateAsync(app));

        var (cronError, cron) = await mcp.CallToolAsync("list_cron_jobs");
        var (pipesError, pipes) = await mcp.CallToolAsync("list_pipes");
        var (_, strangerCron) = await stranger.CallToolAsync("list_cron_jobs");
        var (_, strangerPipes) = await stranger.CallToolAsync("list_pipes");

        Assert.Equal(System.Net.HttpStatusCode.Created, cronStatus);
        Assert.Equal(System.Net.HttpStatusCode.Created, pipeStatus);
        Assert.False(cronError, cron);
        var job = Assert.Single(JsonDocument.Parse(cron).RootElement.GetProperty("cron_jobs").EnumerateArray());
        Assert.Equal("weekly", job.GetProperty("name").GetString());
        Assert.NotEmpty(job.GetProperty("next_runs").EnumerateArray());
        Assert.False(pipesError, pipes);
        var pipe = Assert.Single(JsonDocument.Parse(pipes).RootElement.GetProperty("pipes").EnumerateArray());
        Assert.Equal("news@", pipe.GetProperty("match_from").GetString());
        Assert.Empty(JsonDocument.Parse(strangerCron).RootElement.GetProperty("cron_jobs").EnumerateArray());
        Assert.Empty(JsonDocument.Parse(strangerPipes).RootElement.GetProperty("pipes").EnumerateArray());
    }

    /// <summary>
    /// An email arrives as Resend delivers it: kept by the sandbox (under the team's key), announced by email.received
    /// (handed to the receiver as webhook ingest does), its content fetched by the fetch job, run here directly.
    /// </summary>
    private async Task<Guid> ReceiveAsync(TestUser user, string resendKey, object inbound)
    {
        using var sandbox = app.Sandbox.Http(resendKey);
        var response = await sandbox.PostAsJsonAsync("_sandbox/inbound", inbound);
        response.EnsureSuccessStatusCode();
        var resendId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var data = JsonSerializer.SerializeToElement(new { email_id = resendId, from = "Ann <ann@example.com>", to = new[] { "inbox@example.com" }, subject = "received" });
        var id = await app.App.Services.GetRequiredService<InboxReceiver>().ReceiveAsync(user.TeamId, data, CancellationToken.None);
        Assert.NotNull(id);
        var fetcher = app.App.Services.GetRequiredService<InboxContentFetcher>();
        var inbox = app.App.Services.GetRequiredService<InboxRepository>();
        for (var attempt = 0; attempt < 50 && (await inbox.GetAsync(user.TeamId, id.Value, CancellationToken.None))?.ContentState != ContentState.Fetched; attempt++)
        {
            await fetcher.FetchDueAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        Assert.Equal(ContentState.Fetched, (await inbox.GetAsync(user.TeamId, id.Value, CancellationToken.None))?.ContentState);
        return id.Value;
    }
}
