using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Suppressions;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Suppressions;

/// <summary>Addresses the team no longer sends to after a permanent bounce or a complaint.</summary>
public sealed class SuppressionFunctions(SuppressionService suppressions)
{
    [Function(nameof(ListSuppressions))]
    [RequiresPermission(Permissions.EmailsRead)]
    public async Task<IResult> ListSuppressions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "suppressions")] HttpRequest request, FunctionContext context) =>
        Results.Json(new { data = await suppressions.ListAsync(context.Authorize(Permissions.EmailsRead), context.CancellationToken) });

    [Function(nameof(DeleteSuppression))]
    [RequiresPermission(Permissions.EmailsSend)]
    public async Task<IResult> DeleteSuppression(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "suppressions/{email}")] HttpRequest request, string email, FunctionContext context)
    {
        await suppressions.DeleteAsync(context.Authorize(Permissions.EmailsSend), Uri.UnescapeDataString(email), context.CancellationToken);
        return Results.NoContent();
    }
}
