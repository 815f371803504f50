using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Security;

public sealed record IssuedToken(string Token, Guid TokenId, DateTimeOffset ExpiresAt);

public sealed record SessionClaims(Guid UserId, Guid TokenId, int TokenVersion, DateTimeOffset ExpiresAt);

/// <summary>
/// Session JWTs: HS256 only, 24 h, issuer and audience checked, 30 s of clock skew. The key comes from
/// JWT_SECRET and nowhere else: algorithm "none", other algorithms and keys named in the token header are
/// refused. Revocation is the caller's job (token version and jti deny-list, checked per request).
/// </summary>
public sealed class SessionTokens(MoosermailSettings settings, TimeProvider time)
{
    public const string Issuer = "moosermail";
    public const string Audience = "moosermail-api";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly SymmetricSecurityKey _key = new(settings.JwtSecret);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(Guid userId, int tokenVersion)
    {
        var now = time.GetUtcNow();
        var tokenId = Guid.NewGuid();
        var expires = now.Add(Lifetime);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [JwtRegisteredClaimNames.Jti] = tokenId.ToString(),
                ["ver"] = tokenVersion,
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, tokenId, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Returns null for any token that is malformed, forged, expired or not ours.</summary>
    public async Task<SessionClaims?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            TryAllIssuerSigningKeys = true, // our one configured key; tokens carry no kid
            LifetimeValidator = ValidateLifetime,
        });
        if (!result.IsValid
            || !Guid.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, out var userId)
            || !Guid.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Jti)?.Value, out var tokenId)
            || !int.TryParse(result.ClaimsIdentity.FindFirst("ver")?.Value, out var version))
        {
            return null;
        }

        return new SessionClaims(userId, tokenId, version, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } exp
            && now <= exp.Add(ClockSkew)
            && (notBefore is null || now >= notBefore.Value.Subtract(ClockSkew))
            && exp - (notBefore ?? exp) <= Lifetime;
    }
}
