using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>POST/GET/DELETE /webhooks: the endpoints the sandbox signs and delivers events to.</summary>
public static class WebhookRoutes
{
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "email.sent", "email.scheduled", "email.delivered", "email.delivery_delayed", "email.complained", "email.bounced",
        "email.opened", "email.clicked", "email.received", "email.failed", "email.suppressed",
        "contact.created", "contact.updated", "contact.deleted", "domain.created", "domain.updated", "domain.deleted",
    };

    public static void MapWebhookRoutes(this WebApplication app)
    {
        app.MapPost("/webhooks", CreateAsync);
        app.MapGet("/webhooks", (HttpContext context) => WithAccount(context, a =>
            Pagination.List(context.Request, [.. Enumerable.Reverse(a.Webhooks)], h => h.Id, h => new
            {
                id = h.Id,
                endpoint = h.Endpoint.AbsoluteUri,
                events = h.Events,
                status = "enabled",
                created_at = SandboxJson.Rest(h.CreatedAt),
            })));
        app.MapGet("/webhooks/{id}", (HttpContext context, string id) => WithAccount(context, a =>
            a.Webhooks.Find(h => h.Id == id) is { } h
                ? Results.Json(new
                {
                    @object = "webhook",
                    id = h.Id,
                    endpoint = h.Endpoint.AbsoluteUri,
                    events = h.Events,
                    status = "enabled",
                    created_at = SandboxJson.Rest(h.CreatedAt),
                    signing_secret = h.SigningSecret,
                })
                : ResendErrorBody.NotFound("Webhook").ToResult()));
        app.MapDelete("/webhooks/{id}", (HttpContext context, string id) => WithAccount(context, a =>
            a.Webhooks.RemoveAll(h => h.Id == id) > 0
                ? Results.Json(new { @object = "webhook", id, deleted = true })
                : ResendErrorBody.NotFound("Webhook").ToResult()));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TimeProvider time)
    {
        var (document, _) = await SandboxJson.ReadAsync(context.Request);
        using var _d = document;
        var body = document?.RootElement ?? default;
        var endpoint = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("endpoint", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return ResendErrorBody.Missing("endpoint").ToResult();
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return ResendErrorBody.Validation("The `endpoint` must be an absolute http(s) URL.").ToResult();
        }

        var events = body.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty).ToList()
            : [];
        if (events.Count == 0)
        {
            return ResendErrorBody.Missing("events").ToResult();
        }

        if (events.FirstOrDefault(t => !EventTypes.Contains(t)) is { } unknown)
        {
            return ResendErrorBody.Validation($"Unknown event type `{unknown}`.").ToResult();
        }

        var hook = new SandboxWebhook(Guid.NewGuid().ToString(), url, events, SvixSigner.NewSecret(), time.GetUtcNow());
        return WithAccount(context, a =>
        {
            a.Webhooks.Add(hook);
            return Results.Json(new { @object = "webhook", id = hook.Id, signing_secret = hook.SigningSecret }, statusCode: 201);
        });
    }

    private static IResult WithAccount(HttpContext context, Func<SandboxAccount, IResult> act)
    {
        var account = SandboxState.Current(context);
        lock (account.Gate)
        {
            return act(account);
        }
    }
}
