using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed class SessionTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Login_WrongPasswordAndUnknownEmail_GiveTheSame401()
    {
        var user = await TestUsers.CreateAsync(app);

        var wrongPassword = await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong password here" });
        var unknownEmail = await _client.PostAsJsonAsync("api/auth/login", new { email = TestUsers.NewEmail(), password = "wrong password here" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        Assert.Equal(Detail(await TestUsers.ProblemAsync(wrongPassword)), Detail(await TestUsers.ProblemAsync(unknownEmail)));
    }

    [Fact]
    public async Task Login_SetsSecureSessionCookieAndNoStore()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password });

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-moosermail_session=", cookie, StringComparison.Ordinal);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains("max-age=86400", attributes);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.TryGetProperty("expires_at", out _));
    }

    [Fact]
    public async Task SessionCookie_AuthenticatesGetRequests()
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/me");
        request.Headers.Add("Cookie", $"__Host-moosermail_session={user.Token}");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Logout_RevokesTheTokenImmediatelyAndClearsTheCookie()
    {
        var user = await TestUsers.CreateAsync(app);

        var logout = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/logout"));
        var after = await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Contains("max-age=0", Assert.Single(logout.Headers.GetValues("Set-Cookie")).ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_RevokesEveryOlderTokenAndTheNewPasswordWorks()
    {
        var user = await TestUsers.CreateAsync(app);
        var secondSession = await TestUsers.LoginAsync(_client, user.Email, user.Password);

        var change = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/password", new { current_password = user.Password, new_password = "a brand new password" }));

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync((user with { Token = secondSession }).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        await TestUsers.LoginAsync(_client, user.Email, "a brand new password");
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_IsRefusedAndChangesNothing()
    {
        var user = await TestUsers.CreateAsync(app);

        var change = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/password", new { current_password = "not the password", new_password = "a brand new password" }));

        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
    }

    [Fact]
    public async Task DeleteAccount_RemovesTheUserTheirSolelyOwnedTeamAndTheirTokens()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Delete, "api/auth/account", new { password = user.Password }));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE id = @Id", new { Id = user.UserId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM teams WHERE id = @Id", new { Id = user.TeamId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM teams WHERE id = @Id", new { Id = other.TeamId }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(other.Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
    }

    [Fact]
    public async Task Me_ListsTeamsWithRoleAndPermissions()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var team = Assert.Single(body.RootElement.GetProperty("teams").EnumerateArray());
        Assert.Equal(user.TeamId, team.GetProperty("id").GetGuid());
        Assert.Equal("owner", team.GetProperty("role").GetString());
        Assert.Contains(team.GetProperty("permissions").EnumerateArray(), p => p.GetString() == "team:admin");
        Assert.Equal(user.Email, body.RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task TeamHeader_ForATeamTheUserIsNotIn_IsForbidden()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        using var request = user.Request(HttpMethod.Get, "api/auth/me");
        request.Headers.Add("X-Moosermail-Team", other.TeamId.ToString());

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task CookiePost_FromAnotherSite_IsRefusedWhileBearerAndSameSiteWork()
    {
        var user = await TestUsers.CreateAsync(app);

        using var crossSite = CookiePost(user, "https://evil.example");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var sameSite = CookiePost(user, app.BaseAddress.GetLeftPart(UriPartial.Authority));
        using var bearer = user.Request(HttpMethod.Post, "api/auth/password", new { current_password = "wrong on purpose", new_password = "a brand new password" });
        bearer.Headers.Add("Origin", "https://evil.example");

        var crossSiteResponse = await _client.SendAsync(crossSite);
        var sameSiteResponse = await _client.SendAsync(sameSite);
        var bearerResponse = await _client.SendAsync(bearer);

        Assert.Equal(HttpStatusCode.Forbidden, crossSiteResponse.StatusCode);
        Assert.Contains("Cross-site", Detail(await TestUsers.ProblemAsync(crossSiteResponse)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, sameSiteResponse.StatusCode);
        Assert.Contains("password is wrong", Detail(await TestUsers.ProblemAsync(sameSiteResponse)), StringComparison.Ordinal);
        Assert.Contains("password is wrong", Detail(await TestUsers.ProblemAsync(bearerResponse)), StringComparison.Ordinal);
    }

    private static HttpRequestMessage CookiePost(TestUser user, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/password")
        {
            Content = JsonContent.Create(new { current_password = "wrong on purpose", new_password = "a brand new password" }),
        };
        request.Headers.Add("Cookie", $"__Host-moosermail_session={user.Token}");
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString()!;
}
