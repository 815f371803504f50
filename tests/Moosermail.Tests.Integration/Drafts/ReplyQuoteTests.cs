using System.Net;
using System.Text.RegularExpressions;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Drafts;

/// <summary>
/// Replies and reply drafts as they reach the sandbox: the original quoted (text and sanitised html, or not at all with
/// quote: false), and a Message-ID of their own that threads an answer naming only it.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class ReplyQuoteTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Reply_QuotesTheOriginal_TextLinesAndSanitisedHtml()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await app.ReceiveAsync(user, apiKey, new
        {
            from = "Ada <ada@example.net>",
            to = new[] { "hello@example.com" },
            subject = "Engine notes",
            text = "Patterns.\nMore patterns.",
            html = "<p onclick=\"steal()\">Patterns <b>woven</b></p><script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>",
        });

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "Lovely.", html = "<p>Lovely.</p>" }));

        Assert.Equal(HttpStatusCode.OK, status);
        var (email, _) = await app.ReceivedAsync(apiKey, answer);
        var text = email.GetProperty("text").GetString()!;
        var html = email.GetProperty("html").GetString()!;
        Assert.StartsWith("Lovely.\n\nOn ", text, StringComparison.Ordinal);
        Assert.Contains(", Ada <ada@example.net> wrote:\n> Patterns.\n> More patterns.\n", text, StringComparison.Ordinal);
        Assert.StartsWith("<p>Lovely.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<blockquote", html, StringComparison.Ordinal);
        Assert.Contains("Patterns <b>woven</b>", html, StringComparison.Ordinal);
        Assert.Contains("Ada &lt;ada@example.net&gt; wrote:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reply_QuoteFalse_SendsOnlyWhatWasWritten()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "Just this.", quote = false }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Just this.", (await app.ReceivedAsync(apiKey, answer)).Email.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Reply_QuoteNotABoolean_Is400AndSendsNothing()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, $"api/inbox/{id}/reply", "{\"body\":\"b\",\"quote\":\"no\"}"));

        await TestUsers.AssertRejectsFieldAsync(response, "quote");
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Reply_HasItsOwnMessageId_AndAnAnswerNamingOnlyIt_JoinsTheThread()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await app.ReceiveAsync(user, apiKey, new { from = "ada@example.net", to = new[] { "hello@example.com" }, subject = "Engine notes", text = "Patterns." });
        var (_, read) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}"));
        var threadId = read.GetProperty("email").GetProperty("thread_id").GetGuid();

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "Lovely." }));
        var (_, headers) = await app.ReceivedAsync(apiKey, answer);
        var messageId = headers.GetProperty("Message-ID").GetString()!;
        // The answer names only the reply (no References) under a subject that is no reply: the headers alone thread it.
        var answerId = await app.ReceiveAsync(user, apiKey, new { from = "ada@example.net", to = new[] { "hello@example.com" }, subject = "Different words", text = "Thanks!", in_reply_to = messageId });
        var (_, answered) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/{answerId}"));
        var (_, thread) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/threads/{threadId}"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(MessageIdShape(), messageId);
        Assert.Equal(threadId, answered.GetProperty("email").GetProperty("thread_id").GetGuid());
        Assert.Equal(2, thread.GetProperty("thread").GetProperty("emails").GetArrayLength());
        Assert.Equal(messageId, Assert.Single(thread.GetProperty("thread").GetProperty("replies").EnumerateArray()).GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task TwoReplies_GetDifferentMessageIds()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);

        var (_, first) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "one" }));
        var (_, second) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "two" }));

        var a = (await app.ReceivedAsync(apiKey, first)).Headers.GetProperty("Message-ID").GetString();
        var b = (await app.ReceivedAsync(apiKey, second)).Headers.GetProperty("Message-ID").GetString();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task ReplyDraft_SentQuotedWithItsOwnMessageId_OrUnquotedWhenTurnedOff()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, threadId) = await app.InsertAsync(user.TeamId, messageId: "<q1@mail.example.org>");
        var quoted = await CreateAsync(user, new { reply_to_inbox_id = id, body = "Draft answer." });
        var plain = await CreateAsync(user, new { reply_to_inbox_id = id, body = "Plain answer.", quote = true });
        var (updated, changed) = await _client.CallAsync(user.Request(HttpMethod.Put, $"api/drafts/{plain}", new { quote = false }));

        var (sentQuoted, quotedAnswer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{quoted}/send"));
        var (sentPlain, plainAnswer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{plain}/send"));

        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.False(changed.GetProperty("draft").GetProperty("quote").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, sentQuoted);
        Assert.Equal(HttpStatusCode.OK, sentPlain);
        var (quotedEmail, quotedHeaders) = await app.ReceivedAsync(apiKey, quotedAnswer);
        var (plainEmail, plainHeaders) = await app.ReceivedAsync(apiKey, plainAnswer);
        Assert.Contains("wrote:\n> Hello, where is my order?", quotedEmail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("Plain answer.", plainEmail.GetProperty("text").GetString());
        Assert.Equal("<q1@mail.example.org>", quotedHeaders.GetProperty("In-Reply-To").GetString());
        var messageId = quotedHeaders.GetProperty("Message-ID").GetString()!;
        Assert.Matches(MessageIdShape(), messageId);
        Assert.NotEqual(messageId, plainHeaders.GetProperty("Message-ID").GetString());
        Assert.Equal(threadId, await app.ScalarAsync<Guid>(
            "SELECT thread_id FROM inbox_thread_messages WHERE team_id = @TeamId AND message_id = @MessageId", new { user.TeamId, MessageId = messageId }));
    }

    private async Task<Guid> CreateAsync(TestUser user, object body)
    {
        var (status, created) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", body));
        Assert.Equal(HttpStatusCode.Created, status);
        return created.GetProperty("draft").GetProperty("id").GetGuid();
    }

    /// <summary>A uuid at the domain of the team's sender (hello@example.com).</summary>
    [GeneratedRegex("^<[0-9a-f]{32}@example\\.com>$")]
    private static partial Regex MessageIdShape();
}
