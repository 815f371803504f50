using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed class EmailVerificationTests(AppFixture app)
{
    private const string Subject = "Confirm your email address";
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Signup_MailsAVerificationLink_AndVerifyMarksTheAccountOnce()
    {
        var user = await TestUsers.SignupAndLoginAsync(_client);
        Assert.False(await IsVerifiedAsync(user));
        var token = await OperatorMailbox.TokenMailedToAsync(app, user.Email, Subject);

        var verify = await _client.PostAsJsonAsync("api/auth/verify", new { token });
        var again = await _client.PostAsJsonAsync("api/auth/verify", new { token });

        Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        await TestUsers.AssertRejectsFieldAsync(again, "token");
        Assert.True(await IsVerifiedAsync(user));
    }

    [Fact]
    public async Task VerifyRequest_MailsAFreshLinkToTheSignedInUser()
    {
        var user = await TestUsers.CreateAsync(app, verified: false);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/verify/request"));
        var token = await OperatorMailbox.TokenMailedToAsync(app, user.Email, Subject);
        var verify = await _client.PostAsJsonAsync("api/auth/verify", new { token });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        Assert.True(await IsVerifiedAsync(user));
    }

    [Fact]
    public async Task Verify_AfterSevenDays_IsRefused()
    {
        var user = await TestUsers.CreateAsync(app, verified: false);
        await _client.SendAsync(user.Request(HttpMethod.Post, "api/auth/verify/request"));
        var token = await OperatorMailbox.TokenMailedToAsync(app, user.Email, Subject);
        app.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var verify = await _client.PostAsJsonAsync("api/auth/verify", new { token });

        await TestUsers.AssertRejectsFieldAsync(verify, "token");
    }

    [Fact]
    public async Task WithoutOperatorMail_SignupStillWorks_AndAVerificationRequestAnswers503()
    {
        var (other, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SYSTEM_RESEND_KEY"] = null, ["MOOSERMAIL_SYSTEM_FROM"] = null });
        await using var _ = other;
        using var __ = client;

        var user = await TestUsers.SignupAndLoginAsync(client);
        var request = await client.SendAsync(user.Request(HttpMethod.Post, "api/auth/verify/request"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, request.StatusCode);
        Assert.Contains("MOOSERMAIL_SYSTEM_RESEND_KEY", (await TestUsers.ProblemAsync(request)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"token\": 5}")]
    [InlineData("{\"token\": \"\"}")]
    [InlineData("{\"token\": \"' OR 1=1 --\"}")]
    [InlineData("{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")]
    [InlineData("{}")]
    public async Task Verify_HostileBody_Is400NamingToken(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/verify") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        await TestUsers.AssertRejectsFieldAsync(await _client.SendAsync(request), "token");
    }

    private async Task<bool> IsVerifiedAsync(TestUser user)
    {
        var me = await _client.SendAsync(user.Request(HttpMethod.Get, "api/auth/me"));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        return (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email_verified").GetBoolean();
    }
}
