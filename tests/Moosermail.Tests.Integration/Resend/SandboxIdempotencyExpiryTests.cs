using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>A sandbox on a fake clock, so 24 h can pass in a test.</summary>
public sealed class FakeClockSandbox : SandboxFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Time => Clock;
}

public sealed class SandboxIdempotencyExpiryTests(FakeClockSandbox sandbox) : IClassFixture<FakeClockSandbox>
{
    [Fact]
    public async Task SendEmailAsync_KeyOlderThan24Hours_IsAFreshRequest()
    {
        var key = SandboxFixture.NewKey();
        var idempotencyKey = Guid.NewGuid().ToString();
        var first = await sandbox.Client.SendEmailAsync(key, Email("First"), idempotencyKey);
        sandbox.Clock.Advance(TimeSpan.FromHours(23));
        var conflict = await sandbox.Client.SendEmailAsync(key, Email("Second"), idempotencyKey);

        sandbox.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var later = await sandbox.Client.SendEmailAsync(key, Email("Second"), idempotencyKey);

        Assert.Equal("invalid_idempotent_request", conflict.Error!.Name);
        Assert.True(later.IsSuccess);
        Assert.NotEqual(first.Value!.Id, later.Value!.Id);
    }

    private static SendEmailRequest Email(string subject) => new()
    {
        From = "hello@example.com",
        To = ["delivered@resend.dev"],
        Subject = subject,
        Text = "body",
    };
}
