using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Configuration;
using Moosermail.Core.Security;

namespace Moosermail.Tests.Unit.Security;

public sealed class SessionTokensTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Issue_ThenValidate_RoundTripsTheClaims()
    {
        var tokens = new SessionTokens(Settings(), _time);
        var userId = Guid.NewGuid();

        var issued = tokens.Issue(userId, tokenVersion: 3);
        var claims = await tokens.ValidateAsync(issued.Token);

        Assert.NotNull(claims);
        Assert.Equal(userId, claims.UserId);
        Assert.Equal(issued.TokenId, claims.TokenId);
        Assert.Equal(3, claims.TokenVersion);
        Assert.Equal(_time.GetUtcNow().AddHours(24), issued.ExpiresAt);
    }

    [Theory]
    [InlineData(24 * 3600 + 29, true)]
    [InlineData(24 * 3600 + 31, false)]
    public async Task Validate_AroundExpiry_HonoursThirtySecondsOfSkew(int secondsLater, bool valid)
    {
        var tokens = new SessionTokens(Settings(), _time);
        var issued = tokens.Issue(Guid.NewGuid(), 0);

        _time.Advance(TimeSpan.FromSeconds(secondsLater));

        Assert.Equal(valid, await tokens.ValidateAsync(issued.Token) is not null);
    }

    private static MoosermailSettings Settings() => new()
    {
        DatabaseUrl = "Host=localhost",
        EncryptionKey = new byte[32],
        JwtSecret = Convert.FromHexString("0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"),
        ResendBaseUrl = new Uri("https://api.resend.com"),
        PublicUrl = new Uri("http://localhost:7071"),
    };
}
