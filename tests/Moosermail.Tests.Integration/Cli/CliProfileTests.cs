using System.Runtime.Versioning;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>Named profiles (file, MOOSERMAIL_PROFILE, --profile, the default) and --team (X-Moosermail-Team) on every command.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(AppCollection.Name)]
public sealed class CliProfileTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Profiles_TwoAccounts_EachCommandUsesTheChosenOne_AndNothingPrintsACredential()
    {
        var home = await TestUsers.CreateAsync(app);
        var work = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        var (_, workKey, _) = await TestApiKeys.CreateAsync(_client, work);

        var loginHome = await cli.RunWithStdinAsync(home.Password + "\n", "login", "--email", home.Email, "--password-stdin");
        var loginWork = await cli.RunWithStdinAsync(workKey + "\n", "login", "--profile", "work", "--api-key-stdin", "--json");
        var byDefault = await cli.RunAsync("whoami");
        var byOption = await cli.RunAsync("whoami", "--profile", "work");
        cli.Environment["MOOSERMAIL_PROFILE"] = "work";
        var byEnvironment = await cli.RunAsync("whoami");
        var optionWinsOverEnvironment = await cli.RunAsync("--profile", "default", "whoami");
        cli.Environment["MOOSERMAIL_PROFILE"] = null;
        var list = await cli.RunAsync("profiles", "list");
        var listJson = await cli.RunAsync("profiles", "list", "--json");
        var use = await cli.RunAsync("profiles", "use", "work");
        var afterUse = await cli.RunAsync("whoami");
        var missing = await cli.RunAsync("whoami", "--profile", "nobody");

        Assert.Equal(0, loginHome.ExitCode);
        Assert.Equal(0, loginWork.ExitCode);
        using (var loginJson = JsonDocument.Parse(loginWork.Out))
        {
            Assert.Equal("work", loginJson.RootElement.GetProperty("profile").GetString());
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        Assert.Equal(workKey, CliTests.StoredToken(cli, "work"));
        Assert.Contains(home.Email, byDefault.Out, StringComparison.Ordinal);
        Assert.Contains(work.Email, byOption.Out, StringComparison.Ordinal);
        Assert.Contains(work.Email, byEnvironment.Out, StringComparison.Ordinal);
        Assert.Contains(home.Email, optionWinsOverEnvironment.Out, StringComparison.Ordinal);
        Assert.Matches(@"\* +default +http://\S+ +- +session", list.Out);
        Assert.Matches(@"\n +work +http://\S+ +- +api key", list.Out);
        using (var profiles = JsonDocument.Parse(listJson.Out))
        {
            Assert.Equal(["default", "work"], profiles.RootElement.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        }

        Assert.Equal(0, use.ExitCode);
        Assert.Contains(work.Email, afterUse.Out, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not logged in (profile 'nobody')", missing.Error, StringComparison.Ordinal);
        var everything = string.Concat(new[] { loginHome, loginWork, byDefault, byOption, byEnvironment, list, listJson, use, afterUse }.Select(r => r.Out + r.Error));
        Assert.DoesNotContain(workKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(CliTests.StoredToken(cli, "default")!, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_OneProfile_KeepsTheOther()
    {
        var first = await TestUsers.CreateAsync(app);
        var second = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        await cli.RunAsync("login", "--email", first.Email, "--password", first.Password);
        await cli.RunAsync("login", "--profile", "second", "--email", second.Email, "--password", second.Password);

        var logout = await cli.RunAsync("logout", "--profile", "second", "--json");
        var stillIn = await cli.RunAsync("whoami");
        var loggedOut = await cli.RunAsync("whoami", "--profile", "second");

        Assert.Equal(0, logout.ExitCode);
        using (var answer = JsonDocument.Parse(logout.Out))
        {
            Assert.True(answer.RootElement.GetProperty("logged_out").GetBoolean());
        }

        Assert.Null(CliTests.StoredToken(cli, "second"));
        Assert.Contains(first.Email, stillIn.Out, StringComparison.Ordinal);
        Assert.Equal(1, loggedOut.ExitCode);
    }

    [Fact]
    public async Task ConfigFromBeforeProfiles_IsReadAsTheDefaultProfile()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        Directory.CreateDirectory(Path.GetDirectoryName(cli.ConfigPath)!);
        await File.WriteAllTextAsync(cli.ConfigPath, JsonSerializer.Serialize(new { api_url = cli.Environment["MOOSERMAIL_API_URL"], token = user.Token }));

        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains(user.Email, whoami.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Team_ByIdOrName_ActsInThatTeam_ForEveryKindOfCommand()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamName = "Acme " + Guid.NewGuid().ToString("N")[..6];
        var teamId = await TestTeams.CreateAsync(_client, owner, teamName);
        using var cli = new CliRunner(app, owner.Token);

        var created = await cli.RunAsync("templates", "create", "--team", teamId.ToString(), "--name", "in-team", "--subject", "s", "--text", "t");
        var inTeamByName = await cli.RunAsync("templates", "list", "--team", teamName, "--json");
        var personal = await cli.RunAsync("templates", "list", "--json");
        var contact = await cli.RunAsync("contacts", "add", "ada@example.com", "--team", teamName);
        var whoami = await cli.RunAsync("whoami", "--team", teamName);
        cli.Environment["MOOSERMAIL_TEAM"] = teamId.ToString();
        var fromEnvironment = await cli.RunAsync("contacts", "list", "--json");
        var unknown = await cli.RunAsync("templates", "list", "--team", "no such team");
        var notMine = await cli.RunAsync("templates", "list", "--team", Guid.NewGuid().ToString());

        Assert.Equal(0, created.ExitCode);
        using (var list = JsonDocument.Parse(inTeamByName.Out))
        {
            Assert.Contains(list.RootElement.GetProperty("templates").EnumerateArray(), t => t.GetProperty("name").GetString() == "in-team");
        }

        using (var list = JsonDocument.Parse(personal.Out))
        {
            Assert.DoesNotContain(list.RootElement.GetProperty("templates").EnumerateArray(), t => t.GetProperty("name").GetString() == "in-team");
        }

        Assert.Equal(0, contact.ExitCode);
        Assert.Matches($@"\* +{teamId} +{teamName}", whoami.Out);
        using (var contacts = JsonDocument.Parse(fromEnvironment.Out))
        {
            Assert.Equal("ada@example.com", Assert.Single(contacts.RootElement.GetProperty("contacts").EnumerateArray()).GetProperty("email").GetString());
        }

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no team named 'no such team'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, notMine.ExitCode);
        Assert.EndsWith("(HTTP 403)", notMine.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Team_WithAnApiKeyOfAnotherTeam_IsRefusedWithTheApisReason()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, owner);
        using var cli = new CliRunner(app, key);

        var refused = await cli.RunAsync("contacts", "list", "--team", teamId.ToString());

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("acts only in its own team", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Login_StoresTheTeam_WhichLaterCommandsUse()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        using var cli = new CliRunner(app);

        await cli.RunAsync("login", "--email", owner.Email, "--password", owner.Password, "--team", teamId.ToString());
        var whoami = await cli.RunAsync("whoami");

        Assert.Matches($@"\* +{teamId}", whoami.Out);
    }
}
