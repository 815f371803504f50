using System.Globalization;
using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>Reading, rescheduling and cancelling sent emails; inbound emails; domains.</summary>
public static class EmailRoutes
{
    public static void MapEmailRoutes(this WebApplication app)
    {
        app.MapGet("/emails", (HttpContext context) => WithAccount(context, a =>
            Pagination.List(context.Request, [.. Enumerable.Reverse(a.Emails)], e => e.Id, EmailViews.Summary)));
        app.MapGet("/emails/{id}", (HttpContext context, string id) => WithEmail(context, id, (_, e) => Results.Json(EmailViews.Full(e))));
        app.MapPatch("/emails/{id}", RescheduleAsync);
        app.MapPost("/emails/{id}/cancel", (HttpContext context, string id) => WithEmail(context, id, (_, e) =>
        {
            if (e.LastEvent != "scheduled")
            {
                return ResendErrorBody.Validation("Only scheduled emails can be canceled.").ToResult();
            }

            e.LastEvent = "canceled";
            return Results.Json(new { @object = "email", id = e.Id });
        }));

        app.MapGet("/emails/receiving", (HttpContext context) => WithAccount(context, a =>
            Pagination.List(context.Request, [.. Enumerable.Reverse(a.Received)], e => e.Id, e => EmailViews.Received(e, full: false))));
        app.MapGet("/emails/receiving/{id}", (HttpContext context, string id) => WithAccount(context, a =>
            !Guid.TryParse(id, out _) ? ResendErrorBody.InvalidId().ToResult()
            : a.Received.Find(e => e.Id == id) is { } email ? Results.Json(EmailViews.Received(email, full: true))
            : ResendErrorBody.NotFound("Email").ToResult()));
        app.MapGet("/emails/receiving/{id}/attachments", (HttpContext context, string id, TimeProvider time) => WithAccount(context, a =>
            !Guid.TryParse(id, out _) ? ResendErrorBody.InvalidId().ToResult()
            : a.Received.Find(e => e.Id == id) is { } email
                ? Pagination.List(context.Request, email.Attachments, x => x.Id,
                    x => ReceivedMail.AttachmentView(x, ReceivedMail.DownloadUrl(context.Request, email.Id, x.Id, time.GetUtcNow())))
                : ResendErrorBody.NotFound("Email").ToResult()));
        app.MapGet("/emails/receiving/{id}/attachments/{attachmentId}", (HttpContext context, string id, string attachmentId, TimeProvider time) => WithAccount(context, a =>
            !Guid.TryParse(id, out _) || !Guid.TryParse(attachmentId, out _) ? ResendErrorBody.InvalidId().ToResult()
            : a.Received.Find(e => e.Id == id)?.Attachments.FirstOrDefault(x => x.Id == attachmentId) is { } attachment
                ? Results.Json(ReceivedMail.AttachmentView(attachment, ReceivedMail.DownloadUrl(context.Request, id, attachment.Id, time.GetUtcNow())))
                : ResendErrorBody.NotFound("Attachment").ToResult()));
        app.MapGet("/domains", (HttpContext context) => WithAccount(context, a =>
            Pagination.List(context.Request, [.. a.Domains.Values.OrderByDescending(d => d.CreatedAt)], d => d.Id, d => new
            {
                id = d.Id,
                name = d.Name,
                status = "verified",
                created_at = SandboxJson.Rest(d.CreatedAt),
                region = "us-east-1",
                capabilities = new { sending = "enabled", receiving = "disabled" },
            })));
    }

    private static async Task<IResult> RescheduleAsync(HttpContext context, string id, TimeProvider time)
    {
        var (document, _) = await SandboxJson.ReadAsync(context.Request);
        using var _d = document;
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } body
            || !body.TryGetProperty("scheduled_at", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return ResendErrorBody.Missing("scheduled_at").ToResult();
        }

        if (!DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return ResendErrorBody.Validation("Invalid `scheduled_at` field. Use an ISO 8601 date.").ToResult();
        }

        return WithEmail(context, id, (_, e) =>
        {
            if (e.LastEvent != "scheduled")
            {
                return ResendErrorBody.Validation("Only scheduled emails can be updated.").ToResult();
            }

            e.ScheduledAt = at;
            return Results.Json(new { @object = "email", id = e.Id });
        });
    }

    private static IResult WithAccount(HttpContext context, Func<SandboxAccount, IResult> read)
    {
        var account = SandboxState.Current(context);
        lock (account.Gate)
        {
            return read(account);
        }
    }

    private static IResult WithEmail(HttpContext context, string id, Func<SandboxAccount, SandboxEmail, IResult> act) =>
        WithAccount(context, a =>
            !Guid.TryParse(id, out _) ? ResendErrorBody.InvalidId().ToResult()
            : a.Emails.Find(e => e.Id == id) is { } email ? act(a, email)
            : ResendErrorBody.NotFound("Email").ToResult());
}
