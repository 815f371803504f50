using System.Text;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Authorization.MatrixRole;

namespace Moosermail.Tests.Integration.Authorization;

/// <summary>
/// How to call one route for real: <see cref="Prepare"/> creates what the call needs in a fresh team A (as its
/// owner, over the API) and returns the call. <see cref="NamesTeamResource"/>: the path carries an id of team A,
/// so another team's user must get 404. <see cref="Expect"/> overrides the answer the declaration implies for
/// some callers (e.g. the MCP endpoint's 405 on GET), and says why in <see cref="Note"/>.
/// </summary>
public sealed record RouteFixture(Func<MatrixWorld, Task<RouteCall>> Prepare, bool NamesTeamResource = false, IReadOnlyDictionary<MatrixRole, string>? Expect = null, string? Note = null);

/// <summary>
/// One entry per function (key: the function name, or "Name METHOD" when methods differ). A new function
/// without an entry fails the matrix test with its name: add a line here that makes a real call.
/// </summary>
public static class RouteFixtures
{
    private const string Password = TestUsers.Password;

    private static readonly IReadOnlyDictionary<MatrixRole, string> s_allAuthenticated405 =
        new Dictionary<MatrixRole, string> { [OtherTeam] = "405", [Member] = "405", [Admin] = "405", [Owner] = "405", [NarrowKey] = "405" };

    public static readonly IReadOnlyDictionary<string, RouteFixture> All = new Dictionary<string, RouteFixture>(StringComparer.Ordinal)
    {
        // Public surfaces.
        ["Health"] = new(_ => Call("api/health")),
        ["GetOpenApiDocument"] = new(_ => Call("api/openapi.json")),
        ["ApiDocs"] = new(_ => Call("api/docs")),
        ["ApiDocsFile"] = new(_ => Call("api/docs/index.html")),
        ["NotFound"] = new(_ => Call("api/no-such-route/here"), Expect: Every("404"), Note: "catch-all: an unknown route is 404 for everyone"),
        ["Signup"] = new(_ => Call("api/auth/signup", new { email = TestUsers.NewEmail("matrix"), password = Password })),
        ["Login"] = new(w => Call("api/auth/login", new { email = w.Owner.Email, password = Password })),
        ["RequestPasswordReset"] = new(w => Call("api/auth/password-reset", new { email = w.Owner.Email })),
        ["ConfirmPasswordReset"] = new(async w =>
        {
            await w.PrepareAsync(HttpMethod.Post, "api/auth/password-reset", new { email = w.Owner.Email });
            var token = await OperatorMailbox.TokenMailedToAsync(w.App, w.Owner.Email, "Reset your Moosermail password");
            return await Call("api/auth/password-reset/confirm", new { token, new_password = "matrix new password" });
        }),
        ["VerifyEmail"] = new(async w =>
        {
            await w.PrepareAsync(HttpMethod.Post, "api/auth/verify/request");
            var token = await OperatorMailbox.TokenMailedToAsync(w.App, w.Owner.Email, "Confirm your email address");
            return await Call("api/auth/verify", new { token });
        }),
        ["FireTrigger"] = new(async w => await Call($"api/trigger/{await TriggerKeyAsync(w)}", new { variables = new { name = "Ann" } })),
        ["FireTriggerByHeader"] = new(async w => new RouteCall("api/trigger", RouteCall.Json(new { variables = new { name = "Ann" } }),
            Headers: new Dictionary<string, string> { ["X-Trigger-Key"] = await TriggerKeyAsync(w) })),
        ["ReceiveResendWebhook"] = new(async w =>
        {
            var url = (await w.PrepareAsync(HttpMethod.Get, "api/webhooks/resend")).GetProperty("url").GetString()!;
            var body = new { type = "email.delivered", created_at = "2026-01-01T00:00:00.000Z", data = new { email_id = Guid.NewGuid().ToString(), created_at = "2026-01-01T00:00:00.000Z" } };
            return new RouteCall($"api/webhooks/resend/{url.Split('/')[^1]}", RouteCall.Json(body),
                Headers: new Dictionary<string, string> { ["svix-id"] = "msg_" + Guid.NewGuid().ToString("N"), ["svix-timestamp"] = "1767225600", ["svix-signature"] = "v1,AAAA" });
        }),

        // The caller's own account.
        ["Me"] = new(_ => Call("api/auth/me")),
        ["Logout"] = new(_ => Call("api/auth/logout"), Expect: new Dictionary<MatrixRole, string> { [NarrowKey] = "400" }, Note: "logout ends a session; a key is told to use DELETE /api/api-keys/{id}"),
        ["ChangePassword"] = new(_ => Call("api/auth/password", new { current_password = Password, new_password = "matrix changed password" })),
        ["DeleteAccount"] = new(_ => Call("api/auth/account", new { password = Password })),
        ["RequestEmailVerification"] = new(_ => Call("api/auth/verify/request")),
        ["AccountAudit"] = new(_ => Call("api/auth/audit")),
        ["Mcp POST"] = new(_ => Task.FromResult(new RouteCall("api/mcp", RouteCall.Json(new { jsonrpc = "2.0", id = 1, method = "tools/list" }),
            Headers: new Dictionary<string, string> { ["Accept"] = "application/json, text/event-stream" })), Note: "each tool checks its own permission"),
        ["Mcp GET"] = new(_ => Call("api/mcp"), Expect: s_allAuthenticated405, Note: "stateless MCP: POST only"),
        ["Mcp DELETE"] = new(_ => Call("api/mcp"), Expect: s_allAuthenticated405, Note: "stateless MCP: POST only"),

        // Sending and the send log.
        ["Send"] = new(async w =>
        {
            await w.AddSenderAsync();
            return await Call("api/send", new { to = "a@example.com", subject = "s", body = "b" });
        }),
        ["SendBatch"] = new(async w =>
        {
            await w.AddSenderAsync();
            return await Call("api/send/batch", new { emails = new[] { new { to = "a@example.com", subject = "s", body = "b" } } });
        }),
        ["ListEmails"] = new(async w => { await SentEmailAsync(w); return await Call("api/emails"); }),
        ["SendLog"] = new(async w => { await SentEmailAsync(w); return await Call("api/send-log"); }),
        ["GetEmail"] = new(async w => await Call($"api/emails/{await SentEmailAsync(w)}"), NamesTeamResource: true),
        ["CancelEmail"] = new(async w => await Call($"api/emails/{await SentEmailAsync(w, scheduled: true)}/cancel"), NamesTeamResource: true),
        ["RescheduleEmail"] = new(async w => await Call($"api/emails/{await SentEmailAsync(w, scheduled: true)}", new { scheduled_at = w.App.Time.GetUtcNow().AddHours(3) }), NamesTeamResource: true),
        ["GetStats"] = new(async w => { await SentEmailAsync(w); return await Call("api/stats"); }),
        ["ListSuppressions"] = new(async w => { await SuppressAsync(w); return await Call("api/suppressions"); }),
        ["DeleteSuppression"] = new(async w => await Call($"api/suppressions/{await SuppressAsync(w)}"), NamesTeamResource: true),

        // The inbox.
        ["ListInbox"] = new(async w => { await ReceivedAsync(w); return await Call("api/inbox"); }),
        ["GetInboxEmail"] = new(async w => await Call($"api/inbox/{(await ReceivedAsync(w)).Id}"), NamesTeamResource: true),
        ["UpdateInboxEmail"] = new(async w => await Call($"api/inbox/{(await ReceivedAsync(w)).Id}", new { read = true, labels = new[] { "matrix" } }), NamesTeamResource: true),
        ["GetInboxThread"] = new(async w => await Call($"api/inbox/threads/{(await ReceivedAsync(w)).ThreadId}"), NamesTeamResource: true),
        ["GetInboxAttachment"] = new(async w =>
        {
            var email = await ReceivedAsync(w);
            return await Call($"api/inbox/{email.Id}/attachments/{email.AttachmentId}");
        }, NamesTeamResource: true),

        // Templates.
        ["CreateTemplate"] = new(_ => Call("api/templates", new { name = "t", subject = "s", body_html = "<p>x</p>", body_text = "x" })),
        ["ListTemplates"] = new(async w => { await w.TemplateAsync(); return await Call("api/templates"); }),
        ["GetTemplate"] = new(async w => await Call($"api/templates/{await w.TemplateAsync()}"), NamesTeamResource: true),
        ["UpdateTemplate"] = new(async w => await Call($"api/templates/{await w.TemplateAsync()}", new { subject = "changed {{name}}" }), NamesTeamResource: true),
        ["DeleteTemplate"] = new(async w => await Call($"api/templates/{await w.TemplateAsync()}"), NamesTeamResource: true),
        ["RenderTemplate"] = new(async w => await Call($"api/templates/{await w.TemplateAsync()}/render", new { variables = new { name = "Ann" } }), NamesTeamResource: true),

        // Drafts and replies to received mail (sending needs emails:send too: every role that holds drafts:write or inbox:write has it).
        ["CreateDraft"] = new(_ => Call("api/drafts", new { to = "a@example.com", subject = "s", body = "b" })),
        ["ListDrafts"] = new(async w => { await DraftAsync(w); return await Call("api/drafts"); }),
        ["GetDraft"] = new(async w => await Call($"api/drafts/{await DraftAsync(w)}"), NamesTeamResource: true),
        ["UpdateDraft"] = new(async w => await Call($"api/drafts/{await DraftAsync(w)}", new { subject = "changed" }), NamesTeamResource: true),
        ["DeleteDraft"] = new(async w => await Call($"api/drafts/{await DraftAsync(w)}"), NamesTeamResource: true),
        ["SendDraft"] = new(async w => { await w.AddSenderAsync(); return await Call($"api/drafts/{await DraftAsync(w)}/send"); }, NamesTeamResource: true),
        ["ReplyToEmail"] = new(async w =>
        {
            await w.AddSenderAsync();
            var (id, _) = await w.App.InsertAsync(w.TeamId);
            w.Known.Add(id.ToString());
            return await Call($"api/inbox/{id}/reply", new { body = "Thanks!" });
        }, NamesTeamResource: true),

        // Contacts.
        ["CreateContact"] = new(_ => Call("api/contacts", new { email = TestUsers.NewEmail("contact") })),
        ["ListContacts"] = new(async w => { await ContactAsync(w); return await Call("api/contacts"); }),
        ["GetContact"] = new(async w => await Call($"api/contacts/{await ContactAsync(w)}"), NamesTeamResource: true),
        ["UpdateContact"] = new(async w => await Call($"api/contacts/{await ContactAsync(w)}", new { name = "Changed" }), NamesTeamResource: true),
        ["DeleteContact"] = new(async w => await Call($"api/contacts/{await ContactAsync(w)}"), NamesTeamResource: true),
        ["ImportContacts"] = new(_ => Task.FromResult(new RouteCall("api/contacts/import", new StringContent("email,name\nimported@example.com,Imp\n", Encoding.UTF8, "text/csv")))),

        // Triggers.
        ["CreateTrigger"] = new(async w => await Call("api/triggers", new { name = "t", template_id = await w.TemplateAsync() })),
        ["ListTriggers"] = new(async w => { await TriggerAsync(w); return await Call("api/triggers"); }),
        ["GetTrigger"] = new(async w => await Call($"api/triggers/{await TriggerAsync(w)}"), NamesTeamResource: true),
        ["UpdateTrigger"] = new(async w => await Call($"api/triggers/{await TriggerAsync(w)}", new { enabled = false }), NamesTeamResource: true),
        ["RotateTriggerKey"] = new(async w => await Call($"api/triggers/{await TriggerAsync(w)}/rotate"), NamesTeamResource: true),
        ["FireTriggerAsMember"] = new(async w =>
        {
            await w.AddSenderAsync();
            var created = await w.PrepareAsync(HttpMethod.Post, "api/triggers", new { name = "t", template_id = await w.TemplateAsync(), default_to = "a@example.com" });
            return await Call($"api/triggers/{created.GetProperty("trigger").GetProperty("id").GetGuid()}/fire", new { variables = new { name = "Ann" } });
        }, NamesTeamResource: true),
        ["DeleteTrigger"] = new(async w => await Call($"api/triggers/{await TriggerAsync(w)}"), NamesTeamResource: true),

        // Pipes.
        ["CreatePipe"] = new(_ => Call("api/pipes", new { name = "p", action = "hide", match_from = "news@" })),
        ["ListPipes"] = new(async w => { await PipeAsync(w); return await Call("api/pipes"); }),
        ["GetPipe"] = new(async w => await Call($"api/pipes/{await PipeAsync(w)}"), NamesTeamResource: true),
        ["UpdatePipe"] = new(async w => await Call($"api/pipes/{await PipeAsync(w)}", new { enabled = false }), NamesTeamResource: true),
        ["ListPipeRuns"] = new(async w => await Call($"api/pipes/{await PipeAsync(w)}/runs"), NamesTeamResource: true),
        ["DeletePipe"] = new(async w => await Call($"api/pipes/{await PipeAsync(w)}"), NamesTeamResource: true),

        // Cron jobs.
        ["CreateCronJob"] = new(async w => await Call("api/cron", new { name = "c", template_id = await w.TemplateAsync(), to = "a@example.com", cron_expression = "0 9 * * 1-5" })),
        ["ListCronJobs"] = new(async w => { await CronJobAsync(w); return await Call("api/cron"); }),
        ["GetCronJob"] = new(async w => await Call($"api/cron/{await CronJobAsync(w)}"), NamesTeamResource: true),
        ["UpdateCronJob"] = new(async w => await Call($"api/cron/{await CronJobAsync(w)}", new { enabled = false }), NamesTeamResource: true),
        ["DeleteCronJob"] = new(async w => await Call($"api/cron/{await CronJobAsync(w)}"), NamesTeamResource: true),
        ["ListCronRuns"] = new(async w => await Call($"api/cron/{await CronJobAsync(w)}/runs"), NamesTeamResource: true),

        // Credentials: API keys, senders (Resend keys), webhook settings.
        ["CreateApiKey"] = new(_ => Call("api/api-keys", new { name = "k", expires_in = "7d", permissions = new[] { "emails:read" } })),
        ["ListApiKeys"] = new(async w => { await ApiKeyAsync(w); return await Call("api/api-keys"); }),
        ["RevokeApiKey"] = new(async w => await Call($"api/api-keys/{await ApiKeyAsync(w)}"), NamesTeamResource: true,
            Expect: new Dictionary<MatrixRole, string> { [Member] = "403" }, Note: "the owner's key: a key someone else created needs team:admin too"),
        ["CreateSender"] = new(_ => Call("api/keys", new { api_key = Resend.SandboxFixture.NewKey(), from_address = "Team <hello@example.com>" })),
        ["ListSenders"] = new(async w => { await w.AddSenderAsync(); return await Call("api/keys"); }),
        ["UpdateSender"] = new(async w => await Call($"api/keys/{await w.AddSenderAsync()}", new { name = "renamed" }), NamesTeamResource: true),
        ["DeleteSender"] = new(async w => await Call($"api/keys/{await w.AddSenderAsync()}"), NamesTeamResource: true),
        ["GetResendWebhook"] = new(_ => Call("api/webhooks/resend")),
        ["SetResendWebhookSecret"] = new(_ => Call("api/webhooks/resend", new { signing_secret = "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()) })),
        ["RemoveResendWebhookSecret"] = new(_ => Call("api/webhooks/resend")),
        ["RotateResendWebhook"] = new(_ => Call("api/webhooks/resend/rotate")),
        ["CreateOutboundWebhook"] = new(_ => Call("api/outbound-webhooks", new { url = UnusedReceiver, events = new[] { "email.sent" } })),
        ["ListOutboundWebhooks"] = new(async w => { await OutboundWebhookAsync(w); return await Call("api/outbound-webhooks"); }),
        ["ListOutboundWebhookEventTypes"] = new(_ => Call("api/outbound-webhooks/events")),
        ["UpdateOutboundWebhook"] = new(async w => await Call($"api/outbound-webhooks/{await OutboundWebhookAsync(w)}", new { description = "changed" }), NamesTeamResource: true),
        ["DeleteOutboundWebhook"] = new(async w => await Call($"api/outbound-webhooks/{await OutboundWebhookAsync(w)}"), NamesTeamResource: true),
        ["RotateOutboundWebhookSecret"] = new(async w => await Call($"api/outbound-webhooks/{await OutboundWebhookAsync(w)}/rotate-secret"), NamesTeamResource: true),
        ["ListOutboundWebhookDeliveries"] = new(async w => await Call($"api/outbound-webhooks/{await OutboundWebhookAsync(w)}/deliveries"), NamesTeamResource: true),
        ["RetryOutboundWebhookDelivery"] = new(async w =>
        {
            var (endpointId, deliveryId) = await OutboundDeliveryAsync(w);
            return await Call($"api/outbound-webhooks/{endpointId}/deliveries/{deliveryId}/retry");
        }, NamesTeamResource: true),

        // Teams: team A is a shared team; the path names it.
        ["CreateTeam"] = new(_ => Call("api/teams", new { name = "another team" }), Expect: new Dictionary<MatrixRole, string> { [NarrowKey] = "403" },
            Note: "from a session only: a key belongs to one team"),
        ["ListTeams"] = new(_ => Call("api/teams")),
        ["GetTeam"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}"), NamesTeamResource: true),
        ["RenameTeam"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}", new { name = "renamed" }), NamesTeamResource: true),
        ["DeleteTeam"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}"), NamesTeamResource: true,
            Expect: new Dictionary<MatrixRole, string> { [Admin] = "403" }, Note: "owner only"),
        ["TransferTeam"] = new(async w =>
        {
            var team = await w.UseSharedTeamAsync();
            return await Call($"api/teams/{team}/transfer", new { user_id = await w.AddMemberAsync("admin") });
        }, NamesTeamResource: true, Expect: new Dictionary<MatrixRole, string> { [Admin] = "403" }, Note: "owner only; the old owner becomes admin"),
        ["ListMembers"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}/members"), NamesTeamResource: true),
        ["ChangeMember"] = new(async w =>
        {
            var team = await w.UseSharedTeamAsync();
            return await Call($"api/teams/{team}/members/{await w.AddMemberAsync()}", new { permissions = new { revoke = new[] { "contacts:write" } } });
        }, NamesTeamResource: true),
        ["RemoveMember"] = new(async w =>
        {
            var team = await w.UseSharedTeamAsync();
            return await Call($"api/teams/{team}/members/{await w.AddMemberAsync()}");
        }, NamesTeamResource: true, Expect: new Dictionary<MatrixRole, string> { [Member] = "403", [NarrowKey] = "403" },
            Note: "removing another member needs team:admin; any member may remove themselves (leave)"),
        ["CreateInvitation"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}/invitations", new { email = TestUsers.NewEmail("invitee"), role = "member" }), NamesTeamResource: true),
        ["ListInvitations"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}/invitations"), NamesTeamResource: true),
        ["RevokeInvitation"] = new(async w =>
        {
            var team = await w.UseSharedTeamAsync();
            var invitation = await w.PrepareAsync(HttpMethod.Post, $"api/teams/{team}/invitations", new { email = TestUsers.NewEmail("invitee"), role = "member" });
            return await Call($"api/teams/{team}/invitations/{invitation.GetProperty("id").GetGuid()}");
        }, NamesTeamResource: true),
        ["AcceptInvitation"] = new(async w =>
        {
            var team = await w.UseSharedTeamAsync();
            var invitation = await w.PrepareAsync(HttpMethod.Post, $"api/teams/{team}/invitations", new { email = TestUsers.NewEmail("invitee"), role = "member" });
            return await Call("api/invitations/accept", new { token = invitation.GetProperty("token").GetString() });
        }, Expect: new Dictionary<MatrixRole, string> { [OtherTeam] = "404", [Member] = "404", [Admin] = "404", [Owner] = "404", [NarrowKey] = "403" },
            Note: "only a verified session whose address is the invited one; anyone else's token is 404, and keys never accept"),
        ["ListTeamAudit"] = new(async w => await Call($"api/teams/{await w.UseSharedTeamAsync()}/audit"), NamesTeamResource: true),
    };

    private static Task<RouteCall> Call(string path, object? body = null) =>
        Task.FromResult(new RouteCall(path, body is null ? null : RouteCall.Json(body)));

    private static Dictionary<MatrixRole, string> Every(string status) => Enum.GetValues<MatrixRole>().ToDictionary(r => r, _ => status);

    private static async Task<Guid> SentEmailAsync(MatrixWorld w, bool scheduled = false)
    {
        await w.AddSenderAsync();
        object body = scheduled
            ? new { to = "a@example.com", subject = "s", body = "b", scheduled_at = w.App.Time.GetUtcNow().AddHours(1) }
            : new { to = "a@example.com", subject = "s", body = "b" };
        return (await w.PrepareAsync(HttpMethod.Post, "api/send", body)).GetProperty("id").GetGuid();
    }

    /// <summary>An email with one attachment received by team A (injected at the sandbox, pulled in by the backfill).</summary>
    private static async Task<(Guid Id, Guid ThreadId, string AttachmentId)> ReceivedAsync(MatrixWorld w)
    {
        var (_, apiKey) = await TestSenders.AddAsync(w.Client, w.Owner);
        var resendId = await w.App.InjectAsync(apiKey, new
        {
            from = "a@example.net",
            subject = "matrix",
            attachments = new[] { new { filename = "a.txt", content_type = "text/plain", content = Convert.ToBase64String("matrix"u8.ToArray()) } },
        });
        await w.App.App.Services.BackfillAsync(w.TeamId);
        var email = await w.PrepareAsync(HttpMethod.Get, $"api/inbox/{await w.App.InboxIdAsync(w.TeamId, resendId)}");
        var received = email.GetProperty("email");
        return (received.GetProperty("id").GetGuid(), received.GetProperty("thread_id").GetGuid(), received.GetProperty("attachments")[0].GetProperty("id").GetString()!);
    }

    private static async Task<string> SuppressAsync(MatrixWorld w)
    {
        var address = TestUsers.NewEmail("bounced");
        await w.ExecuteSqlAsync("INSERT INTO suppressions (team_id, address, reason, created_at) VALUES (@TeamId, @Address, 'bounced', now())", new { w.TeamId, Address = address });
        w.Known.Add(address);
        return address;
    }

    private static async Task<Guid> DraftAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/drafts", new { to = "a@example.com", subject = "s", body = "b" })).GetProperty("draft").GetProperty("id").GetGuid();

    /// <summary>Loopback (the fixture app allows private addresses) on the discard port: nothing is delivered during the matrix.</summary>
    private const string UnusedReceiver = "http://127.0.0.1:9/in";

    private static async Task<Guid> OutboundWebhookAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/outbound-webhooks", new { url = UnusedReceiver, events = new[] { "contact.created" } })).GetProperty("webhook").GetProperty("id").GetGuid();

    /// <summary>An endpoint subscribed to contact.created, and the delivery a new contact queued for it.</summary>
    private static async Task<(Guid EndpointId, Guid DeliveryId)> OutboundDeliveryAsync(MatrixWorld w)
    {
        var endpointId = await OutboundWebhookAsync(w);
        await ContactAsync(w);
        var deliveries = await w.PrepareAsync(HttpMethod.Get, $"api/outbound-webhooks/{endpointId}/deliveries");
        return (endpointId, deliveries.GetProperty("deliveries")[0].GetProperty("id").GetGuid());
    }

    private static async Task<Guid> ContactAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/contacts", new { email = TestUsers.NewEmail("contact") })).GetProperty("contact").GetProperty("id").GetGuid();

    private static async Task<Guid> TriggerAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/triggers", new { name = "t", template_id = await w.TemplateAsync() })).GetProperty("trigger").GetProperty("id").GetGuid();

    private static async Task<Guid> PipeAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/pipes", new { name = "p", action = "tag", action_tag = "flag", match_subject = "invoice" })).GetProperty("pipe").GetProperty("id").GetGuid();

    private static async Task<Guid> CronJobAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/cron", new { name = "c", template_id = await w.TemplateAsync(), to = "a@example.com", cron_expression = "0 9 * * 1-5" }))
            .GetProperty("cron_job").GetProperty("id").GetGuid();

    private static async Task<string> TriggerKeyAsync(MatrixWorld w)
    {
        await w.AddSenderAsync();
        var created = await w.PrepareAsync(HttpMethod.Post, "api/triggers", new { name = "t", template_id = await w.TemplateAsync(), default_to = "a@example.com" });
        return created.GetProperty("trigger").GetProperty("trigger_key").GetString()!;
    }

    private static async Task<Guid> ApiKeyAsync(MatrixWorld w) =>
        (await w.PrepareAsync(HttpMethod.Post, "api/api-keys", new { name = "k", expires_in = "7d", permissions = new[] { "emails:read" } })).GetProperty("id").GetGuid();
}
