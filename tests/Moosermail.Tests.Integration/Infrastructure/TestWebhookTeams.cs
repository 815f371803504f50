using Moosermail.Tests.Integration.Webhooks;

namespace Moosermail.Tests.Integration.Infrastructure;

public static class TestWebhookTeams
{
    /// <summary>A new user whose team has a sender and a webhook signing secret; returns its endpoint id and that secret.</summary>
    public static async Task<(TestUser User, string Endpoint, string Secret)> TeamWithSecretAsync(this WebhookTestKit kit, AppFixture app)
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, kit.Client);
        var secret = await kit.SetSecretAsync(user);
        return (user, await kit.EndpointIdAsync(user), secret);
    }
}
