using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Teams;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Teams;

/// <summary>A team's members: any member may list them and leave; changes and removals of others need team:admin.</summary>
public sealed class MemberFunctions(MemberService members)
{
    [Function(nameof(ListMembers))]
    [TeamMember]
    public async Task<IResult> ListMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams/{teamId:guid}/members")] HttpRequest request, Guid teamId, FunctionContext context) =>
        Results.Json(new { members = await members.ListAsync(await context.AuthorizeTeamAsync(teamId), context.CancellationToken) });

    [Function(nameof(ChangeMember))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> ChangeMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "teams/{teamId:guid}/members/{userId:guid}")] HttpRequest request, Guid teamId, Guid userId, FunctionContext context)
    {
        var caller = await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin);
        var body = await request.ReadJsonAsync<ChangeMemberRequest>(context.CancellationToken);
        return Results.Json(await members.ChangeAsync(caller, userId, body, context.CancellationToken));
    }

    /// <summary>Removes a member (team:admin), or the caller themselves (leave: membership alone suffices).</summary>
    [Function(nameof(RemoveMember))]
    [TeamMember]
    public async Task<IResult> RemoveMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "teams/{teamId:guid}/members/{userId:guid}")] HttpRequest request, Guid teamId, Guid userId, FunctionContext context)
    {
        await members.RemoveAsync(await context.AuthorizeTeamAsync(teamId), userId, context.CancellationToken);
        return Results.NoContent();
    }
}
