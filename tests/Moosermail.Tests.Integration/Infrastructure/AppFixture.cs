using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Data;
using Moosermail.Core.Webhooks;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Resend;

namespace Moosermail.Tests.Integration.Infrastructure;

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}

/// <summary>
/// Owns one migrated database for the test run and the app served over real HTTP on a loopback port,
/// through the same local host that scripts/run starts. Tests create their own data (fresh emails and
/// ids), so they never depend on each other.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string EncryptionKeyHex = "8d1f0b6a4c3e2f19a7b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3";
    /// <summary>Operator mail goes to this sandbox account, as scripts/run sets it up; read it with <see cref="SandboxFixture.Http"/>.</summary>
    public static readonly string OperatorResendKey = SandboxFixture.NewKey();

    public const string OperatorFrom = "Moosermail <no-reply@moosermail.test>";

    public const string JwtSecretHex = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";

    private IAsyncDisposable? _container;

    public string ServerUrl { get; private set; } = string.Empty;

    public string DatabaseUrl { get; private set; } = string.Empty;

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public LogCapture Logs { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The Resend the app talks to: the sandbox, in-process on a loopback port.</summary>
    public SandboxFixture Sandbox { get; } = new();

    public async Task InitializeAsync()
    {
        (ServerUrl, _container) = await TestDatabase.StartServerAsync();
        DatabaseUrl = await TestDatabase.CreateDatabaseAsync(ServerUrl, "moosermail_test");
        await Migrator.MigrateAsync(DatabaseUrl, NullLogger.Instance);
        await Sandbox.InitializeAsync();
        App = BuildApp(Settings(), Logs);
        await App.StartAsync();
        BaseAddress = new Uri(App.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Sandbox.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(ServerUrl, DatabaseUrl);
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    public HttpClient CreateClient() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>
    /// Waits until every Resend event the app has stored so far is folded into its email: ingest answers once an
    /// event is stored, and its fold follows moments later (WebhookFoldWorker).
    /// </summary>
    public Task FoldedAsync() => App.Services.GetRequiredService<WebhookFoldWorker>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public Dictionary<string, string?> Settings() => new()
    {
        ["MOOSERMAIL_DATABASE_URL"] = DatabaseUrl,
        ["ENCRYPTION_KEY"] = EncryptionKeyHex,
        ["JWT_SECRET"] = JwtSecretHex,
        ["MOOSERMAIL_PUBLIC_URL"] = "https://moosermail.test",
        ["RESEND_BASE_URL"] = Sandbox.BaseUrl.ToString(),
        ["MOOSERMAIL_TIMERS"] = "off",
        ["MOOSERMAIL_SYSTEM_RESEND_KEY"] = OperatorResendKey,
        ["MOOSERMAIL_SYSTEM_FROM"] = OperatorFrom,
        // Every test calls from 127.0.0.1; RateLimitTests build apps with the limits on.
        ["MOOSERMAIL_RATE_LIMITS"] = "off",
        // Outbound webhooks and pipes post to receivers on loopback; OutboundGuardTests run an app with it off.
        ["MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE"] = "true",
    };

    /// <summary>
    /// Builds another instance of the app (not started) with the given settings, for tests that need one.
    /// Each app gets its own log capture: a logger factory installs its scope provider on the capture.
    /// </summary>
    public WebApplication BuildApp(Dictionary<string, string?> settings, LogCapture? logs = null, Action<WebApplicationBuilder>? configure = null) =>
        LocalHost.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs ?? new LogCapture());
            builder.Services.AddSingleton<TimeProvider>(Time);
            configure?.Invoke(builder);
        });
}
