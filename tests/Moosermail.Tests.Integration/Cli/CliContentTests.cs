using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Cli;

/// <summary>templates, contacts and triggers through the CLI: each command as text and as the API's JSON, and the API's refusals as exit code 1.</summary>
[Collection(AppCollection.Name)]
public sealed class CliContentTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Templates_CreateListGetUpdatePreviewDelete_AsTextAndJson()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);
        var htmlFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(htmlFile, "<p>Hello {{name}}</p>");

        var create = await cli.RunAsync("templates", "create", "--name", "welcome", "--subject", "Hi {{name}}", "--text", "Hello {{name}}", "--html-file", htmlFile, "--json");
        using var created = JsonDocument.Parse(create.Out);
        var id = created.RootElement.GetProperty("template").GetProperty("id").GetString()!;
        var list = await cli.RunAsync("templates", "list");
        var listJson = await cli.RunAsync("templates", "list", "--json");
        var get = await cli.RunAsync("templates", "get", id);
        var update = await cli.RunAsync("templates", "update", id, "--subject", "Welcome {{name}}");
        var preview = await cli.RunAsync("templates", "preview", id, "--var", "name=Ada", "--html");
        var previewJson = await cli.RunAsync("templates", "preview", id, "--json");
        var delete = await cli.RunAsync("templates", "delete", id);
        var afterDelete = await cli.RunAsync("templates", "get", id);
        File.Delete(htmlFile);

        Assert.Equal(0, create.ExitCode);
        Assert.Equal("<p>Hello {{name}}</p>", created.RootElement.GetProperty("template").GetProperty("body_html").GetString());
        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Matches("^ID +NAME +SUBJECT +VARIABLES +UPDATED$", rows[0]);
        Assert.StartsWith($"{id}  welcome  Hi {{{{name}}}}  name", rows[1], StringComparison.Ordinal);
        using var listed = JsonDocument.Parse(listJson.Out);
        Assert.Equal(id, Assert.Single(listed.RootElement.GetProperty("templates").EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains("Subject:   Hi {{name}}", get.Out, StringComparison.Ordinal);
        Assert.Contains("<p>Hello {{name}}</p>", get.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Equal($"Updated template {id}.", update.Out.TrimEnd());
        Assert.Contains("Subject: Welcome Ada", preview.Out, StringComparison.Ordinal);
        Assert.Contains("Hello Ada", preview.Out, StringComparison.Ordinal);
        Assert.Contains("<p>Hello Ada</p>", preview.Out, StringComparison.Ordinal);
        using var rendered = JsonDocument.Parse(previewJson.Out);
        Assert.Equal(["name"], TestContent.Strings(rendered.RootElement.GetProperty("missing")));
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(1, afterDelete.ExitCode);
        Assert.Contains("(HTTP 404)", afterDelete.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplatesDelete_UsedByATrigger_ExitsOneWithTheConflict_AndForceDeletesBoth()
    {
        var user = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        using var cli = new CliRunner(app, user.Token);
        var id = template.GetProperty("id").GetString()!;

        var refused = await cli.RunAsync("templates", "delete", id);
        var forced = await cli.RunAsync("templates", "delete", id, "--force");
        var triggers = await cli.RunAsync("triggers", "list", "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Empty(refused.Out);
        Assert.Single(refused.Error.TrimEnd().Split('\n'));
        Assert.Contains("(HTTP 409)", refused.Error, StringComparison.Ordinal);
        Assert.Contains(trigger.GetProperty("name").GetString()!, refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        using var left = JsonDocument.Parse(triggers.Out);
        Assert.Empty(left.RootElement.GetProperty("triggers").EnumerateArray());
    }

    [Fact]
    public async Task TemplatesCreate_Invalid_ShowsTheFieldErrorsOnOneLine_AndStoresNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);

        var create = await cli.RunAsync("templates", "create", "--name", "x", "--subject", "two\nlines", "--text", "hi");
        var list = await cli.RunAsync("templates", "list", "--json");

        Assert.Equal(1, create.ExitCode);
        Assert.Matches(@"^error: .*\[subject: must be one line.*\(HTTP 400\)$", create.Error.TrimEnd());
        using var templates = JsonDocument.Parse(list.Out);
        Assert.Empty(templates.RootElement.GetProperty("templates").EnumerateArray());
    }

    [Fact]
    public async Task Contacts_AddListGetUpdateDelete_AsTextAndJson()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);

        var add = await cli.RunAsync("contacts", "add", "ada@example.com", "--name", "Ada Lovelace", "--tag", "news", "--tag", "vip", "--property", "plan=pro", "--json");
        using var added = JsonDocument.Parse(add.Out);
        var id = added.RootElement.GetProperty("contact").GetProperty("id").GetString()!;
        await cli.RunAsync("contacts", "add", "bob@example.com");
        var list = await cli.RunAsync("contacts", "list");
        var byTag = await cli.RunAsync("contacts", "list", "--tag", "vip", "--json");
        var search = await cli.RunAsync("contacts", "list", "-q", "bob");
        var update = await cli.RunAsync("contacts", "update", id, "--unsubscribed", "--no-tags");
        var get = await cli.RunAsync("contacts", "get", id);
        var delete = await cli.RunAsync("contacts", "delete", id);
        var after = await cli.RunAsync("contacts", "list", "--json");

        Assert.Equal(0, add.ExitCode);
        Assert.Equal("pro", added.RootElement.GetProperty("contact").GetProperty("properties").GetProperty("plan").GetString());
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Equal(3, rows.Length);
        Assert.Matches("^ID +EMAIL +NAME +TAGS +SUBSCRIBED +ADDED$", rows[0]);
        Assert.StartsWith($"{id}  ada@example.com  Ada Lovelace  news, vip  yes", rows[1], StringComparison.Ordinal);
        using var tagged = JsonDocument.Parse(byTag.Out);
        Assert.Equal(id, Assert.Single(tagged.RootElement.GetProperty("contacts").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(2, search.Out.TrimEnd().Split('\n').Length);
        Assert.Contains("bob@example.com", search.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("Unsubscribed: yes", get.Out, StringComparison.Ordinal);
        Assert.Matches(@"Tags: +\n", get.Out);
        Assert.Equal(0, delete.ExitCode);
        using var remaining = JsonDocument.Parse(after.Out);
        Assert.Equal("bob@example.com", Assert.Single(remaining.RootElement.GetProperty("contacts").EnumerateArray()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task ContactsImport_FromAFileAndFromStdin_ReportsImportedUpdatedAndRefusedRows()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "email,name,tags\nada@example.com,Ada,news\nnot-an-address,Bad,\n");

        var first = await cli.RunAsync("contacts", "import", file);
        var second = await cli.RunWithStdinAsync("email,name,tags\nada@example.com,Ada L,news\ncy@example.com,Cy,\n", "contacts", "import", "-", "--json");
        File.Delete(file);

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("Imported 1, updated 0, refused 1.", first.Out, StringComparison.Ordinal);
        Assert.Contains("row 3 not-an-address:", first.Out, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(second.Out);
        Assert.Equal(1, result.RootElement.GetProperty("imported").GetInt32());
        Assert.Equal(1, result.RootElement.GetProperty("updated").GetInt32());
    }

    [Fact]
    public async Task Triggers_CreateListGetUpdateRotateFireDelete_AsTextAndJson()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, apiKey) = await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user, name: "greeting");
        var templateId = template.GetProperty("id").GetString()!;
        using var cli = new CliRunner(app, user.Token);
        using var anonymous = new CliRunner(app);

        var create = await cli.RunAsync("triggers", "create", "--name", "signup", "--template", templateId, "--allow-domain", "example.com");
        var key = create.Out.Split('\n')[0];
        var createdId = create.Out.Split('(', ')')[1];
        var list = await cli.RunAsync("triggers", "list");
        var listJson = await cli.RunAsync("triggers", "list", "--json");
        var update = await cli.RunAsync("triggers", "update", createdId, "--default-to", "ops@example.com", "--rate-limit", "5");
        var get = await cli.RunAsync("triggers", "get", createdId);
        var fire = await anonymous.RunAsync("triggers", "fire", key, "--to", "ada@example.com", "--var", "name=Ada");
        var rotate = await cli.RunAsync("triggers", "rotate", createdId, "--json");
        using var rotated = JsonDocument.Parse(rotate.Out);
        var oldKey = await anonymous.RunAsync("triggers", "fire", key, "--var", "name=Ada");
        var newKey = await anonymous.RunAsync("triggers", "fire", rotated.RootElement.GetProperty("trigger").GetProperty("trigger_key").GetString()!, "--var", "name=Ada", "--json");
        var delete = await cli.RunAsync("triggers", "delete", createdId);

        Assert.Equal(0, create.ExitCode);
        Assert.Matches("^[0-9a-f]{48}$", key);
        var rows = list.Out.TrimEnd().Split('\n');
        Assert.Matches("^ID +NAME +TEMPLATE +ENABLED +DEFAULT TO +PER MIN +UPDATED$", rows[0]);
        Assert.StartsWith($"{createdId}  signup  greeting  yes", rows[1], StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Out + listJson.Out + get.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("Default to: ops@example.com", get.Out, StringComparison.Ordinal);
        Assert.Contains("Rate limit: 5 emails per minute", get.Out, StringComparison.Ordinal);
        Assert.Contains("Domains:    example.com", get.Out, StringComparison.Ordinal);
        Assert.StartsWith("Sent 1, failed 0.", fire.Out, StringComparison.Ordinal);
        Assert.Equal(1, oldKey.ExitCode);
        Assert.Contains("(HTTP 4", oldKey.Error, StringComparison.Ordinal);
        using var fired = JsonDocument.Parse(newKey.Out);
        Assert.Equal(1, fired.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(2, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task OtherTeamsIds_AreNotFound_ForEveryKindOfContent()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var template = await TestContent.CreateTemplateAsync(_client, owner);
        var trigger = await TestContent.CreateTriggerAsync(_client, owner, template.GetProperty("id").GetGuid());
        var (_, contact) = await TestContent.SendAsync(_client, owner, HttpMethod.Post, "api/contacts", new { email = "ada@example.com" });
        using var cli = new CliRunner(app, intruder.Token);

        var results = new[]
        {
            await cli.RunAsync("templates", "get", template.GetProperty("id").GetString()!),
            await cli.RunAsync("templates", "delete", template.GetProperty("id").GetString()!, "--force"),
            await cli.RunAsync("triggers", "get", trigger.GetProperty("id").GetString()!),
            await cli.RunAsync("triggers", "fire", trigger.GetProperty("id").GetString()!),
            await cli.RunAsync("contacts", "get", contact.GetProperty("contact").GetProperty("id").GetString()!),
            await cli.RunAsync("contacts", "update", contact.GetProperty("contact").GetProperty("id").GetString()!, "--name", "Mallory"),
        };

        Assert.All(results, r =>
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.EndsWith("(HTTP 404)", r.Error.TrimEnd(), StringComparison.Ordinal);
        });
        var (_, stillThere) = await TestContent.SendAsync(_client, owner, HttpMethod.Get, $"api/contacts/{contact.GetProperty("contact").GetProperty("id").GetString()}");
        Assert.False(stillThere.GetProperty("contact").TryGetProperty("name", out var name) && name.GetString() == "Mallory");
    }

    [Fact]
    public async Task UsageErrors_ExitTwoAndSendNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        using var cli = new CliRunner(app, user.Token);

        var results = new[]
        {
            await cli.RunAsync("templates"),
            await cli.RunAsync("templates", "create", "--name", "x"),
            await cli.RunAsync("templates", "create", "--name", "x", "--subject", "s"),
            await cli.RunAsync("templates", "update", Guid.NewGuid().ToString()),
            await cli.RunAsync("contacts", "add", "a@example.com", "--tag", "x", "--no-tags"),
            await cli.RunAsync("contacts", "add", "a@example.com", "--property", "novalue"),
            await cli.RunAsync("triggers", "create", "--name", "t", "--template", "not-a-uuid"),
            await cli.RunAsync("triggers", "update", Guid.NewGuid().ToString(), "--enable", "--disable"),
            await cli.RunAsync("no-such-command"),
        };
        var list = await cli.RunAsync("contacts", "list", "--json");

        Assert.All(results, r =>
        {
            Assert.Equal(2, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.StartsWith("error: ", r.Error, StringComparison.Ordinal);
        });
        using var contacts = JsonDocument.Parse(list.Out);
        Assert.Empty(contacts.RootElement.GetProperty("contacts").EnumerateArray());
    }
}
