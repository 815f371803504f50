using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Inbox;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>Received mail for tests: injected at the sandbox (as Resend would receive it), pulled in by the timers' services.</summary>
public static class TestInbox
{
    /// <summary>POST /_sandbox/inbound on the key's sandbox account; returns the Resend id.</summary>
    public static async Task<string> InjectAsync(this AppFixture app, string apiKey, object inbound)
    {
        using var http = app.Sandbox.Http(apiKey);
        var response = await http.PostAsJsonAsync("_sandbox/inbound", inbound);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Runs the backfill for one team now (what the timer does for every team); returns how many emails it stored.</summary>
    public static Task<int> BackfillAsync(this IServiceProvider services, Guid teamId) =>
        services.GetRequiredService<InboxBackfill>().RunTeamAsync(teamId, CancellationToken.None);

    /// <summary>Runs the content job once (what the 10-second timer does).</summary>
    public static Task<int> FetchContentAsync(this IServiceProvider services) =>
        services.GetRequiredService<InboxContentFetcher>().FetchDueAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

    /// <summary>Injects, backfills and fetches: the email as the inbox holds it once everything has run; returns its inbox id.</summary>
    public static async Task<Guid> ReceiveAsync(this AppFixture app, TestUser user, string apiKey, object inbound)
    {
        var resendId = await app.InjectAsync(apiKey, inbound);
        await app.App.Services.BackfillAsync(user.TeamId);
        await app.App.Services.FetchContentAsync();
        return await app.InboxIdAsync(user.TeamId, resendId);
    }

    public static Task<Guid> InboxIdAsync(this AppFixture app, Guid teamId, string resendId) =>
        app.ScalarAsync<Guid>("SELECT id FROM received_emails WHERE team_id = @TeamId AND resend_id = @ResendId", new { TeamId = teamId, ResendId = resendId });
}
