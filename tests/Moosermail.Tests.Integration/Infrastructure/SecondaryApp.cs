using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Accounts;
using Moosermail.Core.Security;
using Moosermail.Functions.Hosting;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>
/// Another instance of the app on the same database with its own clock. A test that moves time by days (key
/// expiry, retention, a fixed minute of the day) uses one, so the shared app's clock moves only by the minutes
/// and hours of retries; and the sandbox signs webhooks with the real clock and the Svix vectors with 2021's.
/// </summary>
public sealed class SecondaryApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecondaryApp(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Changes to the fixture's settings for this instance (e.g. a switch turned off).</param>
    public static async Task<SecondaryApp> StartAsync(AppFixture fixture, TimeProvider time, Action<Dictionary<string, string?>>? settings = null)
    {
        var values = fixture.Settings();
        settings?.Invoke(values);
        var app = fixture.BuildApp(values, configure: b => b.Services.AddSingleton(time));
        await app.StartAsync();
        return new SecondaryApp(app);
    }

    public HttpClient CreateClient() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>A user whose session token this instance's clock accepts.</summary>
    public async Task<TestUser> CreateUserAsync()
    {
        var (userId, teamId, email) = (Guid.NewGuid(), Guid.NewGuid(), TestUsers.NewEmail());
        Assert.True(await Services.GetRequiredService<AccountRepository>().TryCreateAsync(userId, email, PasswordHasher.Hash(TestUsers.Password), teamId, CancellationToken.None));
        return new TestUser(email, TestUsers.Password, Services.GetRequiredService<SessionTokens>().Issue(userId, tokenVersion: 0).Token, userId, teamId);
    }

    public Task RunTimerAsync(string name) =>
        LocalInvoker.InvokeTimerAsync(Services, Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == name), CancellationToken.None);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
