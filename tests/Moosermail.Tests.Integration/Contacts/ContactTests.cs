using System.Net;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Contacts;

[Collection(AppCollection.Name)]
public sealed class ContactTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_ValidContact_Returns201WithLowerCasedEmailTagsAndProperties()
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, "api/contacts",
            new { email = "Ann@Example.COM", name = " Ann ", tags = new[] { "vip", " vip", "beta" }, properties = new { plan = "pro", seats = 3 } });

        var contact = body.GetProperty("contact");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("ann@example.com", contact.GetProperty("email").GetString());
        Assert.Equal("Ann", contact.GetProperty("name").GetString());
        Assert.Equal(["vip", "beta"], Strings(contact.GetProperty("tags")));
        Assert.Equal(3, contact.GetProperty("properties").GetProperty("seats").GetInt32());
        Assert.False(contact.GetProperty("unsubscribed").GetBoolean());
        Assert.False(contact.TryGetProperty("properties_json", out _));
    }

    [Fact]
    public async Task Create_SameEmailInAnotherCase_Returns409AndKeepsOneContact()
    {
        var user = await TestUsers.CreateAsync(app);
        await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "bob@example.com" });

        var (status, _) = await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "BOB@example.com", name = "Bob" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(1, await app.CountForTeamAsync("contacts", user.TeamId));
    }

    [Fact]
    public async Task GetUpdateDelete_HappyPath_ChangeOnlyTheGivenFields()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = await CreateAsync(user, "cy@example.com", "Cy", ["a"]);

        var (getStatus, got) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts/{id}");
        var (putStatus, put) = await SendAsync(_client, user, HttpMethod.Put, $"api/contacts/{id}", new { name = "", unsubscribed = true, properties = new { x = 1 } });
        var (deleteStatus, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/contacts/{id}");
        var (afterStatus, _) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts/{id}");

        var updated = put.GetProperty("contact");
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal("Cy", got.GetProperty("contact").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updated.GetProperty("name").ValueKind);
        Assert.True(updated.GetProperty("unsubscribed").GetBoolean());
        Assert.Equal(["a"], Strings(updated.GetProperty("tags")));
        Assert.Equal("cy@example.com", updated.GetProperty("email").GetString());
        Assert.Equal(1, updated.GetProperty("properties").GetProperty("x").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, afterStatus);
    }

    [Fact]
    public async Task Update_EmailOfAnotherContact_Returns409AndChangesNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        await CreateAsync(user, "taken@example.com");
        var id = await CreateAsync(user, "mine@example.com");

        var (status, _) = await SendAsync(_client, user, HttpMethod.Put, $"api/contacts/{id}", new { email = "Taken@example.com", name = "X" });
        var (_, after) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts/{id}");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("mine@example.com", after.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("contact").GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData("{\"name\":\"x\"}", "email")]
    [InlineData("{\"email\":\"not-an-address\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"tags\":[\"a;b\"]}", "tags")]
    [InlineData("{\"email\":\"a@example.com\",\"tags\":\"vip\"}", "tags")]
    [InlineData("{\"email\":\"a@example.com\",\"properties\":[1,2]}", "properties")]
    [InlineData("{\"email\":\"a@example.com\",\"properties\":{\"k\":\"\\u0000\"}}", "properties.k")]
    [InlineData("{\"email\":\"a@example.com\",\"unsubscribed\":\"yes\"}", "unsubscribed")]
    public async Task Create_BadInput_Returns400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/contacts", json);

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("contacts", user.TeamId));
    }

    [Fact]
    public async Task Update_BadEmail_Returns400AndChangesNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = await CreateAsync(user, "keep@example.com", "Keep");

        var (status, problem) = await SendAsync(_client, user, HttpMethod.Put, $"api/contacts/{id}", new { email = "nope", name = "Changed" });
        var (_, after) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(FirstError(problem, "email")));
        Assert.Equal("Keep", after.GetProperty("contact").GetProperty("name").GetString());
    }

    [Fact]
    public async Task OtherTeam_CannotReadUpdateOrDeleteTheContact()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var id = await CreateAsync(owner, "private@example.com", "Private");

        var (get, _) = await SendAsync(_client, intruder, HttpMethod.Get, $"api/contacts/{id}");
        var (put, _) = await SendAsync(_client, intruder, HttpMethod.Put, $"api/contacts/{id}", new { name = "Stolen" });
        var (delete, _) = await SendAsync(_client, intruder, HttpMethod.Delete, $"api/contacts/{id}");
        var (_, list) = await SendAsync(_client, intruder, HttpMethod.Get, "api/contacts?search=private");
        var (_, mine) = await SendAsync(_client, owner, HttpMethod.Get, $"api/contacts/{id}");

        Assert.Equal(HttpStatusCode.NotFound, get);
        Assert.Equal(HttpStatusCode.NotFound, put);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        Assert.Empty(list.GetProperty("contacts").EnumerateArray());
        Assert.Equal("Private", mine.GetProperty("contact").GetProperty("name").GetString());
    }

    private async Task<Guid> CreateAsync(TestUser user, string email, string? name = null, string[]? tags = null)
    {
        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email, name, tags = tags ?? [] });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("contact").GetProperty("id").GetGuid();
    }
}
