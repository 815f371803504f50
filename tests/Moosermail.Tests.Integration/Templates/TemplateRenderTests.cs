using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Templates;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Templates;

[Collection(AppCollection.Name)]
public sealed class TemplateRenderTests(AppFixture app)
{
    private const string Script = "<script>alert('x')</script>";
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Render_ScriptInAVariable_IsEscapedInHtmlAndRawInSubjectAndText()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, "Re: {{x}}", "<p>{{x}}</p><a href='{{x}}'>", "Text {{x}}")).GetProperty("id").GetGuid();

        var rendered = await RenderAsync(user, id, new { x = Script });

        Assert.Equal("<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p><a href='&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'>", rendered.GetProperty("html").GetString());
        Assert.Equal($"Re: {Script}", rendered.GetProperty("subject").GetString());
        Assert.Equal($"Text {Script}", rendered.GetProperty("text").GetString());
        Assert.Empty(rendered.GetProperty("missing").EnumerateArray());
    }

    [Fact]
    public async Task Render_TripleMustache_InsertsRawHtml()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, bodyHtml: "<div>{{{banner}}}</div>")).GetProperty("id").GetGuid();

        var rendered = await RenderAsync(user, id, new { banner = "<b>Sale</b>", name = "n" });

        Assert.Equal("<div><b>Sale</b></div>", rendered.GetProperty("html").GetString());
    }

    [Fact]
    public async Task Render_MissingVariables_AreListedAndNoMustacheIsLeftInTheOutput()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, "{{greeting}} {{name}}", "<p>{{name}} {{{code}}}</p>", "{{name}} {{code}}")).GetProperty("id").GetGuid();

        var rendered = await RenderAsync(user, id, new { name = "Ann", code = (string?)null });

        Assert.Equal(["greeting", "code"], Strings(rendered.GetProperty("missing")));
        Assert.Equal(" Ann", rendered.GetProperty("subject").GetString());
        Assert.DoesNotContain("{{", rendered.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ValuesWithDollarsAndMustaches_AreInsertedLiterallyEverywhere()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, "{{name}}", "<p>{{name}} and {{name}}</p>", "{{name}}{{name}}")).GetProperty("id").GetGuid();

        var rendered = await RenderAsync(user, id, new { name = "$1 {{name}} $&" });

        Assert.Equal("<p>$1 {{name}} $&amp; and $1 {{name}} $&amp;</p>", rendered.GetProperty("html").GetString());
        Assert.Equal("$1 {{name}} $&$1 {{name}} $&", rendered.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Render_NumbersAndBooleans_AreWrittenAsJsonText()
    {
        var user = await TestUsers.CreateAsync(app);
        var id = (await CreateTemplateAsync(_client, user, "{{total}} {{paid}}", bodyText: "{{total}}")).GetProperty("id").GetGuid();

        var rendered = await RenderAsync(user, id, new { total = 12.5, paid = true, name = "n" });

        Assert.Equal("12.5 true", rendered.GetProperty("subject").GetString());
    }

    [Fact]
    public void Renderer_LineBreakInAVariable_DoesNotAddALineToTheSubject()
    {
        var renderer = app.App.Services.GetRequiredService<TemplateRenderer>();
        var template = new Template { Subject = "Hi {{name}}", BodyText = "{{name}}" };

        var rendered = renderer.Render(template, new Dictionary<string, object?> { ["name"] = "a\r\nBcc: victim@example.com" });

        Assert.Equal("Hi a Bcc: victim@example.com", rendered.Subject);
        Assert.Equal("a\r\nBcc: victim@example.com", rendered.Text);
    }

    private async Task<JsonElement> RenderAsync(TestUser user, Guid id, object variables)
    {
        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, $"api/templates/{id}/render", new { variables });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }
}
