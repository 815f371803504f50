using System.Net;
using System.Net.Http.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Accounts;

/// <summary>Password reset through operator mail, read from the sandbox as a user would read it.</summary>
[Collection(AppCollection.Name)]
public sealed class PasswordResetTests(AppFixture app)
{
    private const string Subject = "Reset your Moosermail password";
    private const string NewPassword = "a freshly reset password";
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Request_UnknownAndKnownAddress_AnswerIdentically_AndOnlyTheAccountGetsMail()
    {
        var user = await TestUsers.CreateAsync(app);
        var unknown = TestUsers.NewEmail("nobody");

        var forUnknown = await _client.PostAsJsonAsync("api/auth/password-reset", new { email = unknown });
        var forKnown = await _client.PostAsJsonAsync("api/auth/password-reset", new { email = user.Email.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forKnown.StatusCode);
        Assert.Equal(await forUnknown.Content.ReadAsStringAsync(), await forKnown.Content.ReadAsStringAsync());
        Assert.Equal(forUnknown.Content.Headers.ContentType, forKnown.Content.Headers.ContentType);
        Assert.NotEmpty(await OperatorMailbox.TokenMailedToAsync(app, user.Email, Subject));
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM operator_mail WHERE lower(to_address) = @Unknown", new { Unknown = unknown }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM account_tokens WHERE user_id = @UserId", new { user.UserId }));
    }

    [Fact]
    public async Task Confirm_SetsThePassword_EndsEverySessionAndKey_AndTheTokenWorksOnce()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user);
        var token = await RequestTokenAsync(user.Email);

        var confirm = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token, new_password = NewPassword });
        var again = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token, new_password = "yet another password" });

        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        await TestUsers.AssertRejectsFieldAsync(again, "token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Using(key).Request(HttpMethod.Get, "api/templates"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        var session = user with { Token = await TestUsers.LoginAsync(_client, user.Email, NewPassword) };
        var me = await (await _client.SendAsync(session.Request(HttpMethod.Get, "api/auth/me"))).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(me.GetProperty("email_verified").GetBoolean());
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys WHERE created_by = @UserId", new { user.UserId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events WHERE subject_user_id = @UserId AND action = 'password.reset'", new { user.UserId }));
    }

    [Fact]
    public async Task Confirm_AfterAnHour_IsRefusedAndThePasswordStays()
    {
        var user = await TestUsers.CreateAsync(app);
        var token = await RequestTokenAsync(user.Email);
        app.Time.Advance(TimeSpan.FromMinutes(61));

        var confirm = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token, new_password = NewPassword });

        await TestUsers.AssertRejectsFieldAsync(confirm, "token");
        await TestUsers.LoginAsync(_client, user.Email, user.Password);
    }

    [Fact]
    public async Task Confirm_WithOneOfTwoLinks_EndsTheOtherToo()
    {
        var user = await TestUsers.CreateAsync(app);
        var first = await RequestTokenAsync(user.Email);
        var second = await RequestTokenAsync(user.Email, atLeast: 2);
        Assert.NotEqual(first, second);

        var confirm = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token = second, new_password = NewPassword });
        var stale = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token = first, new_password = "another new password" });

        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        await TestUsers.AssertRejectsFieldAsync(stale, "token");
    }

    [Fact]
    public async Task Request_ManyTimesInAnHour_MailsAtMostFiveLinks_AndStillAnswers202()
    {
        var user = await TestUsers.CreateAsync(app);

        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsJsonAsync("api/auth/password-reset", new { email = user.Email })).StatusCode);
        }

        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(5, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM account_tokens WHERE user_id = @UserId", new { user.UserId }));
        Assert.Equal(5, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM operator_mail WHERE to_address = @Email", new { user.Email }));
    }

    [Fact]
    public async Task WithoutOperatorMail_Answers503SayingHowToConfigureIt()
    {
        var (other, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SYSTEM_RESEND_KEY"] = null, ["MOOSERMAIL_SYSTEM_FROM"] = null });
        await using var _ = other;
        using var __ = client;

        var response = await client.PostAsJsonAsync("api/auth/password-reset", new { email = TestUsers.NewEmail() });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var detail = (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains("MOOSERMAIL_SYSTEM_RESEND_KEY", detail, StringComparison.Ordinal);
        Assert.Contains("MOOSERMAIL_SYSTEM_FROM", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"email\": 42}", "email")]
    [InlineData("{\"email\": \"not-an-address\"}", "email")]
    [InlineData("{\"email\": \"a\\u0000b@example.com\"}", "email")]
    [InlineData("{\"email\": \"victim@example.com\\r\\nBcc: all@example.com\"}", "email")]
    [InlineData("{}", "email")]
    public async Task Request_HostileBody_Is400NamingTheField(string json, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/password-reset") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(request), field);
    }

    [Theory]
    [InlineData("{\"token\": \"x\", \"new_password\": \"short\"}", "new_password")]
    [InlineData("{\"token\": 7, \"new_password\": \"long enough password\"}", "token")]
    [InlineData("{\"new_password\": \"long enough password\"}", "token")]
    [InlineData("{\"token\": \"../../etc/passwd\", \"new_password\": \"long enough password\"}", "token")]
    [InlineData("{\"token\": \"\\u0000\\u0001\", \"new_password\": \"long enough password\"}", "token")]
    public async Task Confirm_HostileBody_Is400NamingTheField(string json, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/password-reset/confirm") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(request), field);
    }

    [Fact]
    public async Task Confirm_HugeTokenOrOverlongPassword_Is400()
    {
        var hugeToken = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token = new string('A', 100_000), new_password = NewPassword });
        var longPassword = await _client.PostAsJsonAsync("api/auth/password-reset/confirm", new { token = "abc", new_password = new string('é', 40) });

        await TestUsers.AssertRejectsFieldAsync(hugeToken, "token");
        await TestUsers.AssertRejectsFieldAsync(longPassword, "new_password");
    }

    private async Task<string> RequestTokenAsync(string email, int atLeast = 1)
    {
        var response = await _client.PostAsJsonAsync("api/auth/password-reset", new { email });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await OperatorMailbox.TokenMailedToAsync(app, email, Subject, atLeast);
    }
}
