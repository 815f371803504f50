using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>Reads Moosermail's own mail where it lands: the sandbox account of the operator key.</summary>
public static partial class OperatorMailbox
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Polls (bounded) for the newest operator mail to <paramref name="address"/> whose subject contains
    /// <paramref name="subject"/>, and returns the single-use token in its link.
    /// </summary>
    public static async Task<string> TokenMailedToAsync(AppFixture app, string address, string subject, int atLeast = 1)
    {
        using var http = app.Sandbox.Http(AppFixture.OperatorResendKey);
        var started = DateTime.UtcNow;
        while (true)
        {
            var mails = await MailsToAsync(http, address, subject);
            if (mails.Count >= atLeast)
            {
                using var full = JsonDocument.Parse(await http.GetStringAsync($"emails/{mails[0]}"));
                var root = full.RootElement;
                Assert.Equal(AppFixture.OperatorFrom.ToLowerInvariant(), root.GetProperty("from").GetString()!.ToLowerInvariant());
                return TokenInLink().Match(root.GetProperty("text").GetString()!).Groups[1].Value;
            }

            Assert.True(DateTime.UtcNow - started < s_wait, $"No operator mail '{subject}' reached {address} within {s_wait.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    /// <summary>Ids of operator mails to <paramref name="address"/> (newest first) as the sandbox holds them now.</summary>
    public static async Task<IReadOnlyList<string>> MailsToAsync(HttpClient http, string address, string subject)
    {
        var response = await http.GetAsync("emails?limit=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return list.RootElement.GetProperty("data").EnumerateArray()
            .Where(e => e.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), address, StringComparison.OrdinalIgnoreCase))
                && e.GetProperty("subject").GetString()!.Contains(subject, StringComparison.Ordinal))
            .Select(e => e.GetProperty("id").GetString()!)
            .ToList();
    }

    /// <summary>An app like the shared one, but without operator mail configured.</summary>
    public static async Task<(WebApplication App, HttpClient Client)> StartAppAsync(AppFixture app, Dictionary<string, string?> overrides)
    {
        var settings = app.Settings();
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var other = app.BuildApp(settings);
        await other.StartAsync();
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(other.Urls.First() + "/") };
        return (other, client);
    }

    [GeneratedRegex(@"#token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenInLink();
}
