using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.ResendSandbox;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>
/// scripts/run restarts the sandbox on every run: with a state file, the webhook the app registered (and its
/// signing secret) must survive, or delivery events silently stop after the second run.
/// </summary>
public sealed class SandboxPersistenceTests
{
    [Fact]
    public async Task Restart_WithStateFile_KeepsWebhookRegistrationsAndSecrets()
    {
        var stateFile = Path.Combine(Path.GetTempPath(), $"sandbox-state-{Guid.NewGuid():N}.json");
        var key = SandboxFixture.NewKey();
        try
        {
            string id, secret;
            await using (var first = await StartAsync(stateFile))
            {
                using var client = Client(first, key);
                var created = await client.PostAsJsonAsync("webhooks", new { endpoint = "http://localhost:7071/api/webhooks/resend/abc", events = new[] { "email.delivered" } });
                created.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
                id = body.RootElement.GetProperty("id").GetString()!;
                secret = body.RootElement.GetProperty("signing_secret").GetString()!;
            }

            await using var second = await StartAsync(stateFile);
            using var again = Client(second, key);
            using var kept = JsonDocument.Parse(await again.GetStringAsync($"webhooks/{id}"));
            using var otherAccount = Client(second, SandboxFixture.NewKey());
            var hidden = await otherAccount.GetAsync($"webhooks/{id}");

            Assert.Equal(secret, kept.RootElement.GetProperty("signing_secret").GetString());
            Assert.Equal("http://localhost:7071/api/webhooks/resend/abc", kept.RootElement.GetProperty("endpoint").GetString());
            Assert.Equal(System.Net.HttpStatusCode.NotFound, hidden.StatusCode);
        }
        finally
        {
            File.Delete(stateFile);
        }
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(string stateFile)
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], o => o.StateFile = stateFile);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(Microsoft.AspNetCore.Builder.WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("moosermail-tests"); // Resend (and so the sandbox) refuses calls without one
        return client;
    }
}
