using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed class ForgedTokenTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    public static TheoryData<string> Forgeries => new()
    {
        "alg-none", "hs512", "other-secret", "edited-payload", "expired-beyond-skew", "wrong-issuer", "wrong-audience", "garbage", "longer-than-24h",
    };

    [Fact]
    public async Task ControlToken_SignedLikeTheApp_IsAccepted()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await MeAsync(Sign(user, SecurityAlgorithms.HmacSha256));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_ExpiredWithinClockSkew_IsStillAccepted()
    {
        var user = await TestUsers.CreateAsync(app);
        var now = app.Time.GetUtcNow();

        var response = await MeAsync(Sign(user, SecurityAlgorithms.HmacSha256, issuedAt: now.AddHours(-24).AddSeconds(-10), lifetime: TimeSpan.FromHours(24)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedToken_IsRefusedWith401(string forgery)
    {
        var user = await TestUsers.CreateAsync(app);
        var now = app.Time.GetUtcNow();
        var token = forgery switch
        {
            "alg-none" => Unsigned(user),
            "hs512" => Sign(user, SecurityAlgorithms.HmacSha512),
            "other-secret" => Sign(user, SecurityAlgorithms.HmacSha256, secret: new string('7', 64)),
            "edited-payload" => EditPayload(Sign(user, SecurityAlgorithms.HmacSha256)),
            "expired-beyond-skew" => Sign(user, SecurityAlgorithms.HmacSha256, issuedAt: now.AddHours(-24).AddSeconds(-31), lifetime: TimeSpan.FromHours(24)),
            "wrong-issuer" => Sign(user, SecurityAlgorithms.HmacSha256, issuer: "someone-else"),
            "wrong-audience" => Sign(user, SecurityAlgorithms.HmacSha256, audience: "another-api"),
            "longer-than-24h" => Sign(user, SecurityAlgorithms.HmacSha256, lifetime: TimeSpan.FromDays(7)),
            _ => "not.a.token",
        };

        var response = await MeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpResponseMessage> MeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    private string Sign(TestUser user, string algorithm, string? secret = null, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, string issuer = "moosermail", string audience = "moosermail-api")
    {
        var key = Convert.FromHexString(secret ?? AppFixture.JwtSecretHex);
        if (algorithm == SecurityAlgorithms.HmacSha512)
        {
            key = [.. key, .. key]; // HS512 needs a 64-byte key; the same secret doubled
        }

        var iat = issuedAt ?? app.Time.GetUtcNow();
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = iat.UtcDateTime,
            NotBefore = iat.UtcDateTime,
            Expires = iat.Add(lifetime ?? TimeSpan.FromHours(1)).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = user.UserId.ToString(), ["jti"] = Guid.NewGuid().ToString(), ["ver"] = 0 },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), algorithm),
        });
    }

    private string Unsigned(TestUser user)
    {
        var now = app.Time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = Base64Url($"{{\"sub\":\"{user.UserId}\",\"jti\":\"{Guid.NewGuid()}\",\"ver\":0,\"iss\":\"moosermail\",\"aud\":\"moosermail-api\",\"iat\":{now},\"nbf\":{now},\"exp\":{now + 3600}}}");
        return $"{header}.{payload}.";
    }

    private static string EditPayload(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"ver\":0", "\"ver\":0,\"admin\":true", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64Url(payload)}.{parts[2]}";
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
