using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Resend;
using Moosermail.ResendSandbox;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>
/// A Resend sandbox started in-process on a loopback port, and our ResendClient pointed at it. Each test uses
/// fresh API keys (each key is its own sandbox account), so tests never see each other's emails.
/// </summary>
public class SandboxFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public WebApplication App { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public ResendClient Client { get; private set; } = null!;

    protected virtual TimeProvider? Time => null;

    public static string NewKey() => "re_test_" + Guid.NewGuid().ToString("N");

    public virtual async Task InitializeAsync()
    {
        App = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], Configure, Time);
        await App.StartAsync();
        BaseUrl = new Uri(App.Urls.First());
        Client = CreateClient(BaseUrl, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await App.DisposeAsync();
    }

    /// <summary>A ResendClient registered the way AddMoosermailCore does it, with the given base URL and timeout.</summary>
    public ResendClient CreateClient(Uri baseUrl, TimeSpan timeout)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (Time is { } time)
        {
            services.AddSingleton(time);
        }

        var provider = services.AddResendClient(baseUrl, timeout).BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ResendClient>();
    }

    /// <summary>A raw client that talks to the sandbox like an SDK would (User-Agent and key set).</summary>
    public HttpClient Http(string? apiKey, bool userAgent = true)
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        if (userAgent)
        {
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("moosermail-tests", "1.0"));
        }

        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    public async Task InjectFaultAsync(string apiKey, object fault)
    {
        using var http = Http(apiKey);
        (await http.PostAsJsonAsync("_sandbox/faults", fault)).EnsureSuccessStatusCode();
    }

    public async Task<int> AcceptedSendsAsync(string apiKey)
    {
        using var http = Http(apiKey);
        var stats = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("_sandbox/stats");
        return stats.GetProperty("accepted_sends").GetInt32();
    }

    protected virtual void Configure(SandboxOptions options)
    {
        // Generous by default so tests are not throttled; ResendRateLimitTests uses Resend's 2/s.
        options.RateLimitPerSecond = 1000;
        options.MaxAttachmentBytes = 64 * 1024;
        options.SchedulerInterval = TimeSpan.FromMilliseconds(100);
        options.WebhookRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)];
    }
}
