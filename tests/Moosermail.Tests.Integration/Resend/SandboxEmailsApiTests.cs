using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>
/// The sandbox's list, reschedule and cancel of sent emails, as Resend answers them. Moosermail's client does not
/// call these (its send log and outbox hold that state), so they are driven here over raw HTTP, as an SDK would.
/// </summary>
public sealed class SandboxEmailsApiTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private readonly string _key = SandboxFixture.NewKey();

    [Fact]
    public async Task ListEmails_Cursor_PagesNewestFirst()
    {
        var ids = new List<string>();
        foreach (var subject in new[] { "a", "b", "c" })
        {
            ids.Add(await SendAsync(ResendClientTests.Email(subject)));
        }

        using var http = sandbox.Http(_key);
        var page1 = (await http.GetFromJsonAsync<ResendList<ResendEmail>>("emails?limit=2", ResendJson.Options))!;
        var page2 = (await http.GetFromJsonAsync<ResendList<ResendEmail>>($"emails?limit=2&after={page1.Data[^1].Id}", ResendJson.Options))!;

        Assert.Equal([ids[2], ids[1]], page1.Data.Select(e => e.Id));
        Assert.True(page1.HasMore);
        Assert.Equal([ids[0]], page2.Data.Select(e => e.Id));
        Assert.False(page2.HasMore);
        Assert.Null(page1.Data[0].Html);
    }

    [Fact]
    public async Task ListEmails_AnotherKey_SeesNoneOfTheseEmails()
    {
        var sent = await SendAsync(ResendClientTests.Email("Mine"));
        var otherKey = SandboxFixture.NewKey();
        using var other = sandbox.Http(otherKey);

        var list = (await other.GetFromJsonAsync<ResendList<ResendEmail>>("emails", ResendJson.Options))!;
        var get = await sandbox.Client.GetEmailAsync(otherKey, sent);

        Assert.Empty(list.Data);
        Assert.Equal(404, get.Error!.StatusCode);
        Assert.Equal("not_found", get.Error.Name);
        using var mine = sandbox.Http(_key);
        Assert.Single((await mine.GetFromJsonAsync<ResendList<ResendEmail>>("emails", ResendJson.Options))!.Data);
    }

    [Fact]
    public async Task UpdateScheduledAt_ScheduledEmail_MovesIt()
    {
        var at = DateTimeOffset.UtcNow.AddDays(1);
        var id = await SendAsync(ResendClientTests.Email("Later") with { ScheduledAt = at });
        using var http = sandbox.Http(_key);

        var updated = await http.PatchAsJsonAsync($"emails/{id}", new Dictionary<string, string> { ["scheduled_at"] = Timestamp(at.AddHours(2)) });

        Assert.True(updated.IsSuccessStatusCode);
        Assert.Equal(id, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        var email = (await sandbox.Client.GetEmailAsync(_key, id)).Value!;
        Assert.Equal("scheduled", email.LastEvent);
        Assert.Equal(at.AddHours(2).ToUnixTimeSeconds(), email.ScheduledAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task CancelEmail_ScheduledEmail_CancelsIt()
    {
        var id = await SendAsync(ResendClientTests.Email("Never") with { ScheduledAt = DateTimeOffset.UtcNow.AddHours(1) });
        using var http = sandbox.Http(_key);

        var canceled = await http.PostAsync($"emails/{id}/cancel", null);

        Assert.True(canceled.IsSuccessStatusCode);
        Assert.Equal("email", (await canceled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("object").GetString());
        Assert.Equal("canceled", (await sandbox.Client.GetEmailAsync(_key, id)).Value!.LastEvent);
    }

    [Fact]
    public async Task CancelEmail_AlreadySent_IsPermanentError()
    {
        var id = await SendAsync(ResendClientTests.Email("Gone"));
        using var http = sandbox.Http(_key);

        var canceled = await http.PostAsync($"emails/{id}/cancel", null);

        // 422 is a permanent error to Resend's clients (ResendErrorTests pins how each status is classified).
        Assert.Equal(HttpStatusCode.UnprocessableEntity, canceled.StatusCode);
    }

    private async Task<string> SendAsync(SendEmailRequest email) =>
        (await sandbox.Client.SendEmailAsync(_key, email, Guid.NewGuid().ToString())).Value!.Id;

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
