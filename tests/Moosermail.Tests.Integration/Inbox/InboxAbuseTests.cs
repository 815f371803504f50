using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Inbox.InboxReceivingTests;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>Another team's ids are 404 on every inbox route; hostile PATCH bodies are clear 4xx that change nothing.</summary>
[Collection(AppCollection.Name)]
public sealed class InboxAbuseTests(AppFixture app)
{
    [Fact]
    public async Task OtherTeam_EveryInboxRoute_Is404_AndListShowsNothing()
    {
        using var client = app.CreateClient();
        var (owner, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var id = await app.ReceiveAsync(owner, apiKey, new
        {
            from = "a@example.net",
            subject = "Private",
            text = "secret words",
            attachments = new[] { new { filename = "a.txt", content_type = "text/plain", content = Convert.ToBase64String("hello"u8.ToArray()) } },
        });
        var email = await EmailAsync(client, owner, id);
        var attachmentId = email.GetProperty("attachments")[0].GetProperty("id").GetString();
        var threadId = email.GetProperty("thread_id").GetGuid();
        var other = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(client, other);

        var answers = new List<HttpResponseMessage>
        {
            await client.SendAsync(other.Request(HttpMethod.Get, $"api/inbox/{id}")),
            await client.SendAsync(other.Request(HttpMethod.Patch, $"api/inbox/{id}", new { read = true, labels = new[] { "stolen" } })),
            await client.SendAsync(other.Request(HttpMethod.Get, $"api/inbox/threads/{threadId}")),
            await client.SendAsync(other.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{attachmentId}")),
        };
        var otherList = await ListAsync(client, other, $"api/inbox?thread={threadId}&hidden=true");
        var otherSearch = await ListAsync(client, other, "api/inbox?q=secret");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        Assert.Empty(otherList);
        Assert.Empty(otherSearch);
        var after = await EmailAsync(client, owner, id);
        Assert.False(after.GetProperty("read").GetBoolean());
        Assert.Empty(after.GetProperty("labels").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"labels": ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}""", "labels")]
    [InlineData("""{"labels": ["<script>alert(1)</script>"]}""", "labels")]
    [InlineData("""{"labels": [""]}""", "labels")]
    [InlineData("""{"labels": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}""", "labels")]
    [InlineData("""{"labels": ["ok", null]}""", "labels")]
    [InlineData("""{"labels": "finance"}""", "labels")]
    [InlineData("""{"labels": [1, 2]}""", "labels[0]")]
    [InlineData("""{"read": "yes"}""", "read")]
    [InlineData("""{"hidden": 1}""", "hidden")]
    public async Task Patch_HostileBody_Is400_AndChangesNothing(string json, string field)
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var id = await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Target" });

        var response = await client.SendAsync(user.RawJson(HttpMethod.Patch, $"api/inbox/{id}", json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(e => e.Name.StartsWith(field.Split('[')[0], StringComparison.Ordinal)),
            problem.ToString());
        var email = await EmailAsync(client, user, id);
        Assert.Empty(email.GetProperty("labels").EnumerateArray());
        Assert.False(email.GetProperty("read").GetBoolean());
        Assert.False(email.GetProperty("hidden").GetBoolean());
    }

    [Theory]
    [InlineData("[1,2]", "application/json", 400)]
    [InlineData("not json", "application/json", 400)]
    [InlineData("read=true", "application/x-www-form-urlencoded", 415)]
    public async Task Patch_NotAJsonObject_IsClear4xx(string body, string mediaType, int status)
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var id = await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Target" });
        using var request = user.Request(HttpMethod.Patch, $"api/inbox/{id}");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType);

        var response = await client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.False((await EmailAsync(client, user, id)).GetProperty("read").GetBoolean());
    }

    [Fact]
    public async Task Patch_MissingEmail_Is404()
    {
        using var client = app.CreateClient();
        var user = await TestUsers.CreateAsync(app);

        var response = await client.SendAsync(user.Request(HttpMethod.Patch, $"api/inbox/{Guid.NewGuid()}", new { read = true }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Search_HostileQuery_IsAnsweredNot500()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "Hello", text = "world" });

        foreach (var q in new[] { "!!!", "a & | ! ( ) : *", "\"unterminated", "' OR 1=1 --", "-world", "héllo wörld" })
        {
            var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox?q={Uri.EscapeDataString(q)}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").ValueKind);
        }
    }
}
