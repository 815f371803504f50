using Microsoft.Playwright;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>
/// One browser test's pages on the browser tests' app: each page in a context of its own (so two users can be logged
/// in side by side), closed when the test ends, with every script error and CSP violation collected in
/// <see cref="Errors"/> (a test asserts it empty). The one log-in helper every browser test uses.
/// </summary>
public sealed class BrowserPages(BrowserFixture browser, SecondaryApp host) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Console errors and uncaught exceptions of every page; a 4xx the page handles is not one.</summary>
    public List<string> Errors { get; } = [];

    public async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseAddress.AbsoluteUri, ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(20_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            // A 4xx the page handles is logged by Chromium as "Failed to load resource"; the page shows it, so it is no error here.
            if (message.Type == "error" && !message.Text.Contains("the server responded with a status of", StringComparison.Ordinal))
            {
                Errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
        return page;
    }

    /// <summary>A new page logged in through the dashboard's form as <paramref name="email"/>, on the send log.</summary>
    public async Task<IPage> LogInAsync(string email, string password = TestUsers.Password)
    {
        var page = await NewPageAsync();
        await LogInAsync(page, email, password);
        return page;
    }

    public Task<IPage> LogInAsync(TestUser user) => LogInAsync(user.Email);

    /// <summary>Opens the log-in form on <paramref name="page"/>, logs in and waits for the send log.</summary>
    public static async Task LogInAsync(IPage page, string email, string password = TestUsers.Password)
    {
        await page.GotoAsync("app/#/login");
        await SubmitLogInAsync(page, email, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Send log" })).ToBeVisibleAsync();
    }

    /// <summary>Fills the log-in form already on <paramref name="page"/> and submits it; the caller waits for where it leads.</summary>
    public static async Task SubmitLogInAsync(IPage page, string email, string password = TestUsers.Password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
