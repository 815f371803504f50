using Microsoft.Playwright;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Dashboard;

/// <summary>
/// One headless Chromium for every browser test: Debian's chromium package (scripts/test installs it), driven
/// by Microsoft.Playwright, whose NuGet package carries its driver; no browser is ever downloaded. Playwright
/// over Selenium for its auto-waiting locators, which keep these tests free of sleeps on a busy machine.
/// It also owns the one app instance the browser tests share (real clock, so the sandbox's signed webhooks count).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private SecondaryApp? _host;

    public IBrowser Browser { get; private set; } = null!;

    public static bool Available => File.Exists(ChromiumPath);

    public async Task InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        // bcrypt logins and cold pages on a busy 2-core machine: wait longer than Playwright's 5 s before failing.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task<SecondaryApp> HostAsync(AppFixture app) => _host ??= await SecondaryApp.StartAsync(app, TimeProvider.System);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>A fact that needs Debian's chromium; skipped with the reason when it is not installed.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!BrowserFixture.Available)
        {
            Skip = $"{BrowserFixture.ChromiumPath} is missing: scripts/test installs it (apt-get install chromium).";
        }
    }
}
