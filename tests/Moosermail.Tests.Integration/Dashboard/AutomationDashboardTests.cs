using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.OutboundWebhooks;
using Moosermail.Tests.Integration.Templates;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>
/// The automation pages in a real browser, one flow each: outbound webhooks (secret once, a failed then retried
/// delivery, rotate, disable, delete), cron jobs (field errors beside their fields, next runs in the zone and UTC,
/// edit, a run, pause, delete) and pipes (field error, create, a run on received mail, edit, delete). Timers are
/// run by the test on the browser tests' app. Any script error or CSP violation fails the test.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class AutomationDashboardTests(AppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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
    public async Task OutboundWebhook_SecretShownOnce_DeliveryRetried_Rotated_Disabled_Deleted()
    {
        await using var receiver = await OutboundReceiver.StartAsync();
        receiver.Answer = 500;
        var user = await _host.CreateUserAsync();
        var page = await _pages.LogInAsync(user);

        await OpenSectionAsync(page, "Outbound webhooks");
        await page.GetByLabel("Endpoint URL").FillAsync(receiver.Url());
        await page.GetByLabel("Description").FillAsync("CRM sync");
        await page.GetByLabel("contact.created").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secret = await page.Locator("input.secret").InputValueAsync();
        Assert.StartsWith("whsec_", secret);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "CRM sync" })).ToContainTextAsync("contact.created");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "CRM sync" })).ToContainTextAsync("enabled");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        // A contact event, delivered once into a 500, then retried from the deliveries log into a 200.
        using (var client = _host.CreateClient())
        {
            await OutboundTestKit.CreateContactAsync(client, user);
        }

        await _host.RunTimerAsync("OutboundWebhookDispatch");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Deliveries of {receiver.Url()}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deliveries", Level = 1 })).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "contact.created" });
        await Assertions.Expect(row).ToContainTextAsync("500");
        receiver.Answer = 200;
        await row.GetByRole(AriaRole.Button, new() { NameRegex = RetryButton() }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "queued" })).ToBeVisibleAsync();
        await _host.RunTimerAsync("OutboundWebhookDispatch");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("succeeded");
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Header("webhook-id")).Distinct());

        // Rotate shows a new secret once; disable and delete ask first (the dialog is accepted).
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "← Outbound webhooks" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rotate the secret of {receiver.Url()}" }).ClickAsync();
        await Assertions.Expect(page.Locator("input.secret")).Not.ToHaveValueAsync(secret);
        Assert.StartsWith("whsec_", await page.Locator("input.secret").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable {receiver.Url()}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "CRM sync" })).ToContainTextAsync("disabled");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {receiver.Url()}" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No outbound webhooks yet.")).ToBeVisibleAsync();
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task CronJob_FieldErrorsBesideFields_NextRunsInZoneAndUtc_Edited_Run_Paused_Deleted()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        await TestSenders.AddAsync(client, user);
        await TestContent.CreateTemplateAsync(client, user, name: "digest");
        var page = await _pages.LogInAsync(user);

        // Every refused field is named beside its control, and the problem keeps its correlation id.
        await OpenSectionAsync(page, "Cron jobs");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Morning digest");
        await page.GetByLabel("Cron expression").FillAsync("every morning");
        await page.GetByLabel("Time zone").FillAsync("Mars/Olympus");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cron job" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Cron expression")).ToBeFocusedAsync();
        foreach (var label in new[] { "Cron expression", "Time zone", "To" })
        {
            var control = page.GetByLabel(label, new() { Exact = true });
            await Assertions.Expect(control).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.Locator(".field", new() { Has = control }).Locator(".field-error")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Correlation id:");

        await page.GetByLabel("Cron expression").FillAsync("0 9 * * *");
        await page.GetByLabel("Time zone").FillAsync("Europe/Berlin");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("ann@example.com");
        await page.GetByLabel("Variables (JSON)").FillAsync("{\"name\": \"Ann\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cron job" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Variables (JSON)")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Variables (JSON)").FillAsync("{\"name\": \"Ann\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cron job" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Morning digest", Level = 1 })).ToBeVisibleAsync();
        var facts = page.Locator("dl.facts");
        await Assertions.Expect(facts).ToContainTextAsync(BerlinNine());
        await Assertions.Expect(facts).ToContainTextAsync(UtcSevenOrEight());

        // Edit: the whole form is saved; the schedule shown is the new one.
        await page.GetByLabel("Cron expression").FillAsync("* * * * *");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(facts).ToContainTextAsync("* * * * * in Europe/Berlin");

        // A run: the previous minute's slot is made due (no waiting for the clock) and the timer runs the latest
        // slot; the runs list shows the email it sent.
        var id = Guid.Parse(new Uri(page.Url).Fragment.Split('/').Last());
        await app.ScalarAsync<int>(
            "UPDATE cron_jobs SET next_run_at = date_trunc('minute', now()) - interval '1 minute' WHERE id = @Id AND team_id = @TeamId RETURNING 1",
            new { Id = id, TeamId = user.TeamId });
        await _host.RunTimerAsync("CronTick");
        await page.ReloadAsync();
        var runs = page.GetByRole(AriaRole.Table, new() { Name = "Runs" });
        await Assertions.Expect(runs).ToContainTextAsync("sent");
        await Assertions.Expect(runs.GetByRole(AriaRole.Link, new() { Name = "ann@example.com" })).ToBeVisibleAsync();

        // The email the run sent says which cron job sent it, linked back to the job.
        await runs.GetByRole(AriaRole.Link, new() { Name = "ann@example.com" }).ClickAsync();
        var sentBy = page.Locator("#email-sent-by");
        await Assertions.Expect(sentBy).ToHaveTextAsync("cron job Morning digest");
        await sentBy.GetByRole(AriaRole.Link, new() { Name = "Morning digest" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Morning digest", Level = 1 })).ToBeVisibleAsync();

        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "← Cron jobs" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Morning digest" });
        await Assertions.Expect(row).ToContainTextAsync("(Europe/Berlin)");
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable Morning digest" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("paused");
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete Morning digest" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No cron jobs yet.")).ToBeVisibleAsync();
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task Pipe_FieldError_Created_RunsOnReceivedMail_Edited_WebhookSecretOnce_Deleted()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var page = await _pages.LogInAsync(user);

        // A pipe without a condition: the refusal is shown beside "Match every email".
        await OpenSectionAsync(page, "Pipes");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Invoices");
        await page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync("forward");
        await page.GetByLabel("Forward to").FillAsync("books@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create pipe" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Match every email")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByLabel("Subject contains").FillAsync("Invoice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create pipe" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Invoices" });
        await Assertions.Expect(row).ToContainTextAsync("forward to books@example.com");

        // A webhook pipe: its URL field appears with the action, and its signing secret is shown once.
        await Assertions.Expect(page.GetByLabel("Webhook URL")).ToBeHiddenAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("To my app");
        await page.GetByLabel("Match every email").CheckAsync();
        await page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync("webhook");
        await page.GetByLabel("Webhook URL").FillAsync("http://127.0.0.1:9/inbound");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create pipe" }).ClickAsync();
        Assert.StartsWith("whsec_", await page.GetByLabel("Signing secret of To my app").InputValueAsync());
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete To my app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "To my app" })).ToHaveCountAsync(0);

        // Mail arrives; the pipe forwards it; its runs list says so.
        await app.InjectAsync(apiKey, new { from = "Ada <ada@example.net>", to = new[] { "hello@example.com" }, subject = "Invoice 42", text = "Attached." });
        await _host.Services.BackfillAsync(user.TeamId);
        await _host.Services.FetchContentAsync();
        await _host.RunTimerAsync("PipeProcess");
        await page.GetByRole(AriaRole.Link, new() { Name = "Invoices", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invoices", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Runs" })).ToContainTextAsync("succeeded");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Invoices to the books");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invoices to the books", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "← Pipes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Invoices to the books" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No pipes yet.")).ToBeVisibleAsync();
        Assert.Empty(_pages.Errors);
    }

    /// <summary>The new sections render under the CSP, and every control has a name.</summary>
    [BrowserFact]
    public async Task AutomationSections_RenderUnderTheCsp_WithLabelledControls()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        await TestContent.CreateTemplateAsync(client, user);
        var page = await _pages.LogInAsync(user);
        foreach (var section in new[] { "outbound-webhooks", "cron", "pipes", "inbox" })
        {
            await page.GotoAsync($"app/#/{section}");
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
            var unlabelled = await page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('input, select, textarea, button')].filter(e => !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML)");
            Assert.True(unlabelled.Length == 0, $"{section}: {string.Join(", ", unlabelled)}");
        }

        Assert.Empty(_pages.Errors);
    }

    private static async Task OpenSectionAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true })).ToBeVisibleAsync();
    }

    [GeneratedRegex("^Retry contact\\.created")]
    private static partial Regex RetryButton();

    [GeneratedRegex(@"09:00 \+0[12]:00 \(Europe/Berlin\)")]
    private static partial Regex BerlinNine();

    [GeneratedRegex(@"0[78]:00 UTC")]
    private static partial Regex UtcSevenOrEight();
}
