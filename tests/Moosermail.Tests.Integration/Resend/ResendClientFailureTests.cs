using System.Net;
using System.Net.Sockets;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Integration.Resend;

public sealed class ResendClientFailureTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private readonly string _key = SandboxFixture.NewKey();

    [Fact]
    public async Task SendEmailAsync_Injected500_IsTransientAndRetryWithSameKeySendsOnce()
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        await sandbox.InjectFaultAsync(_key, new { fail_next = 1, status = 500 });

        var failed = await sandbox.Client.SendEmailAsync(_key, Email(), idempotencyKey);
        var retried = await sandbox.Client.SendEmailAsync(_key, Email(), idempotencyKey);

        Assert.True(failed.Error!.IsTransient);
        Assert.Equal(500, failed.Error.StatusCode);
        Assert.Equal("internal_server_error", failed.Error.Name);
        Assert.True(retried.IsSuccess);
        Assert.Equal(1, await sandbox.AcceptedSendsAsync(_key));
    }

    [Fact]
    public async Task SendEmailAsync_HtmlBadGateway_IsTransientApplicationError()
    {
        await sandbox.InjectFaultAsync(_key, new { fail_next = 1, status = 502, body = "<html><body>Bad gateway</body></html>" });

        var failed = await sandbox.Client.SendEmailAsync(_key, Email(), Guid.NewGuid().ToString());

        Assert.Equal(502, failed.Error!.StatusCode);
        Assert.Equal("application_error", failed.Error.Name);
        Assert.True(failed.Error.IsTransient);
    }

    [Fact]
    public async Task SendEmailAsync_DailyQuotaExceeded_IsPermanent()
    {
        await sandbox.InjectFaultAsync(_key, new { fail_next = 1, status = 429, name = "daily_quota_exceeded" });

        var failed = await sandbox.Client.SendEmailAsync(_key, Email(), Guid.NewGuid().ToString());

        Assert.Equal(429, failed.Error!.StatusCode);
        Assert.Equal("daily_quota_exceeded", failed.Error.Name);
        Assert.False(failed.Error.IsTransient);
        Assert.Null(failed.Error.RetryAfter);
    }

    [Fact]
    public async Task SendEmailAsync_SlowerThanTimeout_IsTransientTimeout()
    {
        var impatient = sandbox.CreateClient(sandbox.BaseUrl, TimeSpan.FromMilliseconds(300));
        await sandbox.InjectFaultAsync(_key, new { fail_next = 1, status = 0, delay_ms = 2000 });

        var failed = await impatient.SendEmailAsync(_key, Email(), Guid.NewGuid().ToString());

        Assert.Equal(ResendError.Timeout, failed.Error!.Name);
        Assert.Null(failed.Error.StatusCode);
        Assert.True(failed.Error.IsTransient);
    }

    [Fact]
    public async Task SendEmailAsync_NothingListening_IsTransientNetworkError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = sandbox.CreateClient(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromSeconds(5));

        var failed = await unreachable.SendEmailAsync(_key, Email(), Guid.NewGuid().ToString());

        Assert.Equal(ResendError.NetworkError, failed.Error!.Name);
        Assert.Null(failed.Error.StatusCode);
        Assert.True(failed.Error.IsTransient);
        Assert.DoesNotContain(_key, failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendEmailAsync_FaultOnOneKey_LeavesOtherKeysAlone()
    {
        await sandbox.InjectFaultAsync(_key, new { fail_next = 5, status = 503 });

        var other = await sandbox.Client.SendEmailAsync(SandboxFixture.NewKey(), Email(), Guid.NewGuid().ToString());

        Assert.True(other.IsSuccess);
    }

    private static SendEmailRequest Email() => new()
    {
        From = "hello@example.com",
        To = ["delivered@resend.dev"],
        Subject = "Fault",
        Text = "body",
    };
}
