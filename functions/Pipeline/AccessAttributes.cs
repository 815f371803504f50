using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The function needs this permission in the caller's acting team. The authentication middleware checks
/// it before the function runs; the authorization matrix test and docs/permissions.md are derived from it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresPermissionAttribute(string permission) : Attribute
{
    public string Permission { get; } = permission;
}

/// <summary>
/// Any authenticated caller (session or mk_ key) may call the function: it acts only on the caller's own
/// account, or checks finer rules itself (the MCP endpoint checks each tool's permission).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnyMemberAttribute : Attribute
{
}

/// <summary>
/// A team route (<c>/api/teams/{teamId}/...</c>): the caller must be a member of the team the path names, and
/// hold this permission there. The function checks it with <c>AuthorizeTeamAsync(teamId, permission)</c>, which
/// refuses to run when the two disagree; another team's id answers 404.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresTeamPermissionAttribute(string permission) : Attribute
{
    public string Permission { get; } = permission;
}

/// <summary>A team route any member of the team the path names may call (checked by <c>AuthorizeTeamAsync(teamId)</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TeamMemberAttribute : Attribute
{
}

public enum AccessKind
{
    Public,
    AnyMember,
    Permission,
    TeamMember,
    TeamPermission,
}

/// <summary>What a function declared: exactly one of the three attributes.</summary>
public sealed record AccessRequirement(AccessKind Kind, string? Permission)
{
    public override string ToString() => Kind switch
    {
        AccessKind.Public => "public",
        AccessKind.AnyMember => "any member",
        AccessKind.TeamMember => "member of {teamId}",
        AccessKind.TeamPermission => $"{Permission} in {{teamId}}",
        _ => Permission!,
    };
}

/// <summary>Reads a function's one access declaration (null when it has none, or more than one).</summary>
public static class FunctionAccess
{
    private static readonly ConcurrentDictionary<string, AccessRequirement?> s_cache = new();

    public static AccessRequirement? Of(FunctionDefinition function) =>
        s_cache.GetOrAdd(function.EntryPoint, entryPoint =>
        {
            var split = entryPoint.LastIndexOf('.');
            var type = typeof(FunctionAccess).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
            return Of(type.GetMethod(entryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)!);
        });

    public static AccessRequirement? Of(MethodInfo method)
    {
        var declared = new List<AccessRequirement>();
        if (method.GetCustomAttribute<PublicFunctionAttribute>() is not null)
        {
            declared.Add(new AccessRequirement(AccessKind.Public, null));
        }

        if (method.GetCustomAttribute<AnyMemberAttribute>() is not null)
        {
            declared.Add(new AccessRequirement(AccessKind.AnyMember, null));
        }

        if (method.GetCustomAttribute<RequiresPermissionAttribute>() is { } permission)
        {
            declared.Add(new AccessRequirement(AccessKind.Permission, permission.Permission));
        }

        if (method.GetCustomAttribute<TeamMemberAttribute>() is not null)
        {
            declared.Add(new AccessRequirement(AccessKind.TeamMember, null));
        }

        if (method.GetCustomAttribute<RequiresTeamPermissionAttribute>() is { } teamPermission)
        {
            declared.Add(new AccessRequirement(AccessKind.TeamPermission, teamPermission.Permission));
        }

        return declared.Count == 1 ? declared[0] : null;
    }
}
