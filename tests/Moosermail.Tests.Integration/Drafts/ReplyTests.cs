using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Drafts;

[Collection(AppCollection.Name)]
public sealed class ReplyTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Reply_ToReceivedEmail_SandboxGetsItThreadedToTheSender()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, messageId: "<m1@mail.example.org>", references: ["<m0@mail.example.org>"]);

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "It ships today." }));

        Assert.Equal(HttpStatusCode.OK, status);
        var (email, headers) = await app.ReceivedAsync(apiKey, answer);
        Assert.Equal(["ann@example.org"], email.GetProperty("to").Strings());
        Assert.Equal("Re: Question about my order", email.GetProperty("subject").GetString());
        Assert.StartsWith("It ships today.\n\nOn ", email.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Ann Sender <ann@example.org> wrote:\n> Hello, where is my order?\n", email.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("<m1@mail.example.org>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal("<m0@mail.example.org> <m1@mail.example.org>", headers.GetProperty("References").GetString());
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM inbox_replies WHERE email_id = @Id AND received_email_id = @Received",
            new { Id = answer.GetProperty("id").GetGuid(), Received = id }));
    }

    [Fact]
    public async Task Reply_ToMailReceivedThroughTheSandbox_IsThreadedAndShownInTheThread()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await app.ReceiveAsync(user, apiKey, new
        {
            from = "Ada <ada@example.net>",
            to = new[] { "hello@example.com" },
            subject = "Engine notes",
            text = "Patterns.",
            message_id = "<notes-2@example.net>",
            references = "<notes-1@example.net>",
        });

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "Lovely." }));
        var (_, read) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}"));
        var threadId = read.GetProperty("email").GetProperty("thread_id").GetGuid();
        var (threadStatus, thread) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/inbox/threads/{threadId}"));

        Assert.Equal(HttpStatusCode.OK, status);
        var (email, headers) = await app.ReceivedAsync(apiKey, answer);
        Assert.Equal(["ada@example.net"], email.GetProperty("to").Strings());
        Assert.Equal("Re: Engine notes", email.GetProperty("subject").GetString());
        Assert.Equal("<notes-2@example.net>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal("<notes-1@example.net> <notes-2@example.net>", headers.GetProperty("References").GetString());
        Assert.Equal(HttpStatusCode.OK, threadStatus);
        var reply = Assert.Single(thread.GetProperty("thread").GetProperty("replies").EnumerateArray());
        Assert.Equal(answer.GetProperty("id").GetGuid(), reply.GetProperty("email_id").GetGuid());
        Assert.Equal(id, reply.GetProperty("in_reply_to_email_id").GetGuid());
        Assert.Equal("Re: Engine notes", reply.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task OtherTeam_ThreadOfTheEmail_ShowsNoReplies()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (stranger, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, threadId) = await app.InsertAsync(user.TeamId);
        var (replied, _) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }));

        var (status, _) = await _client.CallAsync(stranger.Request(HttpMethod.Get, $"api/inbox/threads/{threadId}"));

        Assert.Equal(HttpStatusCode.OK, replied);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Theory]
    [InlineData("Re: Question", "Re: Question")]
    [InlineData("RE: Question", "RE: Question")]
    [InlineData("re[2]: Question", "re[2]: Question")]
    [InlineData("Fwd: Question", "Re: Fwd: Question")]
    [InlineData("Question\r\nBcc: evil@example.net", "Re: Question Bcc: evil@example.net")]
    [InlineData("", "Re:")]
    public async Task Reply_Subject_GetsReOnceOnOneLine(string received, string expected)
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, subject: received);

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, (await app.ReceivedAsync(apiKey, answer)).Email.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Reply_ReplyAll_CopiesTheOtherRecipientsButNotTheTeamsOwnAddresses()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (_, supportKey) = await TestSenders.AddAsync(_client, user, "Support <support@example.com>");
        var (id, _) = await app.InsertAsync(user.TeamId, to: ["support@example.com", "Bob <bob@example.org>"], cc: ["carol@example.org", "hello@example.com", "ANN@example.org"]);

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b", reply_all = true, cc = "dave@example.org" }));

        Assert.Equal(HttpStatusCode.OK, status);
        // Sent from the sender the email was addressed to: through that sender's Resend key.
        var (email, _) = await app.ReceivedAsync(supportKey, answer);
        Assert.Equal(["ann@example.org"], email.GetProperty("to").Strings());
        Assert.Equal(["bob@example.org", "carol@example.org", "dave@example.org"], email.GetProperty("cc").Strings());
        Assert.Equal("Support <support@example.com>", email.GetProperty("from").GetString());
    }

    [Fact]
    public async Task Reply_WithoutReplyAll_GoesToReplyToWhenTheSenderSetIt()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, cc: ["carol@example.org"], replyTo: ["orders@example.org"]);

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { html = "<p>b</p>" }));

        Assert.Equal(HttpStatusCode.OK, status);
        var (email, _) = await app.ReceivedAsync(apiKey, answer);
        Assert.Equal(["orders@example.org"], email.GetProperty("to").Strings());
        Assert.True(email.GetProperty("cc").ValueKind == JsonValueKind.Null || email.GetProperty("cc").GetArrayLength() == 0);
    }

    [Fact]
    public async Task Reply_SameIdempotencyKey_SendsOnceAndReplaysTheAnswer()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);
        var key = Guid.NewGuid().ToString();

        var first = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }).WithKey(key));
        var second = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }).WithKey(key));

        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Body.GetProperty("id").GetGuid(), second.Body.GetProperty("id").GetGuid());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task OtherTeam_ReplyToItsEmail_Is404AndSendsNothing()
    {
        var (owner, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (stranger, strangerKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(owner.TeamId);

        var (status, _) = await _client.CallAsync(stranger.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(strangerKey));
        Assert.Equal(0, await app.CountForTeamAsync("emails", stranger.TeamId));
    }

    [Fact]
    public async Task Reply_KeyWithInboxWriteButNotEmailsSend_Is403()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["inbox:write", "inbox:read"]);

        var (status, _) = await _client.CallAsync(user.Using(key).Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("{\"body\":\"b\",\"cc\":\"not an address\"}", "cc")]
    [InlineData("{\"body\":\"b\",\"cc\":42}", "cc")]
    [InlineData("{\"body\":\"b\",\"from\":\"stranger@elsewhere.com\"}", "from")]
    [InlineData("{\"body\":\"b\",\"reply_all\":\"yes\"}", "reply_all")]
    [InlineData("{\"body\":\"b\",\"cc\":[\"a@example.org\",{\"x\":1}]}", "cc")]
    public async Task Reply_HostileBody_Is400NamingTheFieldAndSendsNothing(string json, string field)
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, $"api/inbox/{id}/reply", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("emails", user.TeamId));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Reply_ToAnEmailFromAHostileAddress_IsRefusedClearlyNot500()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (id, _) = await app.InsertAsync(user.TeamId, from: "\"x\r\nBcc: victim@example.net\" <>");

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/inbox/{id}/reply", new { body = "b" }));

        await TestUsers.AssertRejectsFieldAsync(response, "to");
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }
}
