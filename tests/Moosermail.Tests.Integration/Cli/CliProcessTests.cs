using System.Runtime.Versioning;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>The built moosermail binary as a child process: its exit codes, its piped (colourless) output, its config file.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(AppCollection.Name)]
public sealed class CliProcessTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Binary_ExitCodes_AreZeroOkOneApiErrorTwoUsage()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);

        var ok = await cli.RunProcessAsync(null, "templates", "list");
        var json = await cli.RunProcessAsync(null, "templates", "get", template.GetProperty("id").GetString()!, "--json");
        var apiError = await cli.RunProcessAsync(null, "templates", "get", Guid.NewGuid().ToString());
        var usage = await cli.RunProcessAsync(null, "templates", "create", "--name", "x");
        var help = await cli.RunProcessAsync(null, "--help");

        Assert.Equal(0, ok.ExitCode);
        Assert.Matches("^ID +NAME +SUBJECT", ok.Out);
        Assert.DoesNotContain("\u001b", ok.Out, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using (var detail = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(template.GetProperty("id").GetString(), detail.RootElement.GetProperty("template").GetProperty("id").GetString());
        }

        Assert.Equal(1, apiError.ExitCode);
        Assert.Empty(apiError.Out);
        Assert.Matches(@"^error: .+ \(HTTP 404\)$", apiError.Error.TrimEnd());
        Assert.Equal(2, usage.ExitCode);
        Assert.Empty(usage.Out);
        Assert.Contains("--subject", usage.Error, StringComparison.Ordinal);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("templates", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_LoginWithAProfile_WritesAnOwnerOnlyFileThatTheNextRunUses()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);

        var login = await cli.RunProcessAsync(user.Password + "\n", "login", "--profile", "work", "--email", user.Email, "--password-stdin");
        cli.Environment["MOOSERMAIL_PROFILE"] = "work";
        var whoami = await cli.RunProcessAsync(null, "whoami");
        var colourless = await cli.RunProcessAsync(null, "whoami");

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        Assert.DoesNotContain(CliTests.StoredToken(cli, "work")!, login.Out + login.Error + whoami.Out, StringComparison.Ordinal);
        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains(user.Email, whoami.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", colourless.Out, StringComparison.Ordinal);
    }
}
