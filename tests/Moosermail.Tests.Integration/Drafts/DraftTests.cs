using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Drafts;

[Collection(AppCollection.Name)]
public sealed class DraftTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Crud_CreateGetListUpdateDelete_KeepsWhatWasNotChanged()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);

        var (created, body) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { to = "a@example.org, B@Example.org", subject = "Plan", body = "first" }));
        var id = body.GetProperty("draft").GetProperty("id").GetGuid();
        var (updated, changed) = await _client.CallAsync(user.Request(HttpMethod.Put, $"api/drafts/{id}", new { html = "<p>second</p>", cc = new[] { "c@example.org" } }));
        var (_, got) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/drafts/{id}"));
        var (_, list) = await _client.CallAsync(user.Request(HttpMethod.Get, "api/drafts"));
        var (deleted, _) = await _client.CallAsync(user.Request(HttpMethod.Delete, $"api/drafts/{id}"));
        var (after, _) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/drafts/{id}"));

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.OK, updated);
        var draft = got.GetProperty("draft");
        Assert.Equal(["a@example.org", "b@example.org"], draft.GetProperty("to").Strings());
        Assert.Equal(["c@example.org"], draft.GetProperty("cc").Strings());
        Assert.Equal("Plan", draft.GetProperty("subject").GetString());
        Assert.Equal("first", draft.GetProperty("text").GetString());
        Assert.Equal("<p>second</p>", changed.GetProperty("draft").GetProperty("html").GetString());
        Assert.Equal([id], list.GetProperty("drafts").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, after);
    }

    [Fact]
    public async Task Send_Draft_ReachesTheSandboxOnceAndLeavesTheListMarkedSent()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(user, new { to = "a@example.org", subject = "Plan", body = "text", from = "hello@example.com" });

        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send"));
        var (again, problem) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send"));
        var (_, draft) = await _client.CallAsync(user.Request(HttpMethod.Get, $"api/drafts/{id}"));
        var (_, list) = await _client.CallAsync(user.Request(HttpMethod.Get, "api/drafts"));
        var (edit, _) = await _client.CallAsync(user.Request(HttpMethod.Put, $"api/drafts/{id}", new { subject = "late" }));

        Assert.Equal(HttpStatusCode.OK, status);
        var (email, _) = await app.ReceivedAsync(apiKey, answer);
        Assert.Equal("Plan", email.GetProperty("subject").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(answer.GetProperty("id").GetGuid(), problem.GetProperty("email_id").GetGuid());
        Assert.Equal(answer.GetProperty("id").GetGuid(), draft.GetProperty("draft").GetProperty("sent_email_id").GetGuid());
        Assert.Equal(0, list.GetProperty("drafts").GetArrayLength());
        Assert.Equal(HttpStatusCode.Conflict, edit);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_ConcurrentlyManyTimes_GivesExactlyOneEmail()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(user, new { to = "a@example.org", subject = "Once", body = "b" });

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send"))));

        Assert.Single(answers, a => a.Status is HttpStatusCode.OK or HttpStatusCode.Accepted);
        Assert.All(answers.Where(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.Accepted)), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.Equal(1, await app.CountForTeamAsync("emails", user.TeamId));
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_SameIdempotencyKeyTwice_ReplaysTheFirstAnswer()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(user, new { to = "a@example.org", subject = "Once", body = "b" });
        var key = Guid.NewGuid().ToString();

        var first = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send").WithKey(key));
        var second = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send").WithKey(key));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Body.GetProperty("id").GetGuid(), second.Body.GetProperty("id").GetGuid());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_IncompleteDraft_Is400NamingWhatIsMissingAndTheDraftStaysUnsent()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(user, new { subject = "No one yet" });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, $"api/drafts/{id}/send"));

        await TestUsers.AssertRejectsFieldAsync(response, "to");
        var (_, list) = await _client.CallAsync(user.Request(HttpMethod.Get, "api/drafts"));
        Assert.Equal(1, list.GetProperty("drafts").GetArrayLength());
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task ReplyDraft_StartsAddressedAsTheReplyAndIsSentThreaded()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (inboxId, _) = await app.InsertAsync(user.TeamId, subject: "Invoice", messageId: "<inv@mail.example.org>");

        var (created, body) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { reply_to_inbox_id = inboxId, body = "Attached." }));
        var draft = body.GetProperty("draft");
        var (status, answer) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{draft.GetProperty("id").GetGuid()}/send"));

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(["ann@example.org"], draft.GetProperty("to").Strings());
        Assert.Equal("Re: Invoice", draft.GetProperty("subject").GetString());
        Assert.Equal(inboxId, draft.GetProperty("reply_to_inbox_id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, status);
        var (email, headers) = await app.ReceivedAsync(apiKey, answer);
        Assert.Equal("Re: Invoice", email.GetProperty("subject").GetString());
        Assert.Equal("<inv@mail.example.org>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM inbox_replies WHERE received_email_id = @Id", new { Id = inboxId }));
    }

    [Fact]
    public async Task OtherTeam_DraftsAndInboxIds_Are404AndNothingChanges()
    {
        var (owner, ownerKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var (stranger, strangerKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(owner, new { to = "a@example.org", subject = "Mine", body = "b" });
        var (inboxId, _) = await app.InsertAsync(owner.TeamId);

        var statuses = new[]
        {
            (await _client.CallAsync(stranger.Request(HttpMethod.Get, $"api/drafts/{id}"))).Status,
            (await _client.CallAsync(stranger.Request(HttpMethod.Put, $"api/drafts/{id}", new { subject = "theirs" }))).Status,
            (await _client.CallAsync(stranger.Request(HttpMethod.Post, $"api/drafts/{id}/send"))).Status,
            (await _client.CallAsync(stranger.Request(HttpMethod.Delete, $"api/drafts/{id}"))).Status,
            (await _client.CallAsync(stranger.Request(HttpMethod.Post, "api/drafts", new { reply_to_inbox_id = inboxId, body = "b" }))).Status,
        };
        var (_, strangerList) = await _client.CallAsync(stranger.Request(HttpMethod.Get, "api/drafts"));
        var (_, mine) = await _client.CallAsync(owner.Request(HttpMethod.Get, $"api/drafts/{id}"));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(0, strangerList.GetProperty("drafts").GetArrayLength());
        Assert.Equal("Mine", mine.GetProperty("draft").GetProperty("subject").GetString());
        Assert.Equal(0, await app.CountForTeamAsync("drafts", stranger.TeamId));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(ownerKey) + await app.Sandbox.AcceptedSendsAsync(strangerKey));
    }

    [Fact]
    public async Task Send_KeyWithDraftsWriteButNotEmailsSend_Is403()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var id = await CreateAsync(user, new { to = "a@example.org", subject = "s", body = "b" });
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["drafts:write"]);

        var (status, _) = await _client.CallAsync(user.Using(key).Request(HttpMethod.Post, $"api/drafts/{id}/send"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Theory]
    [InlineData("{\"to\":\"not-an-address\"}", "to")]
    [InlineData("{\"to\":42}", "to")]
    [InlineData("{\"cc\":[\"a@example.org\",7]}", "cc")]
    [InlineData("{\"from\":\"stranger@elsewhere.com\"}", "from")]
    [InlineData("{\"subject\":\"two\\r\\nlines\"}", "subject")]
    [InlineData("{\"subject\":[\"x\"]}", "subject")]
    [InlineData("{\"reply_to_inbox_id\":\"not-a-guid\"}", "reply_to_inbox_id")]
    public async Task Create_HostileBody_Is400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/drafts", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("drafts", user.TeamId));
    }

    [Fact]
    public async Task Create_TooLongBody_IsRefusedAndStoresNothing()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/drafts", new { body = new string('x', 600 * 1024) }));

        await TestUsers.AssertRejectsFieldAsync(response, "text");
        Assert.Equal(0, await app.CountForTeamAsync("drafts", user.TeamId));
    }

    private async Task<Guid> CreateAsync(TestUser user, object body)
    {
        var (status, created) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", body));
        Assert.Equal(HttpStatusCode.Created, status);
        return created.GetProperty("draft").GetProperty("id").GetGuid();
    }
}
