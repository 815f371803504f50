using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Contacts;

[Collection(AppCollection.Name)]
public sealed class ContactListTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData("%", "percent@example.com")]
    [InlineData("a_b", "underscore@example.com")]
    [InlineData("\\", "backslash@example.com")]
    [InlineData("PLAIN@EX", "plain@example.com")]
    public async Task List_SearchWithLikeWildcards_MatchesThemLiterally(string search, string expected)
    {
        var user = await TestUsers.CreateAsync(app);
        await CreateAsync(user, "percent@example.com", "50% off");
        await CreateAsync(user, "underscore@example.com", "a_b");
        await CreateAsync(user, "backslash@example.com", "back\\slash");
        await CreateAsync(user, "plain@example.com", "axb 50 off");

        var emails = await EmailsAsync(user, $"api/contacts?search={Uri.EscapeDataString(search)}");

        Assert.Equal([expected], emails);
    }

    [Fact]
    public async Task List_TagFilter_ReturnsOnlyContactsWithTheTag()
    {
        var user = await TestUsers.CreateAsync(app);
        await CreateAsync(user, "one@example.com", tags: ["vip", "beta"]);
        await CreateAsync(user, "two@example.com", tags: ["beta"]);
        await CreateAsync(user, "three@example.com", tags: ["vipx"]);

        Assert.Equal(["one@example.com"], await EmailsAsync(user, "api/contacts?tag=vip"));
        Assert.Equal(["one@example.com", "two@example.com"], await EmailsAsync(user, "api/contacts?tag=beta"));
    }

    [Fact]
    public async Task List_CursorPagination_ReturnsEveryContactExactlyOnceInEmailOrder()
    {
        var user = await TestUsers.CreateAsync(app);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await CreateAsync(user, $"p{(i * 5) % 7}-{Guid.NewGuid():N}@example.com"));
        }

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var (status, body) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts?limit=3{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("email").GetString()!));
            cursor = body.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=%%%", "cursor")]
    public async Task List_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, problem) = await SendAsync(_client, user, HttpMethod.Get, $"api/contacts?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(FirstError(problem, field)));
    }

    private async Task<string> CreateAsync(TestUser user, string email, string? name = null, string[]? tags = null)
    {
        var (status, _) = await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email, name, tags = tags ?? [] });
        Assert.Equal(HttpStatusCode.Created, status);
        return email;
    }

    private async Task<string[]> EmailsAsync(TestUser user, string path)
    {
        var (status, body) = await SendAsync(_client, user, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("email").GetString()!).ToArray();
    }
}
