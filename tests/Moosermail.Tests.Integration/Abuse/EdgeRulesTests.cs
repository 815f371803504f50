using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Moosermail.Functions.Pipeline;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using Npgsql;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// The edge of every route, attacked over HTTP: bodies in other media types, cross-site browser posts to
/// login/signup/logout, bodies over the cap with and without Content-Length.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class EdgeRulesTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    /// <summary>Every route that reads a JSON body (method, path; {id} is a random id, {key} a random trigger key).</summary>
    public static TheoryData<string, string> JsonRoutes => new()
    {
        { "POST", "api/auth/signup" }, { "POST", "api/auth/login" }, { "POST", "api/auth/password" }, { "DELETE", "api/auth/account" },
        { "POST", "api/send" }, { "POST", "api/send/batch" }, { "PATCH", "api/emails/{id}" },
        { "POST", "api/templates" }, { "PUT", "api/templates/{id}" }, { "POST", "api/templates/{id}/render" },
        { "POST", "api/contacts" }, { "PUT", "api/contacts/{id}" },
        { "POST", "api/triggers" }, { "PUT", "api/triggers/{id}" }, { "POST", "api/trigger/{key}" },
        { "POST", "api/keys" }, { "PUT", "api/keys/{id}" }, { "POST", "api/api-keys" }, { "PUT", "api/webhooks/resend" },
        { "POST", "api/mcp" },
    };

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task JsonRoute_ATextPlainBody_Is415AndNotParsed(string method, string path)
    {
        var user = await TestUsers.CreateAsync(app);
        var email = TestUsers.NewEmail("form");
        using var request = user.Request(new HttpMethod(method), Concrete(path));
        // What an HTML form with enctype=text/plain can post cross-site without a preflight: valid JSON, wrong type.
        request.Content = new StringContent($$"""{"email":"{{email}}","password":"{{TestUsers.Password}}","name":"x","to":"a@example.com"}""", Encoding.UTF8, "text/plain");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Fact]
    public async Task Signup_FormUrlEncoded_Is415()
    {
        var response = await _client.PostAsync("api/auth/signup", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@example.com" }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task LoginAndSignup_CrossSite_AreRefusedAndSetNoCookie(string header, string value)
    {
        var user = await TestUsers.CreateAsync(app);
        var newEmail = TestUsers.NewEmail("csrf");
        using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        using var signup = new HttpRequestMessage(HttpMethod.Post, "api/auth/signup") { Content = JsonContent.Create(new { email = newEmail, password = TestUsers.Password }) };
        login.Headers.Add(header, value);
        signup.Headers.Add(header, value);

        var loginAnswer = await _client.SendAsync(login);
        var signupAnswer = await _client.SendAsync(signup);

        Assert.Equal(HttpStatusCode.Forbidden, loginAnswer.StatusCode);
        Assert.False(loginAnswer.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Forbidden, signupAnswer.StatusCode);
        Assert.Equal(0, await CountUsersAsync(newEmail));
    }

    [Fact]
    public async Task Logout_CrossSite_IsRefusedAndTheSessionStillWorks()
    {
        var user = await TestUsers.CreateAsync(app);
        using var logout = new HttpRequestMessage(HttpMethod.Post, "api/auth/logout");
        logout.Headers.Add("Cookie", $"{SessionCookie.Name}={user.Token}");
        logout.Headers.Add("Origin", "https://evil.example");

        var refused = await _client.SendAsync(logout);
        var me = await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Login_SameSiteOrigin_IsAllowed()
    {
        var user = await TestUsers.CreateAsync(app);
        using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        login.Headers.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        login.Headers.Add("Sec-Fetch-Site", "same-origin");

        var response = await _client.SendAsync(login);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("api/templates", "application/json", 1024 * 1024 * 2)]
    [InlineData("api/contacts/import", "text/csv", 1024 * 1024 * 6)]
    [InlineData("api/mcp", "application/json", 1024 * 1024 * 2)]
    [InlineData("api/webhooks/resend/whe_0123456789abcdef0123456789abcdef", "application/json", 1024 * 1024 * 2)]
    [InlineData("api/auth/login", "application/json", 1024 * 1024 * 2)]
    public async Task BodyOverTheCap_WithoutContentLength_Is413(string path, string mediaType, long size)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.Request(HttpMethod.Post, path);
        request.Content = new ChunkedContent(size, mediaType);

        var response = await _client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SenderCheck_ResendRateLimited_Is429WithRetryAfter_NotA502_AndStoresNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var apiKey = SandboxFixture.NewKey();
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 5, status = 429 });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = apiKey, from_address = "a@example.com" }));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Contains("Retry after", (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM senders WHERE team_id = @TeamId", new { user.TeamId }));
    }

    [Fact]
    public async Task TriggerOverItsLimit_429SaysTheSecondsToWait()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var template = await Templates.TestContent.CreateTemplateAsync(_client, user);
        var (status, created) = await Templates.TestContent.SendAsync(_client, user, HttpMethod.Post, "api/triggers",
            new { name = "limited", template_id = template.GetProperty("id").GetGuid(), default_to = "a@example.com", rate_limit_per_minute = 1 });
        Assert.Equal(HttpStatusCode.Created, status);
        var key = created.GetProperty("trigger").GetProperty("trigger_key").GetString()!;

        HttpRequestMessage Fire()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/trigger") { Content = JsonContent.Create(new { variables = new { name = "Ann" } }) };
            request.Headers.Add("X-Trigger-Key", key);
            return request;
        }

        var first = await _client.SendAsync(Fire());
        var second = await _client.SendAsync(Fire());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var seconds = (int)second.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        var problem = await TestUsers.ProblemAsync(second);
        Assert.Contains($"Retry after {seconds} second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(seconds, problem.GetProperty("retry_after").GetInt32());
    }

    private static string Concrete(string path) =>
        path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal).Replace("{key}", "tk_" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);

    private async Task<long> CountUsersAsync(string email)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @Email", new { Email = email });
    }
}
