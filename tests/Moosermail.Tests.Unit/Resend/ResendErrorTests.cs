using System.Net;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Unit.Resend;

public sealed class ResendErrorTests
{
    [Theory]
    [InlineData(429, "rate_limit_exceeded", true)]
    [InlineData(429, "some_future_limit", true)]
    [InlineData(429, "daily_quota_exceeded", false)]
    [InlineData(429, "monthly_quota_exceeded", false)]
    [InlineData(500, "internal_server_error", true)]
    [InlineData(502, null, true)]
    [InlineData(409, "concurrent_idempotent_requests", true)]
    [InlineData(409, "invalid_idempotent_request", false)]
    [InlineData(400, "validation_error", false)]
    [InlineData(401, "missing_api_key", false)]
    [InlineData(403, "invalid_api_key", false)]
    [InlineData(422, "missing_required_field", false)]
    public void FromResponse_StatusAndName_ClassifiesTransience(int status, string? name, bool transient)
    {
        var error = ResendError.FromResponse((HttpStatusCode)status, name, "m", TimeSpan.FromSeconds(1));

        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(transient ? TimeSpan.FromSeconds(1) : null, error.RetryAfter);
    }

    [Fact]
    public void FromResponse_NoName_FallsBackToStatusName()
    {
        var error = ResendError.FromResponse(HttpStatusCode.BadGateway, null, null, null);

        Assert.Equal("application_error", error.Name);
        Assert.Equal(502, error.StatusCode);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
    }
}
