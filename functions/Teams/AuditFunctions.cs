using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Audit;
using Moosermail.Core.Security;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Teams;

/// <summary>The team's audit log (audit:read), newest first. Read-only: no route updates or deletes an event.</summary>
public sealed class AuditFunctions(AuditService audit)
{
    [Function(nameof(ListTeamAudit))]
    [RequiresTeamPermission(Permissions.AuditRead)]
    public async Task<IResult> ListTeamAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams/{teamId:guid}/audit")] HttpRequest request, Guid teamId, FunctionContext context)
    {
        var caller = await context.AuthorizeTeamAsync(teamId, Permissions.AuditRead);
        var query = new QueryParameters(request.Query);
        var filter = new AuditFilter(query.Text("action"), query.Id("actor"), query.Text("cursor"), query.WholeNumber("limit") ?? 50);
        query.ThrowIfInvalid();
        var page = await audit.ListAsync(caller, filter, context.CancellationToken);
        return Results.Json(new { data = page.Data, next_cursor = page.NextCursor });
    }
}
