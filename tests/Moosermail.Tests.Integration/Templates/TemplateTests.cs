using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Templates;

[Collection(AppCollection.Name)]
public sealed class TemplateTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_ValidTemplate_Returns201WithVariablesInOrderOfFirstAppearance()
    {
        var user = await TestUsers.CreateAsync(app);

        var template = await CreateTemplateAsync(_client, user, "Order {{order_id}} for {{ name }}", "<p>Hi {{name}}, total {{{total}}}</p>", "{{order_id}} {{total}} {{name}}");

        Assert.Equal(["order_id", "name", "total"], Strings(template.GetProperty("variables")));
        Assert.Equal("<p>Hi {{name}}, total {{{total}}}</p>", template.GetProperty("body_html").GetString());
        Assert.NotEqual(Guid.Empty, template.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task GetAndList_AfterCreate_ReturnTheTemplate()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, name: "receipt")).GetProperty("id").GetGuid();

        var (getStatus, get) = await SendAsync(_client, user, HttpMethod.Get, $"api/templates/{id}");
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/templates");

        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal("receipt", get.GetProperty("template").GetProperty("name").GetString());
        Assert.Equal([id], list.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Update_PartialBody_ChangesOnlyTheGivenFieldsAndReextractsVariables()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, "Hello {{name}}", "<p>{{name}}</p>", "{{name}}")).GetProperty("id").GetGuid();

        var (status, body) = await SendAsync(_client, user, HttpMethod.Put, $"api/templates/{id}", new { body_text = "Code: {{code}} for {{name}}" });

        var template = body.GetProperty("template");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello {{name}}", template.GetProperty("subject").GetString());
        Assert.Equal("<p>{{name}}</p>", template.GetProperty("body_html").GetString());
        Assert.Equal("Code: {{code}} for {{name}}", template.GetProperty("body_text").GetString());
        Assert.Equal(["name", "code"], Strings(template.GetProperty("variables")));
    }

    [Fact]
    public async Task Delete_UnusedTemplate_Returns204AndTheTemplateIsGone()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();

        var (status, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/templates/{id}");
        var (after, _) = await SendAsync(_client, user, HttpMethod.Get, $"api/templates/{id}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
    }

    [Theory]
    [InlineData("{\"subject\":\"s\",\"body_text\":\"t\"}", "name")]
    [InlineData("{\"name\":\"n\",\"body_text\":\"t\"}", "subject")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\"}", "body_text")]
    [InlineData("{\"name\":\"n\",\"subject\":\"Hi {{name\",\"body_text\":\"t\"}", "subject")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\",\"body_html\":\"{{#if x}}y{{/if}}\"}", "body_html")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\",\"body_text\":\"{{> partial}}\"}", "body_text")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\",\"body_text\":\"{{a.b}}\"}", "body_text")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\",\"body_text\":\"\\\\{{x}}\"}", "body_text")]
    [InlineData("{\"name\":\"n\",\"subject\":\"s\",\"body_text\":42}", "body_text")]
    public async Task Create_BadInput_Returns400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/templates", json);

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("templates", user.TeamId));
    }

    [Fact]
    public async Task Create_SyntaxError_Returns400WithLineAndColumn()
    {
        var user = await TestUsers.CreateAsync(app);

        var (status, problem) = await SendAsync(_client, user, HttpMethod.Post, "api/templates",
            new { name = "n", subject = "s", body_html = "<p>\n  Hello {{name</p>" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("line 2, column 9", FirstError(problem, "body_html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_SyntaxError_Returns400AndLeavesTheTemplateUnchanged()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, subject: "Hello {{name}}")).GetProperty("id").GetGuid();

        var (status, problem) = await SendAsync(_client, user, HttpMethod.Put, $"api/templates/{id}", new { subject = "Hello {{{name}}" });
        var (_, after) = await SendAsync(_client, user, HttpMethod.Get, $"api/templates/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("column 7", FirstError(problem, "subject"), StringComparison.Ordinal);
        Assert.Equal("Hello {{name}}", after.GetProperty("template").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task OtherTeam_CannotReadUpdateDeleteOrRenderTheTemplate()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, owner, subject: "Mine")).GetProperty("id").GetGuid();

        var (get, _) = await SendAsync(_client, intruder, HttpMethod.Get, $"api/templates/{id}");
        var (put, _) = await SendAsync(_client, intruder, HttpMethod.Put, $"api/templates/{id}", new { subject = "Stolen" });
        var (render, _) = await SendAsync(_client, intruder, HttpMethod.Post, $"api/templates/{id}/render", new { variables = new { } });
        var (delete, _) = await SendAsync(_client, intruder, HttpMethod.Delete, $"api/templates/{id}?force=true");
        var (_, list) = await SendAsync(_client, intruder, HttpMethod.Get, "api/templates");
        var (_, mine) = await SendAsync(_client, owner, HttpMethod.Get, $"api/templates/{id}");

        Assert.Equal(HttpStatusCode.NotFound, get);
        Assert.Equal(HttpStatusCode.NotFound, put);
        Assert.Equal(HttpStatusCode.NotFound, render);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        Assert.Empty(list.GetProperty("templates").EnumerateArray());
        Assert.Equal("Mine", mine.GetProperty("template").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Delete_TemplateUsedByATrigger_Returns409NamingTheTriggerAndDeletesNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        await CreateTriggerAsync(_client, user, id, "newsletter-signup");

        var response = await _client.SendAsync(user.Request(HttpMethod.Delete, $"api/templates/{id}"));
        var (_, triggers) = await SendAsync(_client, user, HttpMethod.Get, "api/triggers");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("'newsletter-signup'", (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.CountForTeamAsync("templates", user.TeamId));
        Assert.Single(triggers.GetProperty("triggers").EnumerateArray());
    }

    [Fact]
    public async Task Delete_WithForce_RemovesTheTemplateAndItsTriggers()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var otherId = (await CreateTemplateAsync(_client, user, name: "other")).GetProperty("id").GetGuid();
        await CreateTriggerAsync(_client, user, id, "a");
        await CreateTriggerAsync(_client, user, otherId, "b");

        var (status, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/templates/{id}?force=true");
        var (_, triggers) = await SendAsync(_client, user, HttpMethod.Get, "api/triggers");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(1, await app.CountForTeamAsync("templates", user.TeamId));
        Assert.Equal(["b"], triggers.GetProperty("triggers").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task NarrowedKey_WithoutTemplatesWrite_CannotCreate()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: ["templates:read"]);

        var (list, _) = await SendAsync(_client, user.Using(key), HttpMethod.Get, "api/templates");
        var (create, _) = await SendAsync(_client, user.Using(key), HttpMethod.Post, "api/templates", new { name = "n", subject = "s", body_text = "t" });

        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(HttpStatusCode.Forbidden, create);
    }
}
