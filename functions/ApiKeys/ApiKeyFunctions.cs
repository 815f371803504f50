using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.ApiKeys;

/// <summary>The team's mk_ API keys (original routes, §2.3). The key is in the 201 response and nowhere else.</summary>
public sealed class ApiKeyFunctions(ApiKeyService apiKeys)
{
    [Function(nameof(CreateApiKey))]
    [RequiresPermission(Permissions.ApiKeysWrite)]
    public async Task<IResult> CreateApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api-keys")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ApiKeysWrite);
        var body = await request.ReadJsonAsync<CreateApiKeyRequest>(context.CancellationToken);
        var created = await apiKeys.CreateAsync(caller, body, context.CancellationToken);
        return Results.Json(created, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListApiKeys))]
    [RequiresPermission(Permissions.ApiKeysRead)]
    public async Task<IResult> ListApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api-keys")] HttpRequest request, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ApiKeysRead);
        return Results.Json(new { api_keys = await apiKeys.ListAsync(caller, context.CancellationToken) });
    }

    [Function(nameof(RevokeApiKey))]
    [RequiresPermission(Permissions.ApiKeysWrite)]
    public async Task<IResult> RevokeApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api-keys/{id:guid}")] HttpRequest request, Guid id, FunctionContext context)
    {
        var caller = context.Authorize(Permissions.ApiKeysWrite);
        await apiKeys.RevokeAsync(caller, id, context.CancellationToken);
        return Results.NoContent();
    }
}
