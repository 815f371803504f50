using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Moosermail.Bench;

/// <summary>A signed-up user with a sandbox sender, calling the app over HTTP.</summary>
internal sealed class MoosermailClient : IDisposable
{
    private readonly HttpClient _app;
    private readonly HttpClient _sandbox;

    private MoosermailClient(HttpClient app, HttpClient sandbox)
    {
        _app = app;
        _sandbox = sandbox;
    }

    public static async Task<MoosermailClient> SignUpAsync(Uri appUrl, Uri sandboxUrl)
    {
        var app = new HttpClient { BaseAddress = new Uri(appUrl, "api/"), Timeout = TimeSpan.FromMinutes(2) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        const string Password = "benchmark password 1234";
        (await app.PostAsJsonAsync("auth/signup", new { email, password = Password })).EnsureSuccessStatusCode();
        var login = await app.PostAsJsonAsync("auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("token").GetString());

        var resendKey = "re_bench_" + Guid.NewGuid().ToString("N");
        (await app.PostAsJsonAsync("keys", new { api_key = resendKey, from_address = "Bench <bench@example.com>" })).EnsureSuccessStatusCode();
        var sandbox = new HttpClient { BaseAddress = sandboxUrl };
        sandbox.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("moosermail-bench", "1.0"));
        sandbox.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", resendKey);
        return new MoosermailClient(app, sandbox);
    }

    /// <summary>Sends one batch; returns how many of its emails Resend accepted during the request.</summary>
    public async Task<int> SendBatchAsync(int size, int call)
    {
        var emails = Enumerable.Range(0, size).Select(i => new { to = $"r{call}-{i}@example.com", subject = $"bench {call}/{i}", body = "hello" });
        var response = await _app.PostAsJsonAsync("send/batch", new { emails });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").EnumerateArray().Count(e => e.GetProperty("status").GetString() == "sent");
    }

    public async Task SendOneAsync(int i)
    {
        var response = await _app.PostAsJsonAsync("send", new { to = $"single{i}@example.com", subject = $"single {i}", body = "hello" });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Polls the sandbox until it has accepted <paramref name="expected"/> emails or the wait ends.</summary>
    public async Task<int> WaitForSandboxAcceptedAsync(int expected, TimeSpan wait)
    {
        var until = DateTime.UtcNow + wait;
        while (true)
        {
            using var stats = JsonDocument.Parse(await _sandbox.GetStringAsync(new Uri("_sandbox/stats", UriKind.Relative)));
            var accepted = stats.RootElement.GetProperty("accepted_sends").GetInt32();
            if (accepted >= expected || DateTime.UtcNow > until)
            {
                return accepted;
            }

            await Task.Delay(500);
        }
    }

    public void Dispose()
    {
        _app.Dispose();
        _sandbox.Dispose();
    }
}
