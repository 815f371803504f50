using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>
/// Sandbox-only routes (no Resend equivalent), for tests and local play. Faults, stats and inbound mail act on
/// the account of the Authorization header, so parallel tests with their own keys never disturb each other.
/// </summary>
public static class ControlRoutes
{
    public static void MapControlRoutes(this WebApplication app)
    {
        // {"fail_next":N,"status":500,"delay_ms":0,"name":"...","body":"<html>..."}: status 0 only delays.
        app.MapPost("/_sandbox/faults", (HttpContext context, SandboxState state, JsonElement body) => WithAccount(context, state, a =>
        {
            a.Fault = new Fault(
                Int(body, "fail_next") ?? 1, Int(body, "status") ?? 500, Int(body, "delay_ms") ?? 0, Text(body, "name"), Text(body, "body"));
            return Results.Json(new { fail_next = a.Fault.Remaining, status = a.Fault.Status, delay_ms = a.Fault.DelayMs });
        }));

        app.MapPost("/_sandbox/reset", (SandboxState state) =>
        {
            state.Reset();
            return Results.NoContent();
        });

        app.MapGet("/_sandbox/stats", (HttpContext context, SandboxState state) => WithAccount(context, state, a => Results.Json(new
        {
            accepted_sends = a.AcceptedSends,
            emails = a.Emails.Count,
            requests = a.Requests,
            webhooks = a.Webhooks.Count,
        })));

        // The custom headers a sent email carried (threading headers of replies), which Resend's GET /emails/{id} does not show.
        app.MapGet("/_sandbox/emails/{id}/headers", (HttpContext context, SandboxState state, string id) => WithAccount(context, state, a =>
            a.Emails.Find(e => e.Id == id) is { } email ? Results.Json(email.Headers) : ResendErrorBody.NotFound("Email").ToResult()));

        // An inbound email for GET /emails/receiving and email.received; the body's fields are in ReceivedMail.FromInbound.
        app.MapPost("/_sandbox/inbound", (HttpContext context, SandboxState state, EmailLifecycle lifecycle, TimeProvider time, JsonElement body) =>
            WithAccount(context, state, a =>
            {
                if (body.ValueKind != JsonValueKind.Object || ReceivedMail.FromInbound(body, time.GetUtcNow()) is not { } email)
                {
                    return ResendErrorBody.Validation("The inbound email must be a JSON object; attachment content must be base64.").ToResult();
                }

                lifecycle.Received(a, email);
                return Results.Json(new { id = email.Id, message_id = email.MessageId });
            }));

        // Resend's attachment CDN: no API key, only a signed URL that expires (from the attachment endpoints).
        app.MapGet("/_sandbox/attachments/{emailId}/{attachmentId}", (HttpContext context, SandboxState state, TimeProvider time, string emailId, string attachmentId) =>
        {
            if (!ReceivedMail.IsValidDownload(emailId, attachmentId, context.Request.Query["expires"], context.Request.Query["signature"], time.GetUtcNow()))
            {
                return Results.Text("<Error><Code>AccessDenied</Code></Error>", "application/xml", statusCode: 403);
            }

            foreach (var account in state.Accounts)
            {
                lock (account.Gate)
                {
                    if (account.Received.Find(e => e.Id == emailId)?.Attachments.FirstOrDefault(x => x.Id == attachmentId) is { } attachment)
                    {
                        return Results.Bytes(attachment.Content, attachment.ContentType);
                    }
                }
            }

            return Results.Text("<Error><Code>NoSuchKey</Code></Error>", "application/xml", statusCode: 404);
        });
    }

    private static IResult WithAccount(HttpContext context, SandboxState state, Func<SandboxAccount, IResult> act)
    {
        var (account, refusal) = ResendGate.Authenticate(context, state);
        if (refusal is not null)
        {
            return refusal.ToResult();
        }

        lock (account!.Gate)
        {
            return act(account);
        }
    }

    private static int? Int(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
