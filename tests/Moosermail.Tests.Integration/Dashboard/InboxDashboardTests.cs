using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>
/// The dashboard's inbox in a real browser: mail injected at the sandbox (as Resend receives it) is listed unread,
/// found by search, read as text, and answered; the sandbox gets the threaded reply. Any script error or CSP
/// violation fails the test.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class InboxDashboardTests(AppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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
    public async Task InjectedEmail_IsListedUnread_FoundBySearch_ReadAsText_AndRepliedTo()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var subject = $"Loom {Guid.NewGuid():N}"[..13];
        await app.InjectAsync(apiKey, new
        {
            from = "Ada <ada@example.net>",
            to = new[] { "hello@example.com" },
            subject,
            message_id = "<loom@example.net>",
            text = "The analytical engine weaves algebraic patterns.\n<script>alert('not here')</script>",
        });
        await app.ReceiveAsync(user, apiKey, new { from = "bob@example.net", subject = "Unrelated", text = "Nothing to see." });

        var page = await _pages.LogInAsync(user);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inbox", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = subject })).ToContainTextAsync("unread");

        // Search: stemmed words of the text find it, and only it.
        await page.GetByLabel("Search", new() { Exact = true }).FillAsync("algebraic engines");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Unrelated" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();

        // Read: the text is text (the script tag is shown, not run), and opening it marks it read.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = subject, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Text", new() { Exact = true })).ToContainTextAsync("<script>alert('not here')</script>");

        // Reply: threaded at the sandbox, once.
        await page.GetByLabel("Your reply").FillAsync("Thanks, Ada.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Reply" })).ToContainTextAsync(ReplyStatus());
        Assert.Equal(1, await app.Sandbox.AcceptedSendsAsync(apiKey));
        using var resend = app.Sandbox.Http(apiKey);
        var sent = (await resend.GetFromJsonAsync<JsonElement>("emails")).GetProperty("data")[0];
        Assert.Equal($"Re: {subject}", sent.GetProperty("subject").GetString());
        var headers = await resend.GetFromJsonAsync<JsonElement>($"_sandbox/emails/{sent.GetProperty("id").GetString()}/headers");
        Assert.Equal("<loom@example.net>", headers.GetProperty("In-Reply-To").GetString());

        await page.GetByRole(AriaRole.Link, new() { Name = "← Inbox" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = subject })).Not.ToContainTextAsync("unread");
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task ReceivedEmail_Labelled_AttachmentDownloaded_Archived_AndItsThreadShown()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        var (_, apiKey) = await TestSenders.AddAsync(client, user);
        var subject = $"Ledger {Guid.NewGuid():N}"[..15];
        await ReceiveOnHostAsync(user, apiKey, new
        {
            from = "Ada <ada@example.net>",
            to = new[] { "hello@example.com" },
            subject,
            message_id = $"<{subject.Replace(' ', '-')}@example.net>",
            text = "The ledger is attached.",
            attachments = new[] { new { filename = "ledger.txt", content_type = "text/plain", content = Convert.ToBase64String("debit, credit"u8.ToArray()) } },
        });
        await ReceiveOnHostAsync(user, apiKey, new
        {
            from = "Bob <bob@example.net>",
            to = new[] { "hello@example.com" },
            subject = $"Re: {subject}",
            in_reply_to = $"<{subject.Replace(' ', '-')}@example.net>",
            text = "Thanks, got it.",
        });

        var page = await _pages.LogInAsync(user);
        await page.GotoAsync("app/#/inbox");
        await page.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = subject, Level = 1 })).ToBeVisibleAsync();

        // The attachment is a link to the API's route; the download carries its bytes.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "ledger.txt" }).ClickAsync());
        Assert.Equal("ledger.txt", download.SuggestedFilename);
        using (var reader = new StreamReader(await download.CreateReadStreamAsync()))
        {
            Assert.Equal("debit, credit", await reader.ReadToEndAsync());
        }

        // Labels: added and removed, each a PATCH whose answer the page shows.
        await page.GetByLabel("New label").FillAsync("books");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Labels" })).ToContainTextAsync("books");
        await page.GetByLabel("New label").FillAsync("2026");
        await page.GetByLabel("New label").PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove label books" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Labels" })).Not.ToContainTextAsync("books");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Labels" })).ToContainTextAsync("2026");

        // The thread: both emails, oldest first.
        await page.GetByRole(AriaRole.Link, new() { Name = "View the thread" }).ClickAsync();
        var conversation = page.GetByRole(AriaRole.List, new() { Name = "Conversation" });
        await Assertions.Expect(conversation.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Assertions.Expect(conversation.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("ada@example.net");
        await Assertions.Expect(conversation.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync($"Re: {subject}");

        // Archive: it leaves the inbox, is found under Archived, and moves back.
        await conversation.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Archived." })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "← Inbox" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Re: {subject}", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true })).ToHaveCountAsync(0);
        await page.GetByLabel("Show").SelectOptionAsync("true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "2026" })).ToContainTextAsync(subject);
        await page.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move to inbox" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Archive" })).ToBeVisibleAsync();
        Assert.False(await app.ScalarAsync<bool>("SELECT is_archived FROM received_emails WHERE team_id = @TeamId AND subject = @Subject", new { user.TeamId, Subject = subject }));
        Assert.Empty(_pages.Errors);
    }

    [BrowserFact]
    public async Task MailedLinks_ResetPasswordAndVerifyEmail_WorkInTheApp()
    {
        var user = await _host.CreateUserAsync();
        using var client = _host.CreateClient();
        var page = await _pages.NewPageAsync();

        // The verification link (a session asks for it; the link itself needs none).
        (await client.SendAsync(user.Request(HttpMethod.Post, "api/auth/verify/request"))).EnsureSuccessStatusCode();
        var verifyToken = await OperatorMailbox.TokenMailedToAsync(app, user.Email, "Confirm your email address");
        await page.GotoAsync($"app/verify-email#token={verifyToken}");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your email address is verified.");
        Assert.NotNull(await app.ScalarAsync<DateTime?>("SELECT email_verified_at FROM users WHERE id = @Id", new { Id = user.UserId }));

        // The reset link: a new password, then logging in with it works.
        (await client.PostAsJsonAsync("api/auth/password-reset", new { email = user.Email })).EnsureSuccessStatusCode();
        var resetToken = await OperatorMailbox.TokenMailedToAsync(app, user.Email, "Reset your Moosermail password");
        await page.GotoAsync($"app/reset-password#token={resetToken}");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "New password" }).FillAsync("a brand new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Password changed.")).ToBeVisibleAsync();
        Assert.True((await client.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "a brand new password" })).IsSuccessStatusCode);
        Assert.Empty(_pages.Errors);
    }

    /// <summary>Injects, backfills and fetches on the browser tests' app, whose real clock orders the emails of a thread.</summary>
    private async Task ReceiveOnHostAsync(TestUser user, string apiKey, object inbound)
    {
        await app.InjectAsync(apiKey, inbound);
        await _host.Services.BackfillAsync(user.TeamId);
        await _host.Services.FetchContentAsync();
    }

    [GeneratedRegex("Reply (sent|queued)")]
    private static partial Regex ReplyStatus();
}
