using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.OutboundWebhooks;

/// <summary>
/// The team's own app as a webhook receiver: endpoints, their whsec_ secret (shown once) and the delivery log.
/// webhooks:read / webhooks:write, like the Resend webhook settings: both are "where our events go and with what secret".
/// </summary>
public sealed class OutboundWebhookFunctions(OutboundWebhookService webhooks)
{
    [Function(nameof(CreateOutboundWebhook))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> CreateOutboundWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "outbound-webhooks")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        var body = await request.ReadJsonAsync<CreateOutboundWebhookRequest>(context.CancellationToken);
        var created = await webhooks.CreateAsync(caller, body, context.CancellationToken);
        return Results.Json(new { webhook = created.Webhook, secret = created.Secret }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListOutboundWebhooks))]
    [RequiresPermission(Permissions.WebhooksRead)]
    public async Task<IResult> ListOutboundWebhooks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbound-webhooks")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksRead);
        return Results.Json(new { webhooks = await webhooks.ListAsync(caller, context.CancellationToken) });
    }

    /// <summary>The event types an endpoint may subscribe to (the dashboard's checkboxes read them from here).</summary>
    [Function(nameof(ListOutboundWebhookEventTypes))]
    [RequiresPermission(Permissions.WebhooksRead)]
    public IResult ListOutboundWebhookEventTypes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbound-webhooks/events")] HttpRequest request, FunctionContext context)
    {
        context.Authorize(Permissions.WebhooksRead);
        return Results.Json(new { events = OutboundWebhookRules.EventTypes });
    }

    [Function(nameof(UpdateOutboundWebhook))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> UpdateOutboundWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "outbound-webhooks/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        var body = await request.ReadJsonAsync<UpdateOutboundWebhookRequest>(context.CancellationToken);
        return Results.Json(new { webhook = await webhooks.UpdateAsync(caller, id, body, context.CancellationToken) });
    }

    [Function(nameof(DeleteOutboundWebhook))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> DeleteOutboundWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "outbound-webhooks/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        await webhooks.DeleteAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(RotateOutboundWebhookSecret))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> RotateOutboundWebhookSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "outbound-webhooks/{id:guid}/rotate-secret")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        var rotated = await webhooks.RotateSecretAsync(caller, id, context.CancellationToken);
        return Results.Json(new { webhook = rotated.Webhook, secret = rotated.Secret });
    }

    [Function(nameof(ListOutboundWebhookDeliveries))]
    [RequiresPermission(Permissions.WebhooksRead)]
    public async Task<IResult> ListOutboundWebhookDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbound-webhooks/{id:guid}/deliveries")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksRead);
        var query = new QueryParameters(request.Query);
        var (status, limit, cursor) = (query.Text("status"), query.WholeNumber("limit"), query.Text("cursor"));
        query.ThrowIfInvalid();
        var page = await webhooks.ListDeliveriesAsync(caller, id, status, limit, cursor, context.CancellationToken);
        return Results.Json(new { deliveries = page.Deliveries, next_cursor = page.NextCursor });
    }

    [Function(nameof(RetryOutboundWebhookDelivery))]
    [RequiresPermission(Permissions.WebhooksWrite)]
    public async Task<IResult> RetryOutboundWebhookDelivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "outbound-webhooks/{id:guid}/deliveries/{deliveryId:guid}/retry")] HttpRequest request,
        Guid id, Guid deliveryId, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.WebhooksWrite);
        var delivery = await webhooks.RetryDeliveryAsync(caller, id, deliveryId, context.CancellationToken);
        return Results.Json(new { delivery }, statusCode: StatusCodes.Status202Accepted);
    }
}
