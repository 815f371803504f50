using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Teams;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Teams;

/// <summary>
/// The seam operator mail plugs into: the invitation goes to the registered <see cref="IInvitationMailer"/>
/// with its accept link, and a mailer that fails leaves the invitation standing (the inviter has the link).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class InvitationMailSeamTests(AppFixture app)
{
    [Fact]
    public async Task Invite_IsHandedToTheMailer_AndAFailingMailerStillCreatesTheInvitation()
    {
        var mailer = new RecordingMailer();
        await using var instance = app.BuildApp(app.Settings(), configure: b => b.Services.AddSingleton<IInvitationMailer>(mailer));
        await instance.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(instance.Urls.First() + "/") };
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(client, owner, "Mailed team");

        var (_, token, sent) = await TestTeams.InviteAsync(client, owner, teamId, "First@Example.com");
        mailer.Fail = true;
        var (failedId, _, failed) = await TestTeams.InviteAsync(client, owner, teamId, TestUsers.NewEmail());
        var pending = await (await client.SendAsync(owner.Request(HttpMethod.Get, $"api/teams/{teamId}/invitations"))).Content.ReadAsStringAsync();

        Assert.True(sent.GetProperty("emailed").GetBoolean());
        var mail = Assert.Single(mailer.Sent);
        Assert.Equal("first@example.com", mail.Email);
        Assert.Equal("Mailed team", mail.TeamName);
        Assert.Equal(owner.Email, mail.InvitedByEmail);
        Assert.EndsWith($"#token={token}", mail.AcceptUrl, StringComparison.Ordinal);
        Assert.False(failed.GetProperty("emailed").GetBoolean());
        Assert.Contains(failedId.ToString(), pending, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_WithoutOperatorMail_SaysItWasNotEmailed()
    {
        var (instance, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SYSTEM_RESEND_KEY"] = null, ["MOOSERMAIL_SYSTEM_FROM"] = null });
        await using var _ = instance;
        using var __ = client;
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(client, owner);

        var (_, _, body) = await TestTeams.InviteAsync(client, owner, teamId, TestUsers.NewEmail());

        Assert.False(body.GetProperty("emailed").GetBoolean());
    }

    private sealed class RecordingMailer : IInvitationMailer
    {
        public ConcurrentQueue<InvitationMail> Sent { get; } = new();

        public bool Fail { get; set; }

        public Task<bool> SendAsync(InvitationMail mail, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new HttpRequestException("operator mail is down");
            }

            Sent.Enqueue(mail);
            return Task.FromResult(true);
        }
    }
}
