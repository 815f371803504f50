using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Core.Resend;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Integration.Resend;

public sealed class SandboxScheduleTests(FakeClockSandbox sandbox) : IClassFixture<FakeClockSandbox>
{
    [Fact]
    public async Task Send_ScheduledAt_EmitsScheduledThenSendsWhenDue()
    {
        var key = SandboxFixture.NewKey();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = sandbox.Http(key);
        var secret = (await (await http.PostAsJsonAsync("webhooks", new
        {
            endpoint = receiver.Endpoint.AbsoluteUri,
            events = new[] { "email.scheduled", "email.sent", "email.delivered" },
        })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signing_secret").GetString()!;
        var verifier = new WebhookSignatureVerifier(sandbox.Clock);

        var id = (await sandbox.Client.SendEmailAsync(key, new SendEmailRequest
        {
            From = "hello@example.com",
            To = ["delivered@resend.dev"],
            Subject = "Later",
            Text = "body",
            ScheduledAt = sandbox.Clock.GetUtcNow().AddMinutes(1),
        }, Guid.NewGuid().ToString())).Value!.Id;
        var scheduled = (await receiver.NextAsync(1))[0];
        var stillScheduled = (await sandbox.Client.GetEmailAsync(key, id)).Value!.LastEvent;

        sandbox.Clock.Advance(TimeSpan.FromSeconds(61));
        var sent = await receiver.NextAsync(2);

        Assert.Equal("scheduled", stillScheduled);
        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(secret, scheduled.Body, scheduled.Header));
        Assert.Equal("email.scheduled", ResendWebhookEvent.TryParse(scheduled.Body)!.Type);
        Assert.Equal(["email.sent", "email.delivered"], sent.Select(s => ResendWebhookEvent.TryParse(s.Body)!.Type));
        Assert.Equal("delivered", (await sandbox.Client.GetEmailAsync(key, id)).Value!.LastEvent);
    }
}
