using System.Net;
using System.Net.Http.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed class SignupModeTests(AppFixture app)
{
    [Fact]
    public async Task Closed_Answers403SayingSo_AndCreatesNothing()
    {
        var (other, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SIGNUP"] = "closed" });
        await using var _ = other;
        using var __ = client;
        var email = TestUsers.NewEmail();

        var response = await client.PostAsJsonAsync("api/auth/signup", new { email, password = TestUsers.Password });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("closed", (await TestUsers.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @Email", new { Email = email }));
    }

    [Fact]
    public async Task Closed_ExistingAccountsStillLogIn()
    {
        var (other, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SIGNUP"] = "closed" });
        await using var _ = other;
        using var __ = client;
        var user = await TestUsers.CreateAsync(app);

        Assert.NotEmpty(await TestUsers.LoginAsync(client, user.Email, user.Password));
    }

    [Fact]
    public async Task Invite_OnlyAnInvitedAddressGetsAnAccount_AndBothAnswersAreTheSame()
    {
        var owner = await TestUsers.CreateAsync(app);
        using var shared = app.CreateClient();
        var teamId = await TestTeams.CreateAsync(shared, owner);
        var invited = TestUsers.NewEmail("invited");
        var stranger = TestUsers.NewEmail("stranger");
        await TestTeams.InviteAsync(shared, owner, teamId, invited);
        var (other, client) = await OperatorMailbox.StartAppAsync(app, new() { ["MOOSERMAIL_SIGNUP"] = "invite" });
        await using var _ = other;
        using var __ = client;

        var forStranger = await client.PostAsJsonAsync("api/auth/signup", new { email = stranger, password = TestUsers.Password });
        var forInvited = await client.PostAsJsonAsync("api/auth/signup", new { email = invited.ToUpperInvariant(), password = TestUsers.Password });

        Assert.Equal(HttpStatusCode.Created, forStranger.StatusCode);
        Assert.Equal(HttpStatusCode.Created, forInvited.StatusCode);
        Assert.Equal(await forStranger.Content.ReadAsStringAsync(), await forInvited.Content.ReadAsStringAsync());
        // The invited account's verification mail is sent after the answer; let it land before this app stops.
        Assert.NotEmpty(await OperatorMailbox.TokenMailedToAsync(app, invited, "Confirm your email address"));
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = @Email", new { Email = stranger }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = @Email", new { Email = invited }));
    }
}
