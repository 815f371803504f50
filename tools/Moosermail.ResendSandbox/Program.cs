namespace Moosermail.ResendSandbox;

/// <summary>dotnet run --project tools/Moosermail.ResendSandbox -- --urls http://localhost:7072</summary>
public static class SandboxProgram
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Error);

    /// <summary>
    /// Runs the sandbox until it is stopped; 0 when it was stopped, 1 (with one line on <paramref name="error"/>)
    /// when it could not listen. Stopped while still starting — scripts/run ends it at once when the app refuses its
    /// settings — is a normal stop, not a stack trace under the app's one-line reason.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken stop = default)
    {
        await using var app = SandboxApp.Build(args);
        try
        {
            await ((IHost)app).RunAsync(stop);
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        catch (IOException ex) when (ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"Resend sandbox: {ex.Message} Stop what listens there, or give another address with --urls (scripts/run: MOOSERMAIL_SANDBOX_PORT).");
            return 1;
        }
    }
}
