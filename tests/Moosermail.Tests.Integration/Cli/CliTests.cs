using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Cli;

// The config file's mode is a Unix promise; the tests (like scripts/test) run on Linux.
[UnsupportedOSPlatform("windows")]
[Collection(AppCollection.Name)]
public sealed partial class CliTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Login_PasswordFromStdin_WritesAnOwnerOnlyConfigThatWhoamiUses()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);

        var login = await cli.RunWithStdinAsync(user.Password + "\n", "login", "--email", user.Email, "--password-stdin");
        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        var token = StoredToken(cli)!;
        Assert.StartsWith("ey", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token, login.Out + login.Error, StringComparison.Ordinal);
        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains(user.Email, whoami.Out, StringComparison.Ordinal);
        Assert.Contains(user.TeamId.ToString(), whoami.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(token, whoami.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OverAWorldReadableConfig_NarrowsItToTheOwner()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        Directory.CreateDirectory(Path.GetDirectoryName(cli.ConfigPath)!);
        await File.WriteAllTextAsync(cli.ConfigPath, "{}");
        File.SetUnixFileMode(cli.ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var login = await cli.RunAsync("login", "--email", user.Email, "--password", user.Password);

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
    }

    [Fact]
    public async Task Login_WrongPassword_ExitsNonZeroAndStoresNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);

        var login = await cli.RunAsync("login", "--email", user.Email, "--password", "not the password");

        Assert.NotEqual(0, login.ExitCode);
        Assert.Empty(login.Out);
        Assert.StartsWith("error: ", login.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigPath));
    }

    [Fact]
    public async Task Logout_AfterLogin_EndsTheSessionAndForgetsTheToken()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        await cli.RunAsync("login", "--email", user.Email, "--password", user.Password);
        var token = StoredToken(cli)!;

        var logout = await cli.RunAsync("logout");
        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(0, logout.ExitCode);
        Assert.Null(StoredToken(cli));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync((user with { Token = token }).Request(HttpMethod.Get, "api/auth/me"))).StatusCode);
        Assert.NotEqual(0, whoami.ExitCode);
        Assert.Contains("not logged in", whoami.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoami_ApiKeyFromEnvironment_WinsOverTheStoredToken()
    {
        var stored = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app);
        await cli.RunAsync("login", "--email", stored.Email, "--password", stored.Password);
        cli.Environment["MOOSERMAIL_API_KEY"] = other.Token;

        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains(other.Email, whoami.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Email, whoami.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithASender_ReachesTheSandbox()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);

        var send = await cli.RunAsync("send", "--to", "ada@example.com", "--subject", "Hi", "--body", "Hello", "--idempotency-key", Guid.NewGuid().ToString());

        Assert.Equal(0, send.ExitCode);
        Assert.Empty(send.Error);
        Assert.StartsWith("sent: ", send.Out, StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_BodyDash_SendsTheTextReadFromStdin()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);

        var send = await cli.RunWithStdinAsync("Hello\nfrom stdin\n", "send", "--json", "--to", "ada@example.com", "--subject", "Piped", "--body", "-");

        Assert.Equal(0, send.ExitCode);
        using var sent = JsonDocument.Parse(send.Out);
        using var sandbox = app.Sandbox.Http(apiKey);
        using var atResend = JsonDocument.Parse(await sandbox.GetStringAsync($"emails/{sent.RootElement.GetProperty("resend_id").GetString()}"));
        Assert.Equal("Hello\nfrom stdin\n", atResend.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Send_BadAddress_ExitsNonZeroWithTheProblemDetailOnStderrOnly()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);
        var direct = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "not-an-address", subject = "s", body = "b" }));
        var problem = await TestUsers.ProblemAsync(direct);

        var send = await cli.RunAsync("send", "--to", "not-an-address", "--subject", "s", "--body", "b");

        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal(1, send.ExitCode);
        Assert.Empty(send.Out);
        Assert.Contains(problem.GetProperty("detail").GetString()!, send.Error, StringComparison.Ordinal);
        Assert.Contains(TestContent.FirstError(problem, "to"), send.Error, StringComparison.Ordinal);
        Assert.Single(send.Error.TrimEnd().Split('\n'));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task Send_WithoutABody_ExitsWithTheUsageCodeBeforeCallingTheApi()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);

        var send = await cli.RunAsync("send", "--to", "ada@example.com", "--subject", "Hi");

        Assert.Equal(2, send.ExitCode);
        Assert.Contains("--body", send.Error, StringComparison.Ordinal);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task ApiKeysCreate_PrintsAWorkingKeyOnce_AndListShowsOnlyItsPrefix()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);

        var create = await cli.RunAsync("api-keys", "create", "--name", "ci", "--expires-in", "30d");
        var list = await cli.RunAsync("api-keys", "list");

        Assert.Equal(0, create.ExitCode);
        var key = Assert.Single(KeyPattern().Matches(create.Out)).Value;
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(" ci ", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..], list.Out, StringComparison.Ordinal);
        using var withKey = new CliRunner(app, key);
        var whoami = await withKey.RunAsync("whoami");
        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains(user.Email, whoami.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeysCreate_WithPermission_MakesANarrowedKey()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);

        var create = await cli.RunAsync("api-keys", "create", "--name", "reader", "--expires-in", "7d", "--permission", "api_keys:read", "--json");

        Assert.Equal(0, create.ExitCode);
        using var created = JsonDocument.Parse(create.Out);
        Assert.Equal(["api_keys:read"], TestContent.Strings(created.RootElement.GetProperty("permissions")));
        using var withKey = new CliRunner(app, created.RootElement.GetProperty("key").GetString());
        Assert.Equal(0, (await withKey.RunAsync("api-keys", "list")).ExitCode);
        var refused = await withKey.RunAsync("api-keys", "create", "--name", "escalate", "--expires-in", "never");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("(HTTP 403)", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeysRevoke_StopsTheKeyAtOnce()
    {
        var user = await TestUsers.CreateAsync(app);
        var (id, key, _) = await TestApiKeys.CreateAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);
        using var withKey = new CliRunner(app, key);

        var revoke = await cli.RunAsync("api-keys", "revoke", id.ToString());
        var whoami = await withKey.RunAsync("whoami");

        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal(1, whoami.ExitCode);
        Assert.Contains("(HTTP 401)", whoami.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysAddThenList_ShowsTheSenderWithAHintNotTheKey()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);
        var resendKey = SandboxFixture.NewKey();

        var add = await cli.RunAsync("keys", "add", "--api-key", resendKey, "--from", "Team <team@example.com>");
        var list = await cli.RunAsync("keys", "list");

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("team@example.com", list.Out, StringComparison.Ordinal);
        Assert.Contains(resendKey[^4..], list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(resendKey, add.Out + list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonFlag_SendListAndGet_PrintParseableJsonOfTheSameEmail()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);

        var send = await cli.RunAsync("send", "--json", "--to", "ada@example.com", "--subject", "Json subject", "--html", "<p>Hi</p>");
        using var sent = JsonDocument.Parse(send.Out);
        var id = sent.RootElement.GetProperty("id").GetString()!;
        var list = await cli.RunAsync("emails", "list", "--limit", "10", "--json");
        var get = await cli.RunAsync("emails", "get", id, "--json");

        Assert.Equal(0, list.ExitCode);
        using var page = JsonDocument.Parse(list.Out);
        var listed = Assert.Single(page.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        using var detail = JsonDocument.Parse(get.Out);
        Assert.Equal("Json subject", detail.RootElement.GetProperty("email").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task EmailsList_HumanOutput_ShowsAHeaderAndOneRowPerEmail()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);
        await cli.RunAsync("send", "--to", "a@example.com", "--subject", "First", "--body", "1");
        await cli.RunAsync("send", "--to", "b@example.com", "--subject", "Second", "--body", "2");

        var list = await cli.RunAsync("emails", "list");

        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Equal(3, rows.Length);
        Assert.Matches(@"^ID +STATUS +CREATED +TO +SUBJECT$", rows[0]);
        Assert.Contains(rows, r => r.EndsWith("a@example.com  First", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.EndsWith("b@example.com  Second", StringComparison.Ordinal));
        Assert.All(rows[1..], r => Assert.Matches(@"  (now|one second ago|\d+ seconds ago|a minute ago)  ", r));
    }

    [Fact]
    public async Task EmailsList_WithTheCursorItPrints_ShowsTheNextPage()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        using var cli = new CliRunner(app, user.Token);
        await cli.RunAsync("send", "--to", "a@example.com", "--subject", "One", "--body", "1");
        await cli.RunAsync("send", "--to", "b@example.com", "--subject", "Two", "--body", "2");

        var first = (await cli.RunAsync("emails", "list", "--limit", "1")).Out.TrimEnd().Split('\n');
        var cursor = first[^1].Split("--cursor ")[1];
        var second = (await cli.RunAsync("emails", "list", "--limit", "1", "--cursor", cursor)).Out.TrimEnd().Split('\n');

        // A full page always ends with a cursor line: the API cannot tell whether more rows follow.
        Assert.Equal(3, first.Length);
        Assert.StartsWith("... next page: --cursor ", first[2], StringComparison.Ordinal);
        var subjects = new[] { first[1][^3..], second[1][^3..] };
        Assert.Equal(["One", "Two"], subjects.Order());
    }

    [Fact]
    public async Task TriggerFire_WithVariables_SendsWithNoOtherCredential()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{trigger.GetProperty("id").GetGuid()}", new { allowed_recipient_domains = new[] { "example.com" } });
        using var cli = new CliRunner(app);

        var fire = await cli.RunAsync("trigger", "fire", trigger.GetProperty("trigger_key").GetString()!, "--to", "ada@example.com", "--var", "name=Ada");
        var elsewhere = await cli.RunAsync("trigger", "fire", trigger.GetProperty("trigger_key").GetString()!, "--to", "ada@elsewhere.test", "--var", "name=Ada");

        Assert.Equal(0, fire.ExitCode);
        Assert.NotEqual(0, elsewhere.ExitCode);
        // The key went in X-Trigger-Key (the header route), never in a URL.
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains(user.TeamId.ToString(), StringComparison.Ordinal)
            && e.Scopes.Any(scope => scope.Contains("Function=FireTriggerByHeader", StringComparison.Ordinal)));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(user.TeamId.ToString(), StringComparison.Ordinal)
            && e.Scopes.Any(scope => scope.Contains("Function=FireTrigger,", StringComparison.Ordinal) || scope.EndsWith("Function=FireTrigger", StringComparison.Ordinal)));
        Assert.StartsWith("Sent 1, failed 0.", fire.Out, StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task TriggerFire_ByIdAsTheSignedInMember_MayReachATag_WhichTheKeyMayNot()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "tagged@example.com", name = "Tag", tags = new[] { "news" } });
        var (_, memberKey, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["emails:send"]);
        using var anonymous = new CliRunner(app);
        using var member = new CliRunner(app, memberKey);

        var byKey = await anonymous.RunAsync("trigger", "fire", trigger.GetProperty("trigger_key").GetString()!, "--to-tag", "news");
        var byId = await member.RunAsync("trigger", "fire", trigger.GetProperty("id").GetString()!, "--to-tag", "news");

        Assert.NotEqual(0, byKey.ExitCode);
        Assert.Equal(0, byId.ExitCode);
        Assert.StartsWith("Sent 1, failed 0.", byId.Out, StringComparison.Ordinal);
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    internal static string? StoredToken(CliRunner cli, string profile = "default")
    {
        using var config = JsonDocument.Parse(File.ReadAllText(cli.ConfigPath));
        return config.RootElement.GetProperty("profiles").GetProperty(profile).TryGetProperty("token", out var token) ? token.GetString() : null;
    }

    [GeneratedRegex(@"mk_\S+")]
    private static partial Regex KeyPattern();
}
