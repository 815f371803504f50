using System.Net;
using Moosermail.Tests.Integration.Drafts;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>
/// A content fetch runs the team's pipes at once: only the inbox jobs run here (the webhook, then the fetch), never the
/// PipeProcess timer, and the matching pipe has acted.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class InboxPipeNudgeTests(AppFixture app)
{
    [Fact]
    public async Task ContentFetched_MatchingPipeActsWithoutItsTimer()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var (created, pipe) = await client.CallAsync(user.Request(HttpMethod.Post, "api/pipes", new { name = "flag", action = "tag", match_subject = "invoice", action_tag = "flag" }));
        Assert.Equal(HttpStatusCode.Created, created);
        var pipeId = pipe.GetProperty("pipe").GetProperty("id").GetGuid();
        var matching = await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "Invoice 42", text = "due" });
        var other = await app.InjectAsync(apiKey, new { from = "a@example.net", subject = "Lunch", text = "?" });
        await app.App.Services.BackfillAsync(user.TeamId);

        await app.App.Services.FetchContentAsync();

        var tagged = await InboxReceivingTests.EmailAsync(client, user, await app.InboxIdAsync(user.TeamId, matching));
        var untagged = await InboxReceivingTests.EmailAsync(client, user, await app.InboxIdAsync(user.TeamId, other));
        Assert.Equal(["flag"], tagged.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty(untagged.GetProperty("labels").EnumerateArray());
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM pipe_runs WHERE pipe_id = @PipeId AND team_id = @TeamId AND status <> 'pending'", new { PipeId = pipeId, user.TeamId }));
    }

    [Fact]
    public async Task ContentFetched_RunsOnlyThatTeamsPipes_OthersAreLeftToTheirTimer()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var (other, _) = await TestSenders.UserWithSenderAsync(app, client);
        var (created, _) = await client.CallAsync(other.Request(HttpMethod.Post, "api/pipes", new { name = "all", action = "tag", match_all = true, action_tag = "flag" }));
        Assert.Equal(HttpStatusCode.Created, created);
        // The other team's mail is stored as fetched without a fetch of this instance: only its timer would pipe it.
        await app.InsertAsync(other.TeamId);

        await app.ReceiveAsync(user, apiKey, new { from = "a@example.net", subject = "mine", text = "y" });

        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM pipe_runs WHERE team_id = @TeamId", new { TeamId = other.TeamId }));
    }
}
