using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Sending;

[Collection(AppCollection.Name)]
public sealed class TemplateSendTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task SendWithTemplate_EscapesVariablesInHtmlButNotInTextOrSubject()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var template = await TestContent.CreateTemplateAsync(_client, user);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new
        {
            to = "a@example.com",
            template_id = template.GetProperty("id").GetGuid(),
            variables = new { name = "<script>alert(1)</script>" },
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resendId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("resend_id").GetString()!;
        var atResend = (await app.Sandbox.Client.GetEmailAsync(apiKey, resendId)).Value!;
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", atResend.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", atResend.Html, StringComparison.Ordinal);
        Assert.Equal("Hello <script>alert(1)</script>", atResend.Subject);
    }

    [Fact]
    public async Task SendWithTemplate_MissingVariables_Returns422ListingThemAndSendsNothing()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var template = await TestContent.CreateTemplateAsync(_client, user, subject: "Hi {{first}}", bodyHtml: "<p>{{first}} {{last}}</p>", bodyText: "{{first}}");

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new
        {
            to = "a@example.com",
            template_id = template.GetProperty("id").GetGuid(),
            variables = new { first = "Ada" },
        }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.Equal(["last"], TestContent.Strings(problem.GetProperty("errors").GetProperty("variables")));
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task SendWithTemplate_ToAnUnsubscribedContact_IsRefused()
    {
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, _client);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        await TestContent.SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "gone@example.com", unsubscribed = true });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new
        {
            to = "Gone <gone@example.com>",
            template_id = template.GetProperty("id").GetGuid(),
            variables = new { name = "x" },
        }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("gone@example.com", (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.Sandbox.AcceptedSendsAsync(apiKey));
    }

    [Fact]
    public async Task SendWithAnotherTeamsTemplate_IsRefusedAsUnknown()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var other = await TestUsers.CreateAsync(app);
        var theirs = await TestContent.CreateTemplateAsync(_client, other);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "a@example.com", template_id = theirs.GetProperty("id").GetGuid(), variables = new { name = "x" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(response)).GetProperty("errors").TryGetProperty("template_id", out _));
    }

    [Fact]
    public async Task Sending_CollectsRecipientsAsContactsOnce()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);

        await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "New Person <New@Example.com>", cc = "cc@example.com", subject = "s", body = "b" }));
        await _client.SendAsync(user.Request(HttpMethod.Post, "api/send", new { to = "new@example.com", subject = "s", body = "b" }));
        var (_, contacts) = await TestContent.SendAsync(_client, user, HttpMethod.Get, "api/contacts");

        var emails = contacts.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("email").GetString()).Order().ToList();
        Assert.Equal(["cc@example.com", "new@example.com"], emails);
    }
}
