using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Drafts;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>
/// The inbox from the terminal, end to end: mail injected at the sandbox (as Resend receives it) is listed, found,
/// read without being marked, replied to, and the sandbox receives the threaded reply; drafts the same way.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CliInboxTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Inbox_InjectedMail_IsListedFoundReadAndRepliedTo_AndTheSandboxGetsTheThreadedReply()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var inboxId = await app.ReceiveAsync(user, apiKey, new
        {
            from = "Ada <ada@example.net>",
            to = new[] { "hello@example.com" },
            subject = "Invoice 42",
            text = "Is invoice 42 paid yet?",
            message_id = "<invoice-42@mail.example.net>",
        });
        using var cli = new CliRunner(app, user.Token);

        var inbox = await cli.RunAsync("inbox", "--unread");
        var inboxJson = await cli.RunAsync("inbox", "--json");
        var found = await cli.RunAsync("inbox", "-q", "invoice paid");
        var notFound = await cli.RunAsync("inbox", "-q", "pineapple");
        var fromFilter = await cli.RunAsync("inbox", "--from", "ada@example.net", "--json");
        var read = await cli.RunAsync("read", inboxId.ToString());
        var stillUnread = await Email(user, inboxId);
        var reply = await cli.RunWithStdinAsync("Yes, paid on Monday.\n", "reply", inboxId.ToString(), "--json");
        var markRead = await cli.RunAsync("read", inboxId.ToString(), "--mark-read", "--headers");
        var markReadJson = await cli.RunAsync("read", inboxId.ToString(), "--mark-read", "--json");
        var nowRead = await Email(user, inboxId);
        var unreadAfter = await cli.RunAsync("inbox", "--unread");

        Assert.Equal(0, inbox.ExitCode);
        var rows = inbox.Out.TrimEnd().Split('\n');
        Assert.Matches("^ +ID +FROM +SUBJECT +LABELS +RECEIVED$", rows[0]);
        Assert.StartsWith($"*  {inboxId}  Ada <ada@example.net>  Invoice 42", rows[1], StringComparison.Ordinal);
        using (var page = JsonDocument.Parse(inboxJson.Out))
        {
            Assert.Equal(inboxId, Assert.Single(page.RootElement.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
        }

        Assert.Contains(inboxId.ToString(), found.Out, StringComparison.Ordinal);
        Assert.Equal("No mail matches 'pineapple'.", notFound.Out.TrimEnd());
        using (var page = JsonDocument.Parse(fromFilter.Out))
        {
            Assert.Single(page.RootElement.GetProperty("data").EnumerateArray());
        }

        Assert.Equal(0, read.ExitCode);
        Assert.Contains("From:    Ada <ada@example.net>", read.Out, StringComparison.Ordinal);
        Assert.Contains("Subject: Invoice 42", read.Out, StringComparison.Ordinal);
        Assert.EndsWith("Is invoice 42 paid yet?", read.Out.TrimEnd(), StringComparison.Ordinal);
        Assert.False(stillUnread.GetProperty("read").GetBoolean());

        Assert.Equal(0, reply.ExitCode);
        using var answer = JsonDocument.Parse(reply.Out);
        var (sent, headers) = await app.ReceivedAsync(apiKey, answer.RootElement);
        Assert.Equal("Re: Invoice 42", sent.GetProperty("subject").GetString());
        Assert.Equal(["ada@example.net"], sent.GetProperty("to").Strings());
        // What was typed, then the original quoted below it.
        Assert.StartsWith("Yes, paid on Monday.\n\nOn ", sent.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("<invoice-42@mail.example.net>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Contains("<invoice-42@mail.example.net>", headers.GetProperty("References").GetString(), StringComparison.Ordinal);

        Assert.Contains("Message-ID:  <invoice-42@mail.example.net>", markRead.Out, StringComparison.Ordinal);
        Assert.True(nowRead.GetProperty("read").GetBoolean());
        using (var marked = JsonDocument.Parse(markReadJson.Out))
        {
            Assert.True(marked.RootElement.GetProperty("email").GetProperty("read").GetBoolean());
        }

        Assert.Equal("No mail.", unreadAfter.Out.TrimEnd());
    }

    [Fact]
    public async Task Reply_FromAFile_ToAll_AsText_PrintsTheSendStatus()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, to: ["hello@example.com", "bob@example.org"]);
        using var cli = new CliRunner(app, user.Token);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "From a file.");

        var reply = await cli.RunAsync("reply", id.ToString(), "--body-file", file, "--all");
        File.Delete(file);

        Assert.Equal(0, reply.ExitCode);
        Assert.Matches("^(sent|queued): [0-9a-f-]{36}$", reply.Out.TrimEnd());
        using var sandbox = app.Sandbox.Http(apiKey);
        var emails = await sandbox.GetFromJsonAsync<JsonElement>("emails");
        var sent = Assert.Single(emails.GetProperty("data").EnumerateArray());
        Assert.Equal("Re: Question about my order", sent.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Reply_NoQuote_SendsOnlyWhatWasWritten()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);
        using var cli = new CliRunner(app, user.Token);

        var quoted = await cli.RunAsync("reply", id.ToString(), "--body", "With the original.", "--json");
        var plain = await cli.RunAsync("reply", id.ToString(), "--body", "Just this.", "--no-quote", "--json");

        Assert.Equal(0, quoted.ExitCode);
        Assert.Equal(0, plain.ExitCode);
        using var quotedAnswer = JsonDocument.Parse(quoted.Out);
        using var plainAnswer = JsonDocument.Parse(plain.Out);
        Assert.StartsWith("With the original.\n\nOn ", (await app.ReceivedAsync(apiKey, quotedAnswer.RootElement)).Email.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("Just this.", (await app.ReceivedAsync(apiKey, plainAnswer.RootElement)).Email.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Reply_WithoutABody_IsAUsageError_AndSendsNothing()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);
        using var cli = new CliRunner(app, user.Token);

        var empty = await cli.RunWithStdinAsync("  \n", "reply", id.ToString());
        var both = await cli.RunAsync("reply", id.ToString(), "--body", "a", "--body-file", "b.txt");

        Assert.Equal(2, empty.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Drafts_CreateAsAReply_ListGetUpdateSend_ThenSendAgainIsRefused()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, messageId: "<order-7@mail.example.org>");
        using var cli = new CliRunner(app, user.Token);

        var create = await cli.RunAsync("drafts", "create", "--reply-to", id.ToString(), "--body", "First thoughts", "--json");
        using var created = JsonDocument.Parse(create.Out);
        var draftId = created.RootElement.GetProperty("draft").GetProperty("id").GetString()!;
        var plain = await cli.RunAsync("drafts", "create", "--to", "cy@example.org", "--subject", "Plain", "--body", "x");
        var list = await cli.RunAsync("drafts", "list");
        var update = await cli.RunAsync("drafts", "update", draftId, "--body", "Final answer");
        var get = await cli.RunAsync("drafts", "get", draftId);
        var send = await cli.RunAsync("drafts", "send", draftId, "--json");
        var again = await cli.RunAsync("drafts", "send", draftId);
        var listJson = await cli.RunAsync("drafts", "list", "--json");
        var delete = await cli.RunAsync("drafts", "delete", plain.Out.Split(' ')[2].TrimEnd('.', '\n'));

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("Saved draft ", plain.Out, StringComparison.Ordinal);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Matches("^ID +TO +SUBJECT +STATE +UPDATED$", rows[0]);
        Assert.Contains(rows, r => r.StartsWith(draftId, StringComparison.Ordinal) && r.Contains("  reply  ", StringComparison.Ordinal));
        Assert.Equal(0, update.ExitCode);
        Assert.Contains($"Replies: {id}", get.Out, StringComparison.Ordinal);
        Assert.EndsWith("Final answer", get.Out.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(0, send.ExitCode);
        using var answer = JsonDocument.Parse(send.Out);
        var (sent, headers) = await app.ReceivedAsync(apiKey, answer.RootElement);
        Assert.StartsWith("Final answer\n\nOn ", sent.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("<order-7@mail.example.org>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal(1, again.ExitCode);
        Assert.EndsWith("(HTTP 409)", again.Error.TrimEnd(), StringComparison.Ordinal);
        using var drafts = JsonDocument.Parse(listJson.Out);
        // A sent draft leaves the list.
        Assert.DoesNotContain(drafts.RootElement.GetProperty("drafts").EnumerateArray(), d => d.GetProperty("id").GetString() == draftId);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task OtherTeamsMail_IsNotFound_ForReadReplyAndDrafts()
    {
        var (owner, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (intruder, intruderKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(owner.TeamId);
        using var cli = new CliRunner(app, intruder.Token);

        var results = new[]
        {
            await cli.RunAsync("read", id.ToString()),
            await cli.RunAsync("read", id.ToString(), "--mark-read"),
            await cli.RunAsync("reply", id.ToString(), "--body", "mine now"),
            await cli.RunAsync("drafts", "create", "--reply-to", id.ToString(), "--body", "x"),
        };
        var inbox = await cli.RunAsync("inbox", "--json");

        Assert.All(results, r =>
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.EndsWith("(HTTP 404)", r.Error.TrimEnd(), StringComparison.Ordinal);
        });
        using var page = JsonDocument.Parse(inbox.Out);
        Assert.Empty(page.RootElement.GetProperty("data").EnumerateArray());
        Assert.False((await Email(owner, id)).GetProperty("read").GetBoolean());
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(intruderKey));
    }

    [Fact]
    public async Task Inbox_WithTeam_ReadsThatTeamsMail()
    {
        var (owner, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Support " + Guid.NewGuid().ToString("N")[..6]);
        var (id, _) = await app.InsertAsync(teamId, subject: "For the support team");
        using var cli = new CliRunner(app, owner.Token);

        var personal = await cli.RunAsync("inbox");
        var team = await cli.RunAsync("inbox", "--team", teamId.ToString());
        var read = await cli.RunAsync("read", id.ToString(), "--team", teamId.ToString());

        Assert.Equal("No mail.", personal.Out.TrimEnd());
        Assert.Contains("For the support team", team.Out, StringComparison.Ordinal);
        Assert.Equal(0, read.ExitCode);
    }

    [Fact]
    public async Task Read_EscapeSequencesInAStrangersMail_NeverReachTheTerminal()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, subject: "Hi\u001b]0;pwned\u0007\u001b[2J", from: "Eve \u001b[31m<eve@example.net>");
        using var cli = new CliRunner(app, user.Token) { Terminal = Moosermail.Cli.Output.Terminal.Create(isTty: true, measuredWidth: 200, new Dictionary<string, string?>()) };

        var read = await cli.RunAsync("read", id.ToString());
        var inbox = await cli.RunAsync("inbox");
        var json = await cli.RunAsync("read", id.ToString(), "--json");

        Assert.Equal(0, read.ExitCode);
        Assert.DoesNotContain("\u001b", read.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", read.Out, StringComparison.Ordinal);
        Assert.Contains("Subject: Hi\uFFFD]0;pwned\uFFFD\uFFFD[2J", read.Out, StringComparison.Ordinal);
        // Only the CLI's own bold escapes, around the header and the unread row.
        Assert.DoesNotContain("pwned\u0007", inbox.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b]", inbox.Out, StringComparison.Ordinal);
        using var answer = JsonDocument.Parse(json.Out);
        Assert.Equal("Hi\u001b]0;pwned\u0007\u001b[2J", answer.RootElement.GetProperty("email").GetProperty("subject").GetString());
    }

    private async Task<JsonElement> Email(TestUser user, Guid id)
    {
        var (_, body) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}"));
        return body.GetProperty("email");
    }
}
