using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// How a function gets its authenticated caller. The permission a function needs is declared once, with
/// <see cref="RequiresPermissionAttribute"/>, and checked by the authentication middleware; <see cref="Authorize"/>
/// re-checks it and refuses to run a function whose code asks for a permission it did not declare.
/// </summary>
public static class CallerAccess
{
    public static Caller Caller(this FunctionContext context) => AuthenticationMiddleware.GetCaller(context);

    /// <exception cref="Moosermail.Core.Errors.ForbiddenException">The caller lacks <paramref name="permission"/> (403).</exception>
    public static Caller Authorize(this FunctionContext context, string permission)
    {
        if (FunctionAccess.Of(context.FunctionDefinition) is not { Kind: AccessKind.Permission } declared || declared.Permission != permission)
        {
            throw new InvalidOperationException($"{context.FunctionDefinition.Name} authorizes '{permission}' but declares {FunctionAccess.Of(context.FunctionDefinition)?.ToString() ?? "nothing"}.");
        }

        var caller = AuthenticationMiddleware.GetCaller(context);
        caller.Require(permission);
        return caller;
    }

    /// <summary>
    /// For team routes (/api/teams/{teamId}/...): the caller acting in the team the path names rather than the
    /// one X-Moosermail-Team chose; a team the caller cannot act in is 404. Then checks <paramref name="permission"/>, if any.
    /// </summary>
    public static async Task<Caller> AuthorizeTeamAsync(this FunctionContext context, Guid teamId, string? permission = null)
    {
        var declared = FunctionAccess.Of(context.FunctionDefinition);
        if (permission is null ? declared?.Kind != AccessKind.TeamMember : declared is not { Kind: AccessKind.TeamPermission } || declared.Permission != permission)
        {
            throw new InvalidOperationException($"{context.FunctionDefinition.Name} authorizes '{permission ?? "membership"}' in its team but declares {declared?.ToString() ?? "nothing"}.");
        }

        var resolver = context.InstanceServices.GetRequiredService<CallerResolver>();
        var caller = await resolver.InTeamAsync(AuthenticationMiddleware.GetCaller(context), teamId, context.CancellationToken);
        if (permission is not null)
        {
            caller.Require(permission);
        }

        return caller;
    }
}
