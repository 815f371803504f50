using System.Net;
using System.Net.Sockets;
using Moosermail.ResendSandbox;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>
/// scripts/run stops the sandbox at once when the app refuses its settings, often while the sandbox is still starting;
/// that printed a TaskCanceledException stack trace under the app's one-line reason (found by the new-user trial).
/// </summary>
public sealed class SandboxProgramTests
{
    [Fact]
    public async Task StoppedWhileStarting_ExitsZeroWithoutAWord()
    {
        using var error = new StringWriter();

        var exit = await SandboxProgram.RunAsync(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], error, new CancellationToken(canceled: true));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task PortTaken_OneLineNamingTheAddress_Exit1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var error = new StringWriter();

        var exit = await SandboxProgram.RunAsync(["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=None"], error);

        Assert.Equal(1, exit);
        var line = error.ToString().TrimEnd();
        Assert.DoesNotContain('\n', line);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("MOOSERMAIL_SANDBOX_PORT", line, StringComparison.Ordinal);
    }
}
