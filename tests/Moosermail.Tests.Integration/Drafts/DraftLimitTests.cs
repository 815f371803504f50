using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Drafts;
using Moosermail.Core.Maintenance;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Drafts;

/// <summary>The per-team cap on unsent drafts (under a row lock) and the retention of sent drafts (fake clock).</summary>
[Collection(AppCollection.Name)]
public sealed class DraftLimitTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_AtTheCap_Is409WithAClearMessage_SendingOneMakesRoom()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        await FillAsync(user.TeamId, DraftService.MaxUnsentPerTeam - 1);
        var last = await CreateAsync(user);

        var (refused, problem) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { subject = "one too many" }));
        var (sent, _) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{last}/send"));
        var (again, _) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { subject = "room again" }));

        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains($"{DraftService.MaxUnsentPerTeam} unsent drafts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, sent);
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Equal(DraftService.MaxUnsentPerTeam + 1, await app.CountForTeamAsync("drafts", user.TeamId));
    }

    [Fact]
    public async Task Create_ConcurrentlyOneBelowTheCap_StoresExactlyOne()
    {
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        await FillAsync(user.TeamId, DraftService.MaxUnsentPerTeam - 1);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { subject = $"race {i}" }))));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.Equal(DraftService.MaxUnsentPerTeam, await app.CountForTeamAsync("drafts", user.TeamId));
    }

    [Fact]
    public async Task OtherTeamsDrafts_DoNotCountTowardsTheCap()
    {
        var (full, _) = await TestSenders.UserWithSenderAsync(app, _client);
        var (user, _) = await TestSenders.UserWithSenderAsync(app, _client);
        await FillAsync(full.TeamId, DraftService.MaxUnsentPerTeam);

        var (status, _) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { subject = "mine" }));

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Retention_DeletesDraftsSentOver30DaysAgo_KeepsNewerAndUnsentOnes()
    {
        var (member, _) = await TestSenders.UserWithSenderAsync(app, _client);
        // An API key outlives the session across the month the clock moves.
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, member, permissions: ["drafts:write", "emails:send"]);
        var user = member.Using(key);
        var old = await CreateAsync(user);
        var unsent = await CreateAsync(user);
        var (sentOld, _) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{old}/send"));
        app.Time.Advance(TimeSpan.FromDays(2));
        var recent = await CreateAsync(user);
        var (sentRecent, _) = await _client.CallAsync(user.Request(HttpMethod.Post, $"api/drafts/{recent}/send"));
        // The retention timer a month on, on its own fake clock: the shared clock stays near the sandbox's.
        var monthLater = new FakeTimeProvider(app.Time.GetUtcNow() + DraftService.SentRetention - TimeSpan.FromDays(1));
        var retention = ActivatorUtilities.CreateInstance<DataRetentionService>(app.App.Services, monthLater);

        var result = await retention.RunAsync(CancellationToken.None);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (sentOld, sentRecent));
        Assert.True(result.SentDrafts >= 1);
        var left = await app.ScalarAsync<Guid[]>("SELECT array_agg(id ORDER BY created_at, id) FROM drafts WHERE team_id = @TeamId", new { user.TeamId });
        Assert.DoesNotContain(old, left);
        Assert.Contains(unsent, left);
        Assert.Contains(recent, left);
        Assert.Equal(2, await app.CountForTeamAsync("emails", user.TeamId));
    }

    private async Task<Guid> CreateAsync(TestUser user)
    {
        var (status, created) = await _client.CallAsync(user.Request(HttpMethod.Post, "api/drafts", new { to = "a@example.org", subject = "s", body = "b" }));
        Assert.Equal(HttpStatusCode.Created, status);
        return created.GetProperty("draft").GetProperty("id").GetGuid();
    }

    private Task FillAsync(Guid teamId, int count) =>
        app.ScalarAsync<long>(
            """
            WITH filled AS (
                INSERT INTO drafts (id, team_id, subject, created_at, updated_at)
                SELECT gen_random_uuid(), @TeamId, 'filler', @Now, @Now
                FROM generate_series(1, @Count)
                RETURNING 1
            )
            SELECT count(*) FROM filled
            """,
            new { TeamId = teamId, Count = count, Now = app.Time.GetUtcNow() });
}
