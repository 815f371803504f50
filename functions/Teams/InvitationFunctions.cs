using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Teams;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Teams;

/// <summary>Invitations into a team (team:admin), and accepting one (any logged-in user the invitation names).</summary>
public sealed class InvitationFunctions(InvitationService invitations)
{
    [Function(nameof(CreateInvitation))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> CreateInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "teams/{teamId:guid}/invitations")] HttpRequest request, Guid teamId, FunctionContext context)
    {
        var caller = await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin);
        var body = await request.ReadJsonAsync<CreateInvitationRequest>(context.CancellationToken);
        return Results.Json(await invitations.CreateAsync(caller, body, context.CancellationToken), statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListInvitations))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> ListInvitations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams/{teamId:guid}/invitations")] HttpRequest request, Guid teamId, FunctionContext context) =>
        Results.Json(new { invitations = await invitations.ListPendingAsync(await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin), context.CancellationToken) });

    [Function(nameof(RevokeInvitation))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> RevokeInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "teams/{teamId:guid}/invitations/{id:guid}")] HttpRequest request, Guid teamId, Guid id, FunctionContext context)
    {
        await invitations.RevokeAsync(await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin), id, context.CancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(AcceptInvitation))]
    [AnyMember]
    public async Task<IResult> AcceptInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "invitations/accept")] HttpRequest request, FunctionContext context)
    {
        var body = await request.ReadJsonAsync<AcceptInvitationRequest>(context.CancellationToken);
        return Results.Json(await invitations.AcceptAsync(context.Caller(), body, context.CancellationToken));
    }
}
