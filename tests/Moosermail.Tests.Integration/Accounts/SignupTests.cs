using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed class SignupTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Signup_NewAndExistingEmail_AnswerIdentically()
    {
        var email = TestUsers.NewEmail();

        var first = await _client.PostAsJsonAsync("api/auth/signup", new { email, password = TestUsers.Password });
        var second = await _client.PostAsJsonAsync("api/auth/signup", new { email = email.ToUpperInvariant(), password = "another password entirely" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("{\"ok\":true}", await second.Content.ReadAsStringAsync());
        Assert.Equal(HeaderNames(first), HeaderNames(second));
    }

    [Fact]
    public async Task Signup_ExistingEmail_LeavesTheAccountUnchanged()
    {
        var user = await TestUsers.SignupAndLoginAsync(_client);

        await _client.PostAsJsonAsync("api/auth/signup", new { email = user.Email, password = "attacker password 123" });

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "attacker password 123" })).StatusCode);
    }

    [Fact]
    public async Task Signup_StoresBcryptHashAtCost12_AndAPersonalTeamOwnedByTheUser()
    {
        var user = await TestUsers.SignupAndLoginAsync(_client);

        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        var hash = await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @Id", new { Id = user.UserId });
        var role = await connection.ExecuteScalarAsync<string>(
            "SELECT m.role FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.personal_of = @Id AND m.user_id = @Id", new { Id = user.UserId });

        Assert.Matches(@"^\$2[aby]\$12\$", hash);
        Assert.DoesNotContain(user.Password, hash, StringComparison.Ordinal);
        Assert.Equal("owner", role);
    }

    [Fact]
    public async Task Signup_PasswordOf72Bytes_WorksAndALongerOneSharingItsPrefixDoesNotLogIn()
    {
        var password = new string('é', 36); // 72 bytes in UTF-8
        var user = await TestUsers.SignupAndLoginAsync(_client, password: password);

        var longer = await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = password + "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, longer.StatusCode);
    }

    [Fact]
    public async Task Signup_PasswordOver72Bytes_IsRefusedNotTruncated()
    {
        var email = TestUsers.NewEmail();

        var response = await _client.PostAsJsonAsync("api/auth/signup", new { email, password = new string('é', 36) + "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.Contains("72 bytes", problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Theory]
    [InlineData("{\"password\":\"long enough password\"}", "email")]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"long enough password\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"short\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"            \"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":12345678901}", "password")]
    [InlineData("{\"email\":[\"a@example.com\"],\"password\":\"long enough password\"}", "email")]
    public async Task Signup_InvalidField_Returns400NamingIt(string json, string field)
    {
        var response = await _client.PostAsync("api/auth/signup", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}'");
    }

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Signup_MalformedBody_Returns400SayingSo(string body)
    {
        var response = await _client.PostAsync("api/auth/signup", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("JSON", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signup_HugeBody_IsRefusedWith413()
    {
        var json = $"{{\"email\":\"a@example.com\",\"password\":\"{new string('a', 2 * 1024 * 1024)}\"}}";

        var response = await _client.PostAsync("api/auth/signup", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await TestUsers.ProblemAsync(response);
    }

    private async Task<long> CountUsersAsync(string email)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower(@Email)", new { Email = email });
    }

    private static List<string> HeaderNames(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Order().ToList();
}
