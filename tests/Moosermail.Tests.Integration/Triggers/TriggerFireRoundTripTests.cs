using System.Net.Http.Json;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.OutboundWebhooks;
using Moosermail.Tests.Integration.Templates;
using Xunit.Abstractions;

namespace Moosermail.Tests.Integration.Triggers;

/// <summary>
/// A trigger fire's database round trips, counted on the wire by <see cref="RoundTripCounter"/> like the hot paths in
/// Performance/RoundTripBudgetTests, on a warm pool (the second identical fire). A fire by key with one recipient reads
/// the trigger (with whether trigger.fired has a subscriber), its template, the recipient's suppressions and
/// subscription, counts the trigger's allowance, reads the senders, accepts in one statement and makes the inline
/// attempt at Resend: at most <see cref="Budget"/>, one more with the rate limits on. Recording trigger.fired for a
/// subscribed endpoint takes the accept into a transaction: two more (the event's statement and the COMMIT).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TriggerFireRoundTripTests(AppFixture app, ITestOutputHelper output)
{
    /// <summary>17 while every fire ran in a transaction, whether or not an endpoint subscribed to trigger.fired.</summary>
    private const int Budget = 15;

    /// <summary>The limiter's address bucket on the public fire route.</summary>
    private const int LimiterCost = 1;

    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FireByKey_OneRecipient_WithinBudget(bool limits)
    {
        var (_, key) = await TriggerAsync();
        await using var measured = await MeasuredApp.StartAsync(app, limits);

        var trips = await WarmFireAsync(measured, key);

        output.WriteLine($"POST /api/trigger/{{key}}, one recipient, with the inline attempt (limits {(limits ? "on" : "off")}): {trips} round trips");
        Assert.InRange(trips, 1, limits ? Budget + LimiterCost : Budget);
    }

    [Fact]
    public async Task FireByKey_TriggerFiredSubscribed_TwoMoreForTheTransaction_AndTheEventIsRecorded()
    {
        var (user, key) = await TriggerAsync();
        await using var receiver = await OutboundReceiver.StartAsync();
        await OutboundTestKit.CreateEndpointAsync(_client, user, receiver.Url(), "trigger.fired");
        await using var measured = await MeasuredApp.StartAsync(app, limits: false);

        var trips = await WarmFireAsync(measured, key);

        output.WriteLine($"POST /api/trigger/{{key}} with trigger.fired subscribed: {trips} round trips");
        Assert.InRange(trips, 1, Budget + 2);
        Assert.Equal(2, await app.ScalarAsync<long>(
            "SELECT count(*) FROM outbound_webhook_events WHERE team_id = @TeamId AND type = 'trigger.fired'", new { user.TeamId }));
    }

    /// <summary>Fires twice and returns the second fire's round trips (the first warms the pool and the caches).</summary>
    private static async Task<long> WarmFireAsync(MeasuredApp measured, string key)
    {
        object Body() => new { to = "a@example.com", variables = new { name = "Ada" } };
        await measured.CountAsync(c => c.PostAsJsonAsync($"api/trigger/{key}", Body()));
        return await measured.CountAsync(c => c.PostAsJsonAsync($"api/trigger/{key}", Body()));
    }

    private async Task<(TestUser User, string Key)> TriggerAsync()
    {
        var user = await TestUsers.CreateAsync(app);
        await TestSenders.AddAsync(_client, user);
        var template = await TestContent.CreateTemplateAsync(_client, user);
        var trigger = await TestContent.CreateTriggerAsync(_client, user, template.GetProperty("id").GetGuid());
        var id = trigger.GetProperty("id").GetGuid();
        await TestContent.SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { allowed_recipient_domains = new[] { "example.com" } });
        return (user, trigger.GetProperty("trigger_key").GetString()!);
    }
}
