using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Moosermail.Tests.Infra.Web;

/// <summary>
/// The dashboard's build type-checks its TypeScript before Vite bundles it (Vite only strips the types): package.json's
/// build runs <c>tsc --noEmit</c> first with an exactly pinned typescript, the sources pass it, and a type error fails it.
/// Runs the tsc that scripts/test installed into web/node_modules.
/// </summary>
public sealed partial class WebTypeCheckTests
{
    private static readonly string s_web = Path.Combine(BuildInfo.RepositoryRoot, "web");

    [Fact]
    public void Build_TypeChecksBeforeBundling_WithAnExactlyPinnedTypeScript()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_web, "package.json")));
        var build = package.RootElement.GetProperty("scripts").GetProperty("build").GetString();
        var typescript = package.RootElement.GetProperty("devDependencies").GetProperty("typescript").GetString();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_web, "tsconfig.json")));

        Assert.StartsWith("tsc --noEmit && ", build, StringComparison.Ordinal);
        Assert.Matches(ExactVersion(), typescript);
        Assert.True(config.RootElement.GetProperty("compilerOptions").GetProperty("strict").GetBoolean());
    }

    [Fact]
    public async Task Sources_PassTheTypeCheck()
    {
        var (exitCode, output) = await TscAsync(s_web);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task TypeError_FailsTheTypeCheck()
    {
        // A project beside the real one, extending its tsconfig with one wrong file: the sources stay untouched.
        var probe = Path.Combine(s_web, $".typecheck-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probe);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(probe, "tsconfig.json"), """{"extends": "../tsconfig.json", "include": ["../src", "probe.ts"]}""");
            await File.WriteAllTextAsync(Path.Combine(probe, "probe.ts"), "export const count: number = \"three\";\n");

            var (exitCode, output) = await TscAsync(probe);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("probe.ts", output, StringComparison.Ordinal);
            Assert.Contains("TS2322", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> TscAsync(string project)
    {
        var tsc = Path.Combine(s_web, "node_modules", ".bin", "tsc");
        Assert.True(File.Exists(tsc), $"{tsc} is missing: scripts/test installs the dashboard's npm packages (npm ci in web/).");
        var start = new ProcessStartInfo(tsc) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
        start.ArgumentList.Add("--noEmit");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(project);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tsc}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex ExactVersion();
}
