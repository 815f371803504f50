using System.Net;
using System.Net.Http.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

/// <summary>Invitations meet accounts: only a verified address joins, and the invitation arrives as operator mail.</summary>
[Collection(AppCollection.Name)]
public sealed class InvitationVerificationTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task UnverifiedAccount_CannotAccept_UntilItFollowsTheVerificationLink()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner);
        var invitee = await TestUsers.SignupAndLoginAsync(_client);
        var (_, token, _) = await TestTeams.InviteAsync(_client, owner, teamId, invitee.Email);

        var refused = await TestTeams.AcceptAsync(_client, invitee, token);
        var verifyToken = await OperatorMailbox.TokenMailedToAsync(app, invitee.Email, "Confirm your email address");
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync("api/auth/verify", new { token = verifyToken })).StatusCode);
        var accepted = await TestTeams.AcceptAsync(_client, invitee, token);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Verify", (await TestUsers.ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Invitation_IsMailedThroughOperatorMail_WithTheAcceptLink()
    {
        var owner = await TestUsers.CreateAsync(app);
        var teamId = await TestTeams.CreateAsync(_client, owner, "Acme mail test");
        var email = TestUsers.NewEmail("invitee");

        var (_, token, body) = await TestTeams.InviteAsync(_client, owner, teamId, email);
        var mailed = await OperatorMailbox.TokenMailedToAsync(app, email, "invited you to Acme mail test");

        Assert.True(body.GetProperty("emailed").GetBoolean());
        Assert.Equal(token, mailed);
    }
}
