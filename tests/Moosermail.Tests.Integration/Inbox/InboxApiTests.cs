using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Inbox.InboxReceivingTests;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>Reading the inbox over HTTP: threads, filters, paging, PATCH, and what reading does not change.</summary>
[Collection(AppCollection.Name)]
public sealed class InboxApiTests(AppFixture app)
{
    [Fact]
    public async Task ReplyChain_ByHeaders_IsOneThread_OldestFirst()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var root = $"<root-{Guid.NewGuid():N}@example.net>";
        var reply = $"<reply-{Guid.NewGuid():N}@example.com>";

        var first = await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Plans", text = "Shall we?", message_id = root });
        var second = await app.ReceiveAsync(user, apiKey, new { from = "b@example.com", subject = "Re: Plans", text = "Yes", message_id = reply, in_reply_to = root, references = root });
        var third = await app.ReceiveAsync(user, apiKey, new
        {
            from = "a@example.net",
            subject = "Re: Re: Plans (moved)",
            text = "Done",
            in_reply_to = reply,
            references = $"{root} {reply}",
        });
        var unrelated = await app.ReceiveAsync(user, apiKey, new { from = "c@example.org", subject = "Plans", text = "Other plans" });
        var threadId = (await EmailAsync(client, user, first)).GetProperty("thread_id").GetGuid();
        var thread = await JsonAsync(client, user, $"api/inbox/threads/{threadId}");
        var byFilter = await ListAsync(client, user, $"api/inbox?thread={threadId}");

        var ids = thread.GetProperty("thread").GetProperty("emails").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([first, second, third], ids);
        Assert.Equal("Plans", thread.GetProperty("thread").GetProperty("subject").GetString());
        Assert.Equal(3, byFilter.Count);
        Assert.NotEqual(threadId, (await EmailAsync(client, user, unrelated)).GetProperty("thread_id").GetGuid());
        Assert.Equal([root], (await EmailAsync(client, user, second)).GetProperty("references").EnumerateArray().Select(r => r.GetString()).ToList());
    }

    [Fact]
    public async Task ReplyArrivingBeforeOriginal_OriginalJoinsItsThread()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var root = $"<late-{Guid.NewGuid():N}@example.net>";

        var reply = await app.ReceiveAsync(user, apiKey, new { from = "b@example.com", subject = "Re: Late", in_reply_to = root, references = root });
        var original = await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Late", message_id = root });

        Assert.Equal((await EmailAsync(client, user, reply)).GetProperty("thread_id").GetGuid(), (await EmailAsync(client, user, original)).GetProperty("thread_id").GetGuid());
    }

    [Fact]
    public async Task SubjectFallback_OnlyWhenThreadingHeadersAreMissing()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);

        var original = await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Quarterly   Report" });
        var bareReply = await app.ReceiveAsync(user, apiKey, new { from = "b@example.net", subject = "RE: quarterly report" });
        var headedReply = await app.ReceiveAsync(user, apiKey, new { from = "b@example.net", subject = "Re: Quarterly Report", in_reply_to = "<unknown@example.net>" });
        var notAReply = await app.ReceiveAsync(user, apiKey, new { from = "c@example.net", subject = "Quarterly report" });

        var thread = (await EmailAsync(client, user, original)).GetProperty("thread_id").GetGuid();
        Assert.Equal(thread, (await EmailAsync(client, user, bareReply)).GetProperty("thread_id").GetGuid());
        Assert.NotEqual(thread, (await EmailAsync(client, user, headedReply)).GetProperty("thread_id").GetGuid());
        Assert.NotEqual(thread, (await EmailAsync(client, user, notAReply)).GetProperty("thread_id").GetGuid());
    }

    [Fact]
    public async Task Patch_ReadArchivedHiddenLabels_AndFiltersFollow()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var kept = await app.ReceiveAsync(user, apiKey, new { from = "Billing <billing@vendor.example>", subject = "Invoice 42", text = "Amount due" });
        var hidden = await app.ReceiveAsync(user, apiKey, new { from = "noise@example.org", subject = "Newsletter", text = "News" });

        var readBefore = (await EmailAsync(client, user, kept)).GetProperty("read").GetBoolean();
        var patched = await PatchAsync(client, user, kept, new { read = true, labels = new[] { "finance", "q3 2026", "finance" } });
        await PatchAsync(client, user, hidden, new { hidden = true });
        var archived = await PatchAsync(client, user, kept, new { archived = true });

        Assert.False(readBefore);
        Assert.True(patched.GetProperty("read").GetBoolean());
        Assert.Equal(["finance", "q3 2026"], patched.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList());
        Assert.True(archived.GetProperty("read").GetBoolean());
        Assert.True(archived.GetProperty("archived").GetBoolean());
        Assert.Equal([kept], Ids(await ListAsync(client, user, "api/inbox")));
        Assert.Equal(2, (await ListAsync(client, user, "api/inbox?hidden=true")).Count);
        Assert.Empty(await ListAsync(client, user, "api/inbox?unread=true"));
        Assert.Equal([hidden], Ids(await ListAsync(client, user, "api/inbox?unread=true&hidden=true")));
        Assert.Equal([kept], Ids(await ListAsync(client, user, "api/inbox?label=finance")));
        Assert.Empty(await ListAsync(client, user, "api/inbox?label=other"));
        Assert.Equal([kept], Ids(await ListAsync(client, user, "api/inbox?from=vendor.example")));
        Assert.Equal([kept], Ids(await ListAsync(client, user, "api/inbox?archived=true")));
    }

    [Fact]
    public async Task List_NewestFirst_KeysetCursorPages()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var ids = new List<Guid>();
        foreach (var n in new[] { "first", "second", "third" })
        {
            ids.Add(await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = n }));
        }

        var page1 = await JsonAsync(client, user, "api/inbox?limit=2");
        var cursor = page1.GetProperty("next_cursor").GetString();
        var page2 = await JsonAsync(client, user, $"api/inbox?limit=2&cursor={Uri.EscapeDataString(cursor!)}");

        Assert.Equal([ids[2], ids[1]], page1.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList());
        Assert.Equal([ids[0]], page2.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("api/inbox?limit=0", "limit")]
    [InlineData("api/inbox?limit=101", "limit")]
    [InlineData("api/inbox?unread=maybe", "unread")]
    [InlineData("api/inbox?hidden=yes", "hidden")]
    [InlineData("api/inbox?cursor=not-a-cursor", "cursor")]
    [InlineData("api/inbox?thread=abc", "thread")]
    [InlineData("api/inbox?label=%3Cscript%3E", "label")]
    public async Task List_BadQuery_Is400NamingTheParameter(string path, string field)
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.Request(HttpMethod.Get, path));

        await TestUsers.AssertRejectsFieldAsync(response, field);
    }

    [Fact]
    public async Task Thread_Unknown_Is404()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/threads/{Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static async Task<JsonElement> PatchAsync(HttpClient client, TestUser user, Guid id, object body)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Patch, $"api/inbox/{id}", body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("email").Clone();
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, TestUser user, string path)
    {
        var response = await client.SendAsync(user.Request(HttpMethod.Get, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<Guid> Ids(List<JsonElement> emails) => emails.Select(e => e.GetProperty("id").GetGuid()).ToList();
}
