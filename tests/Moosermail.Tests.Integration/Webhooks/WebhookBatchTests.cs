using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Webhooks;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>
/// Webhook ingest's group commit (WebhookStoreBatcher) and the fold that follows it (WebhookFoldWorker): events that
/// share one statement keep every guarantee a lone event has — per-email folds add up and stay monotonic, suppressions
/// and timelines are complete, teams stay apart, one event Postgres refuses does not take the others in its batch down,
/// and the answer waits for the store, never for the fold.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WebhookBatchTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task ConcurrentMixedEvents_ForOneEmail_FoldAsIfOneByOne()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "gone@example.com", subject = "s", body = "b" });
        var bodies = Enumerable.Range(0, 30).Select(i => (i % 3) switch
        {
            0 => WebhookTestKit.EmailEvent("email.opened", resendId, "gone@example.com"),
            1 => WebhookTestKit.EmailEvent("email.delivered", resendId, "gone@example.com"),
            _ => WebhookTestKit.EmailEvent("email.bounced", resendId, "gone@example.com", "Permanent"),
        }).ToList();
        using var client = app.CreateClient();

        var responses = await Task.WhenAll(bodies.Select(body => client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, body, app.Time.GetUtcNow()))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await app.FoldedAsync();
        var email = await _kit.EmailAsync(user, id);
        Assert.Equal("bounced", email.GetProperty("email").GetProperty("status").GetString());
        Assert.Equal(10, email.GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.Equal(30, email.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString()!.StartsWith("email.", StringComparison.Ordinal)));
        var suppressions = (await _kit.JsonAsync(user, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal("gone@example.com", Assert.Single(suppressions).GetProperty("email").GetString());
    }

    [Fact]
    public async Task ConcurrentEventsOfTwoTeams_NeverFoldIntoTheOtherTeamsEmail()
    {
        var (victim, victimEndpoint, victimSecret) = await _kit.TeamWithSecretAsync(app);
        var (attacker, attackerEndpoint, attackerSecret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(victim, new { to = "v@example.com", subject = "s", body = "b" });
        using var client = app.CreateClient();

        var posts = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? client.SendAsync(WebhookTestKit.SignedPost(victimEndpoint, victimSecret, WebhookTestKit.EmailEvent("email.opened", resendId, "v@example.com"), app.Time.GetUtcNow()))
            : client.SendAsync(WebhookTestKit.SignedPost(attackerEndpoint, attackerSecret, WebhookTestKit.EmailEvent("email.bounced", resendId, "v@example.com", "Permanent"), app.Time.GetUtcNow())));
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await app.FoldedAsync();
        var email = (await _kit.EmailAsync(victim, id)).GetProperty("email");
        Assert.Equal("opened", email.GetProperty("status").GetString());
        Assert.Equal(20, email.GetProperty("opened_count").GetInt32());
        Assert.Empty((await _kit.JsonAsync(victim, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Empty((await _kit.JsonAsync(attacker, HttpMethod.Get, "api/suppressions")).GetProperty("data").EnumerateArray());
        Assert.Equal(20, await _kit.StoredEventsAsync(attacker.TeamId));
    }

    [Fact]
    public async Task OneEventPostgresRefuses_FailsAloneAndItsBatchIsStored()
    {
        var (user, publicId, _) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var endpoint = await app.App.Services.GetRequiredService<WebhookEndpointRepository>().FindForDeliveryAsync(publicId, CancellationToken.None);
        var batcher = app.App.Services.GetRequiredService<WebhookStoreBatcher>();
        var now = app.Time.GetUtcNow();
        var opened = new FoldPlan(null, 1, 0, "email.opened", null, now, [], null);
        VerifiedWebhookEvent Event(string svixId, string payload) =>
            new(new NewWebhookEvent(user.TeamId, endpoint!.Id, svixId, "email.opened", true, resendId, now, payload), endpoint, opened, now);

        // Hold an uncommitted copy of the first event, so the first batch waits on the unique index, and the rest
        // queue up behind it as ONE batch.
        await using var holder = new NpgsqlConnection(app.DatabaseUrl);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO webhook_events (team_id, endpoint_id, svix_id, type, verified, payload, received_at) VALUES (@t, @e, 'msg_first', 'email.opened', TRUE, '{}', now())",
            holder, hold))
        {
            insert.Parameters.AddWithValue("t", user.TeamId);
            insert.Parameters.AddWithValue("e", endpoint!.Id);
            await insert.ExecuteNonQueryAsync();
        }

        var first = batcher.StoreAsync(Event("msg_first", "{}"), CancellationToken.None);
        await WaitForLockWaiterAsync();
        var good = Enumerable.Range(0, 10).Select(i => batcher.StoreAsync(Event($"msg_good_{i}", "{}"), CancellationToken.None)).ToList();
        var bad = batcher.StoreAsync(Event("msg_bad", "not json"), CancellationToken.None);
        await hold.RollbackAsync();

        Assert.NotNull((await first).EventId);
        Assert.All(await Task.WhenAll(good), stored => Assert.NotNull(stored.EventId));
        await Assert.ThrowsAsync<PostgresException>(() => bad);
        await app.FoldedAsync();
        Assert.Equal(11, await _kit.StoredEventsAsync(user.TeamId));
        Assert.Equal(11, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
    }

    [Fact]
    public async Task EmailLockedByAnotherTransaction_EventIsAnsweredOnceStored_AndFoldedWhenTheLockGoes()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        await using var holder = new NpgsqlConnection(app.DatabaseUrl);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM emails WHERE id = @id FOR UPDATE", holder, hold))
        {
            lockRow.Parameters.AddWithValue("id", id);
            await lockRow.ExecuteScalarAsync();
        }

        // The answer does not wait for the fold: the event is stored (committed) while its email is still locked.
        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId), app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await _kit.StoredEventsAsync(user.TeamId));
        await WaitForLockWaiterAsync();
        Assert.Equal("sent", await _kit.StatusAsync(user, id));

        await hold.CommitAsync();
        await app.FoldedAsync();

        Assert.Equal("delivered", await _kit.StatusAsync(user, id));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @TeamId AND folded_at IS NULL", new { user.TeamId }));
    }

    [Fact]
    public async Task FoldBatchPostgresRefuses_EachEventIsFoldedAloneFromItsStoredPayload()
    {
        var (user, id, resendId, stored, good, now) = await StoredOpenedEventsAsync("msg_a", "msg_b");

        // Postgres refuses a NUL in text, so this batch fails as a whole; the events' payloads are fine.
        app.App.Services.GetRequiredService<WebhookFoldWorker>().Enqueue(
        [
            new StoredFold(stored[0].EventId!.Value, user.TeamId, resendId, good, now),
            new StoredFold(stored[1].EventId!.Value, user.TeamId, resendId, good with { TimelineDetail = "bad\0detail" }, now),
        ]);
        await app.FoldedAsync();

        Assert.Equal(2, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @TeamId AND folded_at IS NULL", new { user.TeamId }));
        Assert.Equal(0, await QueuedAsync(user.TeamId));
    }

    [Fact]
    public async Task QueuedFoldOfAStoppedInstance_IsFoldedOnceByTheReconcileTimer()
    {
        // Stored and queued, but the worker never hears of it: the instance stopped right after answering.
        var (user, id, _, _, _, _) = await StoredOpenedEventsAsync("msg_orphan");
        await app.RunTimerAsync("DeliveryReconcile");
        Assert.Equal(0, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());

        app.Time.Advance(DeliveryReconciler.QueuedFoldTimeout + TimeSpan.FromSeconds(1));
        await app.RunTimerAsync("DeliveryReconcile");
        await app.RunTimerAsync("DeliveryReconcile");

        Assert.Equal(1, (await _kit.EmailAsync(user, id)).GetProperty("email").GetProperty("opened_count").GetInt32());
        Assert.Equal(0, await QueuedAsync(user.TeamId));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @TeamId AND folded_at IS NULL", new { user.TeamId }));
    }

    /// <summary>
    /// A team's sent email and email.opened events for it, stored (and queued for their fold) straight through the
    /// repository, so no fold worker hears of them.
    /// </summary>
    private async Task<(TestUser User, Guid EmailId, string ResendId, IReadOnlyList<BatchStoreResult> Stored, FoldPlan Opened, DateTimeOffset Now)> StoredOpenedEventsAsync(
        params string[] svixIds)
    {
        var (user, publicId, _) = await _kit.TeamWithSecretAsync(app);
        var (id, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });
        var endpoint = await app.App.Services.GetRequiredService<WebhookEndpointRepository>().FindForDeliveryAsync(publicId, CancellationToken.None);
        var now = app.Time.GetUtcNow();
        var opened = new FoldPlan(null, 1, 0, "email.opened", null, now, [], null);
        var payload = Encoding.UTF8.GetString(WebhookTestKit.EmailEvent("email.opened", resendId));
        var stored = await app.App.Services.GetRequiredService<WebhookEventRepository>().StoreVerifiedAsync(
            [.. svixIds.Select(svixId => new VerifiedWebhookEvent(
                new NewWebhookEvent(user.TeamId, endpoint!.Id, svixId, "email.opened", true, resendId, now, payload), endpoint, opened, now))],
            CancellationToken.None);
        return (user, id, resendId, stored, opened, now);
    }

    private Task<long> QueuedAsync(Guid teamId) => app.ScalarAsync<long>(
        "SELECT count(*) FROM webhook_fold_queue q JOIN webhook_events w ON w.id = q.event_id WHERE w.team_id = @TeamId", new { TeamId = teamId });

    [Fact]
    public async Task EventsNoOutboundWebhookSubscribesTo_AreStoredAlreadyFannedOut()
    {
        var (user, endpoint, secret) = await _kit.TeamWithSecretAsync(app);
        var (_, resendId) = await _kit.SendAsync(user, new { to = "a@example.com", subject = "s", body = "b" });

        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(endpoint, secret, WebhookTestKit.EmailEvent("email.delivered", resendId), app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM webhook_events WHERE team_id = @TeamId AND outbound_fanned_at IS NULL", new { user.TeamId }));
    }

    /// <summary>Until a backend of this database waits for a row lock (bounded).</summary>
    private async Task WaitForLockWaiterAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if (await app.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", new { }) > 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The first batch never waited for the held row.");
    }
}
