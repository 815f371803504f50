using System.Net;
using System.Text;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;
using Npgsql;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// Text that Postgres or a mail header cannot take is refused at the edge with a 400 naming the field, and
/// nothing is stored: NUL, lone surrogates, hidden characters in addresses, CR/LF in headers.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class InputRulesTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData("api/emails?to=%00", "to")]
    [InlineData("api/contacts?search=%00", "search")]
    [InlineData("api/contacts?tag=a%00b", "tag")]
    [InlineData("api/stats?since=%00", "since")]
    public async Task QueryParameter_WithNul_Is400NamingIt(string path, string field)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Get, path));

        await TestUsers.AssertRejectsFieldAsync(response, field);
    }

    [Theory]
    [InlineData("to")]
    [InlineData("cc")]
    [InlineData("bcc")]
    [InlineData("reply_to")]
    public async Task Send_LoneSurrogateInARecipientField_Is400NamingItAndStoresNothing(string field)
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var json = field == "to"
            ? """{"to":"\ud800@example.com","subject":"Hi","body":"x"}"""
            : $$"""{"to":"a@example.com","subject":"Hi","body":"x","{{field}}":"\ud800@example.com"}""";

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/send", json));

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("emails", user.TeamId));
    }

    [Theory]
    [InlineData("""{"to":"a@example.com","subject":"a\u0000b","body":"x"}""", "subject")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","tags":{"k\u0000":"v"}}""", "tags")]
    [InlineData("""{"to":"a@example.com","subject":"Hi\r\nBcc: victim@example.com","body":"x"}""", "subject")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","headers":{"X-Note":"a\r\nBcc: v@example.com"}}""", "headers.X-Note")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","headers":{"X-Bad\r\nBcc":"v"}}""", "headers")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","headers":{"Bcc":"v@example.com"}}""", "headers.Bcc")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","headers":{"content-type":"text/html"}}""", "headers.content-type")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","headers":{"Reply-To":"v@example.com"}}""", "headers.Reply-To")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","attachments":[{"filename":"a.txt","content":"aGk=","content_type":"text/plain\r\nX: y"}]}""", "attachments[0].content_type")]
    [InlineData("""{"to":"a@example.com","subject":"Hi","body":"x","attachments":[{"filename":"a.txt","content":"aGk=","content_type":"not a type"}]}""", "attachments[0].content_type")]
    [InlineData("""{"to":"a\u202Egro.elpmaxe@evil.example","subject":"Hi","body":"x"}""", "to")]
    [InlineData("""{"to":"a\u0007@example.com","subject":"Hi","body":"x"}""", "to")]
    public async Task Send_HostileText_Is400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/send", json));

        await TestUsers.AssertRejectsFieldAsync(response, field.StartsWith("tags", StringComparison.Ordinal) ? "tags" : field);
        Assert.Equal(0, await app.CountForTeamAsync("emails", user.TeamId));
    }

    [Fact]
    public async Task Send_AValidAttachmentMediaType_IsAccepted()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);

        var response = await _client.SendAsync(user.RawJson(HttpMethod.Post, "api/send",
            """{"to":"a@example.com","subject":"Hi","body":"x","attachments":[{"filename":"a.pdf","content":"aGk=","content_type":"application/pdf"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Trigger_NulInAVariable_Is400NamingItAndSendsNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/trigger")
        {
            Content = new StringContent("""{"to":"a@example.com","variables":{"name":"x\u0000y"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Trigger-Key", trigger.GetProperty("trigger_key").GetString());

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, "variables.name");
        Assert.Equal(0, await app.CountForTeamAsync("emails", user.TeamId));
    }

    [Fact]
    public async Task ContactImport_NulInACell_Is400NamingTheRowAndImportsNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.Request(HttpMethod.Post, "api/contacts/import");
        request.Content = new StringContent("email,name\nok@example.com,Fine\nbad@example.com,Nul\0Name\n", Encoding.UTF8, "text/csv");

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, "csv row 3");
        Assert.Equal(0, await app.CountForTeamAsync("contacts", user.TeamId));
    }

    [Theory]
    [InlineData("user\u202E@example.com")]
    [InlineData("us\u200Ber@example.com")]
    [InlineData("user@exa\u0000mple.com")]
    [InlineData("user@-bad-.example")]
    public async Task Signup_AddressWithHiddenCharactersOrABadDomain_Is400AndCreatesNothing(string email)
    {
        var response = await _client.SendAsync(Json(HttpMethod.Post, "api/auth/signup", new { email, password = TestUsers.Password }));

        await TestUsers.AssertRejectsFieldAsync(response, "email");
        Assert.Equal(0, await CountUsersLikeAsync(email));
    }

    [Fact]
    public async Task Signup_InternationalDomain_IsStoredAsIdnaAscii()
    {
        var local = $"idn-{Guid.NewGuid():N}";

        var response = await _client.SendAsync(Json(HttpMethod.Post, "api/auth/signup", new { email = $"{local}@Bücher.example", password = TestUsers.Password }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal($"{local}@xn--bcher-kva.example", await connection.ExecuteScalarAsync<string>("SELECT email FROM users WHERE email LIKE @Prefix", new { Prefix = local + "@%" }));
    }

    [Fact]
    public async Task Contact_BidiOverrideInTheEmail_Is400()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/contacts", new { email = "ann\u202E@example.com" }));

        await TestUsers.AssertRejectsFieldAsync(response, "email");
        Assert.Equal(0, await app.CountForTeamAsync("contacts", user.TeamId));
    }

    [Fact]
    public async Task Template_SubjectWithALineBreak_Is400()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/templates", new { name = "t", subject = "Hi\r\nBcc: x@example.com", body_text = "x" }));

        await TestUsers.AssertRejectsFieldAsync(response, "subject");
        Assert.Equal(0, await app.CountForTeamAsync("templates", user.TeamId));
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) =>
        new(method, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };


    private async Task<long> CountUsersLikeAsync(string email)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @Email", new { Email = email.Replace("\0", string.Empty, StringComparison.Ordinal) });
    }
}
