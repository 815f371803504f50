using System.Diagnostics;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>Runs the scripts in tools/npm with the official svix and resend packages that scripts/test installs.</summary>
public static class NodeTools
{
    public static readonly string Directory = FindToolsDirectory();

    public static bool Installed => System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "svix"))
        && System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "resend"));

    public static async Task<string> RunAsync(string script, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await errors}");
    }

    private static string FindToolsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Moosermail.sln")))
            {
                return Path.Combine(dir.FullName, "tools", "npm");
            }
        }

        throw new InvalidOperationException("Moosermail.sln not found above the test output directory.");
    }
}

/// <summary>A fact that needs tools/npm/node_modules; skipped with a clear reason only when it is missing.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!NodeTools.Installed)
        {
            Skip = $"{NodeTools.Directory}/node_modules is missing: run scripts/test (it runs npm ci there) or `npm ci` in tools/npm.";
        }
    }
}
