using System.Net;
using System.Text;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Contacts;

[Collection(AppCollection.Name)]
public sealed class ContactImportTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Import_GoodBadAndRepeatedRows_ReportsCountsAndPerRowErrors()
    {
        var user = await TestUsers.CreateAsync(app);
        await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "old@example.com", name = "Old", tags = new[] { "x" } });
        const string csv = "email,name,tags\n"
            + "new1@example.com,New One,a;b\n"
            + "OLD@example.com,Old Renamed,c\n"
            + "not-an-email,Bad,\n"
            + "new1@example.com,Again,\n"
            + "\"new2@example.com\",,\n";

        var (status, body) = await ImportAsync(user, csv);
        var (_, old) = await SendAsync(_client, user, HttpMethod.Get, "api/contacts?search=old@");
        var (_, all) = await SendAsync(_client, user, HttpMethod.Get, "api/contacts");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("imported").GetInt32());
        Assert.Equal(1, body.GetProperty("updated").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([4, 5], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.Equal(["not-an-email", "new1@example.com"], errors.Select(e => e.GetProperty("email").GetString()));
        Assert.Contains("email", errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("row 2", errors[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        var updated = old.GetProperty("contacts")[0];
        Assert.Equal("Old Renamed", updated.GetProperty("name").GetString());
        Assert.Equal(["c", "x"], Strings(updated.GetProperty("tags")));
        Assert.Equal(["new1@example.com", "new2@example.com", "old@example.com"], all.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("email").GetString()));
        Assert.Equal(["a", "b"], Strings(all.GetProperty("contacts")[0].GetProperty("tags")));
        Assert.Equal("New One", all.GetProperty("contacts")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Import_HeaderInAnyOrderAndCase_IsRead()
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, body) = await ImportAsync(user, "\uFEFFTags, Email\r\nq;r,z@example.com\r\n");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("imported").GetInt32());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Import_WithoutAnEmailColumn_Returns400AndImportsNothing()
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, _) = await ImportAsync(user, "name,tags\nAnn,a\n");
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/contacts");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(list.GetProperty("contacts").EnumerateArray());
    }

    [Fact]
    public async Task Import_NotTextCsv_Returns415()
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, _) = await ImportAsync(user, "email\na@example.com\n", "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task Import_BodyOver5MB_Returns413WithAClearMessage()
    {
        var user = await TestUsers.CreateAsync(app);
        var csv = new StringBuilder("email\n");
        while (csv.Length <= 5 * 1024 * 1024)
        {
            csv.Append(Guid.NewGuid().ToString("N")).Append("@example.com\n");
        }

        var (status, problem) = await ImportAsync(user, csv.ToString());
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/contacts");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("5 MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(list.GetProperty("contacts").EnumerateArray());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(TestUser user, string csv, string mediaType = "text/csv")
    {
        using var request = user.Request(HttpMethod.Post, "api/contacts/import");
        request.Content = new StringContent(csv, Encoding.UTF8, mediaType);
        var response = await _client.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}
