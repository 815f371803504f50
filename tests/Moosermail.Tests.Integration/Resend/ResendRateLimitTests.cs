using Moosermail.Core.Resend;
using Moosermail.ResendSandbox;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>A sandbox with Resend's default limit of 2 requests per second per key.</summary>
public sealed class DefaultRateLimitSandbox : SandboxFixture
{
    protected override void Configure(SandboxOptions options)
    {
        base.Configure(options);
        options.RateLimitPerSecond = new SandboxOptions().RateLimitPerSecond;
    }
}

public sealed class ResendRateLimitTests(DefaultRateLimitSandbox sandbox) : IClassFixture<DefaultRateLimitSandbox>
{
    [Fact]
    public async Task SendEmailAsync_OverTwoPerSecond_Is429TransientWithRetryAfter()
    {
        var key = SandboxFixture.NewKey();
        var results = new List<ResendResult<SendEmailResponse>>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await sandbox.Client.SendEmailAsync(key, Email(i), Guid.NewGuid().ToString()));
        }

        var limited = results.First(r => !r.IsSuccess);
        Assert.Equal(429, limited.Error!.StatusCode);
        Assert.Equal("rate_limit_exceeded", limited.Error.Name);
        Assert.True(limited.Error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Error.RetryAfter);
        Assert.Equal(2, limited.RateLimit.Limit);
        Assert.Equal(0, limited.RateLimit.Remaining);
        Assert.Equal("2;w=1", limited.RateLimit.Policy);
        Assert.Equal(results.Count(r => r.IsSuccess), await sandbox.AcceptedSendsAsync(key));
    }

    [Fact]
    public async Task SendEmailAsync_AfterRetryAfter_Succeeds()
    {
        var key = SandboxFixture.NewKey();
        ResendResult<SendEmailResponse> result;
        do
        {
            result = await sandbox.Client.SendEmailAsync(key, Email(0), Guid.NewGuid().ToString());
        }
        while (result.IsSuccess);

        await Task.Delay(result.Error!.RetryAfter!.Value);
        var retried = await sandbox.Client.SendEmailAsync(key, Email(1), Guid.NewGuid().ToString());

        Assert.True(retried.IsSuccess);
    }

    [Fact]
    public async Task SendEmailAsync_OtherKeyThrottled_IsNotLimited()
    {
        var busy = SandboxFixture.NewKey();
        for (var i = 0; i < 3; i++)
        {
            await sandbox.Client.SendEmailAsync(busy, Email(i), Guid.NewGuid().ToString());
        }

        var other = await sandbox.Client.SendEmailAsync(SandboxFixture.NewKey(), Email(9), Guid.NewGuid().ToString());

        Assert.True(other.IsSuccess);
    }

    private static SendEmailRequest Email(int n) => new()
    {
        From = "hello@example.com",
        To = ["delivered@resend.dev"],
        Subject = $"Rate {n}",
        Text = "body",
    };
}
