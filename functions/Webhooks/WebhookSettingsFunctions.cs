using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Webhooks;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Webhooks;

/// <summary>The team's Resend webhook endpoint: its URL, its signing secret (write-only), and rotating its id.</summary>
public sealed class WebhookSettingsFunctions(WebhookSettingsService webhooks)
{
    [Function(nameof(GetResendWebhook))]
    [RequiresPermission(Permissions.WebhooksRead)]
    public async Task<IResult> GetResendWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/resend")] HttpRequest request, FunctionContext context) =>
        Results.Json(await webhooks.GetAsync(context.Authorize(Permissions.WebhooksRead), context.CancellationToken));

    [Function(nameof(SetResendWebhookSecret))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> SetResendWebhookSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "webhooks/resend")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        var body = await request.ReadJsonAsync<SetSigningSecretRequest>(context.CancellationToken);
        return Results.Json(await webhooks.SetSecretAsync(caller, body, context.CancellationToken));
    }

    [Function(nameof(RemoveResendWebhookSecret))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> RemoveResendWebhookSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "webhooks/resend")] HttpRequest request, FunctionContext context) =>
        Results.Json(await webhooks.RemoveSecretAsync(context.Authorize(Permissions.WebhooksWrite), context.CancellationToken));

    [Function(nameof(RotateResendWebhook))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> RotateResendWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/resend/rotate")] HttpRequest request, FunctionContext context) =>
        Results.Json(await webhooks.RotateAsync(context.Authorize(Permissions.WebhooksWrite), context.CancellationToken));
}
