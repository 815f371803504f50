using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;
using Moosermail.Core.Teams;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Teams;

/// <summary>Teams as a whole. Team routes take the team from the path; another team's id answers 404.</summary>
public sealed class TeamFunctions(TeamService teams)
{
    [Function(nameof(CreateTeam))]
    [AnyMember]
    public async Task<IResult> CreateTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "teams")] HttpRequest request, FunctionContext context)
    {
        var body = await request.ReadJsonAsync<CreateTeamRequest>(context.CancellationToken);
        return Results.Json(await teams.CreateAsync(context.Caller(), body, context.CancellationToken), statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(ListTeams))]
    [AnyMember]
    public async Task<IResult> ListTeams(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams")] HttpRequest request, FunctionContext context) =>
        Results.Json(new { teams = await teams.ListAsync(context.Caller(), context.CancellationToken) });

    [Function(nameof(GetTeam))]
    [TeamMember]
    public async Task<IResult> GetTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams/{teamId:guid}")] HttpRequest request, Guid teamId, FunctionContext context) =>
        Results.Json(await teams.GetAsync(await context.AuthorizeTeamAsync(teamId), context.CancellationToken));

    [Function(nameof(RenameTeam))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> RenameTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "teams/{teamId:guid}")] HttpRequest request, Guid teamId, FunctionContext context)
    {
        var caller = await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin);
        var body = await request.ReadJsonAsync<RenameTeamRequest>(context.CancellationToken);
        return Results.Json(await teams.RenameAsync(caller, body, context.CancellationToken));
    }

    [Function(nameof(DeleteTeam))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> DeleteTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "teams/{teamId:guid}")] HttpRequest request, Guid teamId, FunctionContext context)
    {
        await teams.DeleteAsync(await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin), context.CancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(TransferTeam))]
    [RequiresTeamPermission(Permissions.TeamAdmin)]
    public async Task<IResult> TransferTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "teams/{teamId:guid}/transfer")] HttpRequest request, Guid teamId, FunctionContext context)
    {
        var caller = await context.AuthorizeTeamAsync(teamId, Permissions.TeamAdmin);
        var body = await request.ReadJsonAsync<TransferTeamRequest>(context.CancellationToken);
        await teams.TransferAsync(caller, body, context.CancellationToken);
        return Results.NoContent();
    }
}
