using Moosermail.Core.Accounts;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Audit;
using Moosermail.Core.Contacts;
using Moosermail.Core.Cron;
using Moosermail.Core.Drafts;
using Moosermail.Core.Emails;
using Moosermail.Core.Inbox;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Pipes;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Stats;
using Moosermail.Core.Suppressions;
using Moosermail.Core.Teams;
using Moosermail.Core.Templates;
using Moosermail.Core.Triggers;
using Moosermail.Core.Webhooks;
using Moosermail.Functions.Emails;
using Moosermail.Functions.Inbox;
using static Moosermail.Functions.OpenApi.ApiAnswer;

namespace Moosermail.Functions.OpenApi;

/// <summary>
/// The OpenAPI description of each HTTP function, keyed by function name. Routes, methods and parameters
/// come from functions.metadata; schemas come from the records named here. Kept in one file rather than as
/// attributes on each function so the function files stay 'bind, authorize, call, answer'. A test fails
/// when a function has no entry here or an entry names no function.
/// </summary>
public static class ApiOperations
{
    private static readonly string[] s_emailListQuery = ["status", "to", "from", "since", "until", "tag", "limit", "cursor"];

    public static readonly IReadOnlyDictionary<string, ApiOperation> All = new Dictionary<string, ApiOperation>
    {
        ["Health"] = new("Liveness and database reachability", Shape(200, "Healthy", P<string>("status"), P<string>("database"), P<int?>("schema_version")))
        {
            Also = [Shape(503, "Postgres is unreachable", P<string>("status"), P<string>("database"), P<int?>("schema_version"))],
        },
        ["GetOpenApiDocument"] = new("This document", new ApiAnswer(200, "The OpenAPI 3.1 document")),
        ["ApiDocs"] = new("The API reference page", new ApiAnswer(200, "HTML")),
        ["ApiDocsFile"] = new("A file of the reference page's bundled viewer", new ApiAnswer(200, "A static file")),

        ["Signup"] = new("Create an account and its personal team", Shape(201, "Created, or the email already has an account (same answer)", P<bool>("ok"))) { Body = typeof(Credentials) },
        ["Login"] = new("Log in: a session token, and the HttpOnly session cookie", Shape(200, "Logged in", P<string>("token"), P<DateTimeOffset>("expires_at"))) { Body = typeof(Credentials) },
        ["Logout"] = new("End this session: the token stops working at once", NoContent()),
        ["Me"] = new("The user, their teams and the acting team", Json<AccountSummary>()),
        ["ChangePassword"] = new("Change the password; every older token stops working", NoContent()) { Body = typeof(ChangePasswordRequest) },
        ["DeleteAccount"] = new("Delete the account and the teams the user solely owns", NoContent()) { Body = typeof(DeleteAccountRequest) },
        ["RequestPasswordReset"] = new("Mail a password reset link; the same 202 whether or not the account exists", Json<object>(202, "Accepted")) { Body = typeof(PasswordResetRequest) },
        ["ConfirmPasswordReset"] = new("Set a new password with the mailed token; every session ends and every mk_ key the user created is revoked", NoContent()) { Body = typeof(PasswordResetConfirmation) },
        ["VerifyEmail"] = new("Mark the account's address verified with the mailed token", NoContent()) { Body = typeof(EmailVerificationRequest) },
        ["RequestEmailVerification"] = new("Mail a fresh verification link to the signed-in user", Json<object>(202, "Accepted")),
        ["AccountAudit"] = new("The user's own account events, newest first", Json<AccountAuditPage>()),

        ["CreateApiKey"] = new("Create an mk_ API key (shown in this answer only)", Json<CreatedApiKey>(201, "Created")) { Body = typeof(CreateApiKeyRequest) },
        ["ListApiKeys"] = new("The team's API keys (prefix only)", Shape(200, "OK", P<IReadOnlyList<ApiKeySummary>>("api_keys"))),
        ["RevokeApiKey"] = new("Revoke an API key at once", NoContent("Revoked")),

        ["CreateSender"] = new("Add a Resend key as a sender (checked live, stored encrypted)", Json<Sender>(201, "Created")) { Body = typeof(CreateSenderRequest) },
        ["ListSenders"] = new("The team's senders (key hints only)", Shape(200, "OK", P<IReadOnlyList<Sender>>("keys"))),
        ["UpdateSender"] = new("Rotate the key, rename, change the address or make default", Json<Sender>()) { Body = typeof(UpdateSenderRequest) },
        ["DeleteSender"] = new("Delete a sender", NoContent("Deleted")),

        ["Send"] = new("Send one email", Json<SendResult>(200, "Resend accepted it during the request"))
        {
            Body = typeof(SendInput),
            Idempotent = true,
            Also = [Json<SendResult>(202, "Queued or scheduled in the outbox"), new(422, "Resend refused it for good (problem details with email_id)")],
        },
        ["SendBatch"] = new("Send up to 100 emails", Json<BatchResult>(202, "Accepted; each email's status"))
        {
            Body = typeof(BatchInput),
            Idempotent = true,
        },

        ["ListEmails"] = new("The send log, newest first, cursor-paginated; cron_job_id and cron_name name the cron job that sent an email", Shape(200, "A page", P<IReadOnlyList<EmailSummary>>("data"), P<string?>("next_cursor"))) { Query = s_emailListQuery },
        ["GetEmail"] = new("One email and its event timeline", Shape(200, "OK", P<EmailSummary>("email"), P<IReadOnlyList<EmailEvent>>("events"))),
        ["CancelEmail"] = new("Cancel a scheduled email", Shape(200, "Cancelled", P<EmailSummary>("email"), P<IReadOnlyList<EmailEvent>>("events"))),
        ["RescheduleEmail"] = new("Reschedule a scheduled email", Shape(200, "Rescheduled", P<EmailSummary>("email"), P<IReadOnlyList<EmailEvent>>("events"))) { Body = typeof(EmailFunctions.RescheduleRequest) },
        ["SendLog"] = new("The original product's send log view (at most 200)", Shape(200, "OK", P<IReadOnlyList<SendLogEntry>>("logs"))) { Query = ["limit"] },

        ["CreateDraft"] = new("Store a draft (may be incomplete; reply_to_inbox_id makes it a reply, addressed as one; 409 when the team has 1000 unsent drafts)", Shape(201, "Created", P<Draft>("draft"))) { Body = typeof(DraftInput) },
        ["ListDrafts"] = new("The team's unsent drafts, most recently changed first (at most 200)", Shape(200, "OK", P<IReadOnlyList<Draft>>("drafts"))),
        ["GetDraft"] = new("One draft (a sent one shows sent_email_id)", Shape(200, "OK", P<Draft>("draft"))),
        ["UpdateDraft"] = new("Change a draft: fields left out keep their value (409 once sent)", Shape(200, "OK", P<Draft>("draft"))) { Body = typeof(DraftInput) },
        ["DeleteDraft"] = new("Delete a draft", NoContent("Deleted")),
        ["SendDraft"] = new("Send a draft once (needs emails:send too); a reply draft goes out threaded, with its own Message-ID, quoting the original unless quote is false", Json<SendResult>(200, "Resend accepted it during the request"))
        {
            Idempotent = true,
            Also = [Json<SendResult>(202, "Queued in the outbox"), new(409, "Already sent (problem details with email_id)"), new(422, "Resend refused it for good (problem details with email_id)")],
        },
        ["ReplyToEmail"] = new("Reply to a received email: to its sender (reply_all: the other recipients too), Re: once, In-Reply-To/References and its own Message-ID set, the original quoted unless quote is false; needs emails:send too", Json<SendResult>(200, "Resend accepted it during the request"))
        {
            Body = typeof(ReplyInput),
            Idempotent = true,
            Also = [Json<SendResult>(202, "Queued in the outbox"), new(422, "Resend refused it for good (problem details with email_id)")],
        },

        ["CreateTemplate"] = new("Create a template", Shape(201, "Created", P<Template>("template"))) { Body = typeof(CreateTemplateRequest) },
        ["ListTemplates"] = new("The team's templates", Shape(200, "OK", P<IReadOnlyList<Template>>("templates"))),
        ["GetTemplate"] = new("One template", Shape(200, "OK", P<Template>("template"))),
        ["UpdateTemplate"] = new("Change a template", Shape(200, "OK", P<Template>("template"))) { Body = typeof(UpdateTemplateRequest) },
        ["DeleteTemplate"] = new("Delete a template (409 naming the triggers using it unless force=true)", NoContent("Deleted")) { Query = ["force"] },
        ["RenderTemplate"] = new("Render a template with variables; sends nothing", Json<RenderedTemplate>()) { Body = typeof(RenderTemplateRequest) },

        ["CreateTrigger"] = new("Create a trigger (its key is in this answer only)", Shape(201, "Created", P<TriggerWithKey>("trigger"))) { Body = typeof(CreateTriggerRequest) },
        ["ListTriggers"] = new("The team's triggers", Shape(200, "OK", P<IReadOnlyList<Trigger>>("triggers"))),
        ["GetTrigger"] = new("One trigger", Shape(200, "OK", P<Trigger>("trigger"))),
        ["UpdateTrigger"] = new("Change a trigger", Shape(200, "OK", P<Trigger>("trigger"))) { Body = typeof(UpdateTriggerRequest) },
        ["RotateTriggerKey"] = new("A new trigger key; the old one stops working", Shape(200, "OK", P<TriggerWithKey>("trigger"))),
        ["DeleteTrigger"] = new("Delete a trigger", NoContent("Deleted")),
        ["FireTrigger"] = new("Fire a trigger; the key in the path is the only credential", Json<FireResult>()) { Body = typeof(FireTriggerInput), Idempotent = true },
        ["FireTriggerAsMember"] = new("Fire a trigger as a team member (emails:send), choosing recipients and variables", Json<FireResult>()) { Body = typeof(FireTriggerInput), Idempotent = true },
        ["FireTriggerByHeader"] = new("Fire a trigger; the key in the X-Trigger-Key header is the only credential", Json<FireResult>()) { Body = typeof(FireTriggerInput), Idempotent = true },

        ["CreatePipe"] = new("Create a pipe: a rule on the team's received mail", Shape(201, "Created", P<Pipe>("pipe"))) { Body = typeof(CreatePipeRequest) },
        ["ListPipes"] = new("The team's pipes, in creation order (the order they run in)", Shape(200, "OK", P<IReadOnlyList<Pipe>>("pipes"))),
        ["GetPipe"] = new("One pipe", Shape(200, "OK", P<Pipe>("pipe"))),
        ["UpdatePipe"] = new("Change a pipe (a partial update; enabled toggles it)", Shape(200, "OK", P<Pipe>("pipe"))) { Body = typeof(UpdatePipeRequest) },
        ["ListPipeRuns"] = new("The pipe's runs on received mail, newest first (pending with the next attempt, succeeded, skipped, failed)", Shape(200, "OK", P<IReadOnlyList<PipeRun>>("runs"))) { Query = ["limit"] },
        ["DeletePipe"] = new("Delete a pipe", NoContent("Deleted")),

        ["CreateContact"] = new("Create a contact", Shape(201, "Created", P<Contact>("contact"))) { Body = typeof(CreateContactRequest) },
        ["ListContacts"] = new("Contacts, searchable, by tag, cursor-paginated", Json<ContactPage>()) { Query = ["search", "tag", "limit", "cursor"] },
        ["GetContact"] = new("One contact", Shape(200, "OK", P<Contact>("contact"))),
        ["UpdateContact"] = new("Change a contact", Shape(200, "OK", P<Contact>("contact"))) { Body = typeof(UpdateContactRequest) },
        ["DeleteContact"] = new("Delete a contact", NoContent("Deleted")),
        ["ImportContacts"] = new("Import contacts from CSV (email,name,tags,...); per-row errors", Json<ContactImportResult>()) { BodyContentType = "text/csv" },

        ["GetResendWebhook"] = new("The team's Resend webhook URL and its state", Json<WebhookSettings>()),
        ["SetResendWebhookSecret"] = new("Store Resend's signing secret (never returned)", Json<WebhookSettings>()) { Body = typeof(SetSigningSecretRequest) },
        ["RemoveResendWebhookSecret"] = new("Remove the signing secret", Json<WebhookSettings>()),
        ["RotateResendWebhook"] = new("A new webhook URL; the old one answers 404", Json<WebhookSettings>()),
        ["ReceiveResendWebhook"] = new("Where Resend posts events (Svix-signed)", Shape(200, "Stored or a repeat", P<bool>("received"), P<bool>("duplicate"))) { BodyContentType = "application/json" },
        ["CreateOutboundWebhook"] = new("Add an endpoint of your app for signed event deliveries; the whsec_ secret is in this answer only", Shape(201, "Created", P<OutboundWebhook>("webhook"), P<string>("secret"))) { Body = typeof(CreateOutboundWebhookRequest) },
        ["ListOutboundWebhooks"] = new("The team's outbound webhook endpoints", Shape(200, "OK", P<IReadOnlyList<OutboundWebhook>>("webhooks"))),
        ["ListOutboundWebhookEventTypes"] = new("The event types an endpoint may subscribe to", Shape(200, "OK", P<IReadOnlyList<string>>("events"))),
        ["UpdateOutboundWebhook"] = new("Change an endpoint (url, events, description, enabled; enabling clears an automatic disable)", Shape(200, "OK", P<OutboundWebhook>("webhook"))) { Body = typeof(UpdateOutboundWebhookRequest) },
        ["DeleteOutboundWebhook"] = new("Delete an endpoint and its delivery log", NoContent("Deleted")),
        ["RotateOutboundWebhookSecret"] = new("A new whsec_ secret (in this answer only); the old one keeps signing alongside it for 24 h", Shape(200, "OK", P<OutboundWebhook>("webhook"), P<string>("secret"))),
        ["ListOutboundWebhookDeliveries"] = new("The endpoint's deliveries, newest first, cursor-paginated: status, attempts, response code, latency", Shape(200, "OK", P<IReadOnlyList<OutboundDelivery>>("deliveries"), P<string?>("next_cursor"))) { Query = ["status", "limit", "cursor"] },
        ["RetryOutboundWebhookDelivery"] = new("Queue another attempt of a delivery now (same webhook-id)", Shape(202, "Queued", P<OutboundDelivery>("delivery"))),

        ["GetStats"] = new("Delivery funnel for emails created in the window", Shape(200, "OK", P<DateTimeOffset?>("since"), P<DateTimeOffset?>("until"), P<DeliveryStats>("counts"))) { Query = ["since", "until"] },
        ["ListSuppressions"] = new("Addresses every send refuses", Shape(200, "OK", P<IReadOnlyList<Suppression>>("data"))),
        ["DeleteSuppression"] = new("Allow an address again", NoContent("Removed")),

        ["CreateTeam"] = new("Create a team; the caller becomes its owner", Json<TeamView>(201, "Created")) { Body = typeof(CreateTeamRequest) },
        ["ListTeams"] = new("My teams, with my role and permissions in each", Shape(200, "OK", P<IReadOnlyList<TeamView>>("teams"))),
        ["GetTeam"] = new("One of my teams", Json<TeamView>()),
        ["RenameTeam"] = new("Rename a team (team:admin)", Json<TeamView>()) { Body = typeof(RenameTeamRequest) },
        ["DeleteTeam"] = new("Delete a team (owner; not a personal team)", NoContent("Deleted")),
        ["TransferTeam"] = new("Make another member the owner; the old owner becomes admin", NoContent("Transferred")) { Body = typeof(TransferTeamRequest) },
        ["ListMembers"] = new("The team's members", Shape(200, "OK", P<IReadOnlyList<MemberView>>("members"))),
        ["ChangeMember"] = new("Change a member's role or per-member permissions", Json<MemberView>()) { Body = typeof(ChangeMemberRequest) },
        ["RemoveMember"] = new("Remove a member, or leave the team", NoContent("Removed")),
        ["CreateInvitation"] = new("Invite by email (the token is in this answer only)", Json<CreatedInvitation>(201, "Created")) { Body = typeof(CreateInvitationRequest) },
        ["ListInvitations"] = new("Pending invitations (no tokens)", Shape(200, "OK", P<IReadOnlyList<InvitationView>>("invitations"))),
        ["RevokeInvitation"] = new("Revoke a pending invitation", NoContent("Revoked")),
        ["AcceptInvitation"] = new("Accept an invitation as the invited, verified account", Json<TeamView>()) { Body = typeof(AcceptInvitationRequest) },
        ["ListTeamAudit"] = new("The team's audit log, newest first, cursor-paginated (audit:read)", Shape(200, "A page", P<IReadOnlyList<AuditEventView>>("data"), P<string?>("next_cursor"))) { Query = ["action", "actor", "limit", "cursor"] },

        ["CreateCronJob"] = new("Create a cron job: a template sent on a 5-field schedule in an IANA zone (answer has next_runs)", Shape(201, "Created", P<CronJob>("cron_job"))) { Body = typeof(CreateCronJobRequest) },
        ["ListCronJobs"] = new("The team's cron jobs, each with its next 5 runs", Shape(200, "OK", P<IReadOnlyList<CronJob>>("cron_jobs"))),
        ["GetCronJob"] = new("One cron job with its next 5 runs", Shape(200, "OK", P<CronJob>("cron_job"))),
        ["UpdateCronJob"] = new("Change a cron job (any field; enabled pauses it)", Shape(200, "OK", P<CronJob>("cron_job"))) { Body = typeof(UpdateCronJobRequest) },
        ["DeleteCronJob"] = new("Delete a cron job and its runs", NoContent("Deleted")),
        ["ListCronRuns"] = new("A cron job's runs, newest slot first: status, the emails each produced, errors, skipped slots", Shape(200, "OK", P<IReadOnlyList<CronRun>>("runs"))) { Query = ["limit"] },

        ["ListInbox"] = new("Received mail, newest first, cursor-paginated; q searches from, subject and text; hidden mail only with hidden=true",
            Shape(200, "A page", P<IReadOnlyList<ReceivedEmailSummary>>("data"), P<string?>("next_cursor")))
        {
            Query = ["cursor", "limit", "unread", "q", "from", "label", "thread", "hidden", "archived"],
        },
        ["GetInboxEmail"] = new("One received email with its content (reading marks nothing)", Shape(200, "OK", P<ReceivedEmail>("email"))),
        ["UpdateInboxEmail"] = new("Change read, archived, hidden or labels (only the fields sent)", Shape(200, "OK", P<ReceivedEmail>("email")))
        {
            Body = typeof(InboxFunctions.InboxPatchRequest),
        },
        ["GetInboxThread"] = new("A thread's received emails, oldest first", Shape(200, "OK", P<InboxThread>("thread"))),
        ["GetInboxAttachment"] = new("Download an attachment, streamed from Resend (always as a download)", new ApiAnswer(200, "The attachment's bytes")),

        ["Mcp"] = new("Model Context Protocol (JSON-RPC over Streamable HTTP, stateless; send Accept: application/json, text/event-stream)", new ApiAnswer(200, "The JSON-RPC answer as one SSE event (text/event-stream); 202 for a notification")) { BodyContentType = "application/json" },
    };

    /// <summary>Functions that are in functions.metadata but are no API route: the catch-all 404.</summary>
    public static readonly IReadOnlySet<string> NotDocumented = new HashSet<string> { "NotFound" };

    private static ApiProperty P<T>(string name) => new(name, typeof(T));
}
