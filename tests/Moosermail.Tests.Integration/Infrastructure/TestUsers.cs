using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Accounts;
using Moosermail.Core.Security;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>A signed-up, logged-in user of a test, with its personal team.</summary>
public sealed record TestUser(string Email, string Password, string Token, Guid UserId, Guid TeamId)
{
    public HttpRequestMessage Request(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    /// <summary>A request with a raw JSON body, for tests of malformed or mistyped input.</summary>
    public HttpRequestMessage RawJson(HttpMethod method, string path, string json)
    {
        var request = Request(method, path);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return request;
    }
}

public static class TestUsers
{
    public const string Password = "correct horse battery staple";

    public static string NewEmail(string tag = "user") => $"{tag}-{Guid.NewGuid():N}@example.com";

    private static readonly Lazy<string> s_passwordHash = new(() => PasswordHasher.Hash(Password));

    /// <summary>
    /// A user with a personal team, made through the real repository and token issuer but without the
    /// two bcrypt rounds of signup and login over HTTP (a quarter second each); tests of those routes use
    /// <see cref="SignupAndLoginAsync"/>.
    /// </summary>
    /// <param name="verified">
    /// Whether the address counts as verified (set directly, as if the user had followed the link): most tests
    /// are not about verification, and invitations need it. EmailVerificationTests go through the real link.
    /// </param>
    public static async Task<TestUser> CreateAsync(AppFixture app, string? email = null, bool verified = true)
    {
        email ??= NewEmail();
        var userId = Guid.NewGuid();
        var teamId = Guid.NewGuid();
        var created = await app.App.Services.GetRequiredService<AccountRepository>().TryCreateAsync(userId, email, s_passwordHash.Value, teamId, CancellationToken.None);
        Assert.True(created);
        if (verified)
        {
            await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl);
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE users SET email_verified_at = now() WHERE id = @UserId", new { UserId = userId });
        }

        var token = app.App.Services.GetRequiredService<SessionTokens>().Issue(userId, tokenVersion: 0);
        return new TestUser(email, Password, token.Token, userId, teamId);
    }

    public static async Task<TestUser> SignupAndLoginAsync(HttpClient client, string? email = null, string password = Password)
    {
        email ??= NewEmail();
        var signup = await client.PostAsJsonAsync("api/auth/signup", new { email, password });
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        var token = await LoginAsync(client, email, password);

        using var me = new HttpRequestMessage(HttpMethod.Get, "api/auth/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(me);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new TestUser(email, password, token, body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("acting_team_id").GetGuid());
    }

    public static async Task<string> LoginAsync(HttpClient client, string email, string password)
    {
        var login = await client.PostAsJsonAsync("api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>The answer is a 400 problem whose per-field errors name <paramref name="field"/> with a message.</summary>
    public static async Task AssertRejectsFieldAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name '{field}'");
        Assert.False(string.IsNullOrEmpty(messages[0].GetString()));
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
