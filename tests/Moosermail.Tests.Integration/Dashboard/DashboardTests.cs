using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Moosermail.Functions.Web;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>
/// The dashboard in a real browser against the app (real clock, so the sandbox's signed webhooks count) and the
/// sandbox as Resend. One browser and one app for the class; each test has its own user and browser context.
/// Any CSP violation or script error on a page fails the test.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DashboardTests(AppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private SecondaryApp _host = null!;
    private BrowserPages _pages = null!;

    public async Task InitializeAsync()
    {
        if (BrowserFixture.Available)
        {
            _host = await browser.HostAsync(app);
            _pages = new BrowserPages(browser, _host);
        }
    }

    public async Task DisposeAsync()
    {
        if (_pages is not null)
        {
            await _pages.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task NewUser_SignsUpAddsSenderAndKey_SendsAndSeesDelivered()
    {
        var page = await _pages.NewPageAsync();
        var email = TestUsers.NewEmail("dash");

        // Sign up and log in: the session is the HttpOnly cookie; no script can read it.
        await page.GotoAsync("app/#/signup");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestUsers.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Log in now" }).ClickAsync();
        await BrowserPages.SubmitLogInAsync(page, email);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Send log" })).ToBeVisibleAsync();
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("document.cookie"));

        // A sender: the Resend key goes in once and only its hint comes back.
        var resendKey = SandboxFixture.NewKey();
        await OpenSectionAsync(page, "Senders");
        await page.GetByLabel("Resend API key").FillAsync(resendKey);
        await page.GetByLabel("From address").FillAsync("Dash <dash@example.com>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add sender" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Dash <dash@example.com>", Exact = true }).First).ToBeVisibleAsync();
        Assert.DoesNotContain(resendKey, await page.ContentAsync(), StringComparison.Ordinal);

        // An API key, shown once, that works against the API.
        await OpenSectionAsync(page, "API keys");
        await page.GetByLabel("Name").FillAsync("deploy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await page.GetByLabel("API key deploy").InputValueAsync();
        Assert.StartsWith("mk_", key);
        using (var client = _host.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/me") { Headers = { Authorization = new("Bearer", key) } };
            Assert.True((await client.SendAsync(request)).IsSuccessStatusCode);
        }

        // Webhooks: paste the URL into "Resend" (the sandbox), then its signing secret into the dashboard.
        await OpenSectionAsync(page, "Webhooks");
        var shownUrl = new Uri(await page.Locator("#webhook-url").InputValueAsync());
        using (var resend = app.Sandbox.Http(resendKey))
        {
            var created = await resend.PostAsJsonAsync("webhooks", new
            {
                endpoint = new Uri(_host.BaseAddress, shownUrl.AbsolutePath.TrimStart('/')).AbsoluteUri,
                events = new[] { "email.sent", "email.delivered", "email.bounced" },
            });
            var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signing_secret").GetString()!;
            await page.GetByLabel("Signing secret", new() { Exact = true }).FillAsync(secret);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Save secret" }).ClickAsync();
        await Assertions.Expect(page.GetByText("A signing secret is set")).ToBeVisibleAsync();

        // Send, and watch the status reach delivered (the page is reloaded until it does, within a bound).
        await page.GetByRole(AriaRole.Link, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Send an email" })).ToBeVisibleAsync();
        await page.GetByLabel("To").FillAsync("delivered@resend.dev");
        await page.GetByLabel("Subject").FillAsync("Hello from the dashboard");
        await page.GetByLabel("Text").FillAsync("It works");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello from the dashboard" })).ToBeVisibleAsync();
        await ReloadUntilAsync(page, page.Locator("#email-status"), "delivered");
        await Assertions.Expect(page.Locator(".timeline")).ToContainTextAsync("delivered");

        await OpenSectionAsync(page, "Send log");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hello from the dashboard" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "send-log.png");
        await OpenSectionAsync(page, "Stats");
        await Assertions.Expect(page.Locator(".chart canvas")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".totals")).ToContainTextAsync("1 delivered");
        await ScreenshotAsync(page, "stats.png");
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task Template_CreatedInTheEditor_PreviewsThroughRender()
    {
        var page = await LoggedInPageAsync();

        await OpenSectionAsync(page, "Templates");
        await page.GetByLabel("Name").FillAsync("welcome");
        await page.GetByLabel("Subject").FillAsync("Welcome, {{name}}");
        await page.GetByLabel("HTML").FillAsync("<p>Hi {{name}}</p>");
        await page.GetByLabel("Text").FillAsync("Hi {{name}}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-subject")).ToHaveTextAsync("Welcome, sample name");

        await page.GetByLabel("Sample variables (JSON)").FillAsync("{\"name\": \"<b>Ada</b>\"}");
        await Assertions.Expect(page.Locator("#preview-subject")).ToHaveTextAsync("Welcome, <b>Ada</b>");
        await Assertions.Expect(page.FrameLocator("iframe.preview").Locator("p")).ToHaveTextAsync("Hi <b>Ada</b>");
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task Trigger_KeyShownOnceWithSnippets_ContactsImportReportsBadRows()
    {
        var page = await LoggedInPageAsync();
        await OpenSectionAsync(page, "Templates");
        await page.GetByLabel("Name").FillAsync("ping");
        await page.GetByLabel("Subject").FillAsync("Ping");
        await page.GetByLabel("Text").FillAsync("Ping");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create template" }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-subject")).ToHaveTextAsync("Ping");

        await OpenSectionAsync(page, "Triggers");
        await page.GetByLabel("Name").FillAsync("contact form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        var key = await page.GetByLabel("Trigger key of contact form").InputValueAsync();
        Assert.NotEmpty(key);
        await Assertions.Expect(page.Locator("pre.snippet").First).ToContainTextAsync($"X-Trigger-Key: {key}");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "contact form", Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        await OpenSectionAsync(page, "Contacts");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = "contacts.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("email,name,tags\nada@example.com,Ada,vip;beta\nnot-an-address,Bob,\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.GetByText("1 imported, 0 updated, 1 rows with errors.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rows with errors" })).ToContainTextAsync("not-an-address");
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("ada@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ada@example.com", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(_pages.Errors);
    }

    /// <summary>Every section renders without a CSP violation or script error, and every control has a name.</summary>
    [BrowserFact]
    public async Task EverySection_RendersUnderTheCsp_WithLabelledControls()
    {
        var page = await LoggedInPageAsync();
        string[] sections = ["emails", "send", "stats", "templates", "triggers", "contacts", "suppressions", "senders", "api-keys", "webhooks", "team", "account"];

        foreach (var section in sections)
        {
            await page.GotoAsync($"app/#/{section}");
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
            var unlabelled = await page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('input, select, textarea, button')].filter(e => !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML)");
            Assert.True(unlabelled.Length == 0, $"{section}: {string.Join(", ", unlabelled)}");
        }

        // A refused write shows the problem's detail and the correlation id to quote.
        await page.GotoAsync("app/#/senders");
        await page.GetByLabel("Resend API key").FillAsync("not-a-resend-key");
        await page.GetByLabel("From address").FillAsync("Me <me@example.com>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add sender" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Correlation id:");

        using var client = _host.CreateClient();
        var response = await client.GetAsync("app/");
        Assert.Equal(WebAssets.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task Owner_InvitesTeammate_WhoAcceptsThroughTheLink_AndAppearsAsMember()
    {
        var owner = await LoggedInPageAsync();
        var teammateEmail = TestUsers.NewEmail("mate");
        using (var client = _host.CreateClient())
        {
            await client.PostAsJsonAsync("api/auth/signup", new { email = teammateEmail, password = TestUsers.Password });

            // Only a verified address may accept: the teammate follows the link in the signup mail first.
            var verifyToken = await OperatorMailbox.TokenMailedToAsync(app, teammateEmail, "Confirm your email address");
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await client.PostAsJsonAsync("api/auth/verify", new { token = verifyToken })).StatusCode);
        }

        await owner.GotoAsync("app/#/team");
        await Assertions.Expect(owner.GetByRole(AriaRole.Heading, new() { Name = "Invitations" })).ToBeVisibleAsync();
        await owner.GetByLabel("Email", new() { Exact = true }).FillAsync(teammateEmail);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var acceptUrl = new Uri(await owner.GetByLabel("Accept link").InputValueAsync());
        Assert.StartsWith("#token=", acceptUrl.Fragment);
        await Assertions.Expect(owner.GetByText("it was emailed to them too")).ToBeVisibleAsync(); // the fixture has operator mail

        // The teammate follows the link (on this host), logs in, and accepts.
        var teammate = await _pages.NewPageAsync();
        await teammate.GotoAsync(acceptUrl.PathAndQuery.TrimStart('/') + acceptUrl.Fragment);
        await BrowserPages.SubmitLogInAsync(teammate, teammateEmail);
        await Assertions.Expect(teammate.GetByLabel("Invitation token")).ToHaveValueAsync(acceptUrl.Fragment["#token=".Length..]);
        await teammate.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Assertions.Expect(teammate.GetByText("You joined the team.")).ToBeVisibleAsync();

        await owner.ReloadAsync();

        // The audit log names what each event concerned (its Target column read a field the API never had).
        await owner.GetByLabel($"Role of {teammateEmail}").SelectOptionAsync("admin");
        var audit = owner.GetByRole(AriaRole.Table, new() { Name = "Audit events" });
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "member.role_changed" })).ToContainTextAsync(teammateEmail);
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Filter(new() { HasText = "member.invited" })).ToContainTextAsync("invitation ");
        await Assertions.Expect(owner.GetByRole(AriaRole.Table, new() { Name = "Members" })).ToContainTextAsync(teammateEmail);
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task ApiDocs_RendersEveryOperation_UnderTheCsp()
    {
        var page = await _pages.NewPageAsync();

        await page.GotoAsync("api/docs");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Moosermail API" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".opblock").First).ToBeVisibleAsync();
        Assert.True(await page.Locator(".opblock").CountAsync() > 40);
        Assert.Empty(_pages.Errors);
    }

    /// <summary>Follows a navigation link and waits for the section's heading, so no control of the previous page is used.</summary>
    private static async Task OpenSectionAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true })).ToBeVisibleAsync();
    }

    private async Task<IPage> LoggedInPageAsync()
    {
        using var client = _host.CreateClient();
        var email = TestUsers.NewEmail("dash");
        await client.PostAsJsonAsync("api/auth/signup", new { email, password = TestUsers.Password });
        return await _pages.LogInAsync(email);
    }

    private static async Task ReloadUntilAsync(IPage page, ILocator locator, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await locator.InnerTextAsync()).Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await page.ReloadAsync();
            await locator.WaitForAsync();
        }

        await Assertions.Expect(locator).ToContainTextAsync(text);
    }

    /// <summary>Into the test output; with MOOSERMAIL_UPDATE_SCREENSHOTS=1 also into docs/screenshots for the README.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("MOOSERMAIL_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(Path.GetDirectoryName(NodeTools.Directory)!, "..", "docs", "screenshots");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name), bytes);
        }
    }
}
