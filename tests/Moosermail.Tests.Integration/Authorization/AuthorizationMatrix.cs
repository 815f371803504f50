using System.Text;
using Moosermail.Core.Security;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using static Moosermail.Tests.Integration.Authorization.MatrixRole;

namespace Moosermail.Tests.Integration.Authorization;

/// <summary>One row of the matrix: a function, one of its methods, its declaration and its fixture.</summary>
public sealed record MatrixRow(HttpFunction Function, string Method, AccessRequirement Access, RouteFixture Fixture)
{
    public string Route => "/api/" + Function.Route;

    /// <summary>The one permission the narrowed key holds: any that the route does not ask for.</summary>
    public string UnrelatedPermission => Access.Permission == Permissions.TemplatesRead ? Permissions.ContactsRead : Permissions.TemplatesRead;
}

/// <summary>
/// The authorization matrix, derived from code: each function's declaration (<see cref="FunctionAccess"/>)
/// gives the answer each caller must get; <see cref="RouteFixtures"/> only says how to make the call real.
/// </summary>
public static class AuthorizationMatrix
{
    public const string OwnTeam = "own team";

    public static readonly IReadOnlyList<MatrixRole> Roles = Enum.GetValues<MatrixRole>();

    /// <summary>Every row; <paramref name="problems"/> collects functions without a declaration or a fixture.</summary>
    public static IReadOnlyList<MatrixRow> Rows(FunctionCatalog catalog, List<string> problems)
    {
        var rows = new List<MatrixRow>();
        foreach (var function in catalog.Http.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var access = FunctionAccess.Of(function.Method);
            if (access is null)
            {
                problems.Add($"{function.Name} declares no access requirement: add exactly one of [PublicFunction], [AnyMember], [RequiresPermission(...)], [TeamMember], [RequiresTeamPermission(...)].");
                continue;
            }

            foreach (var method in function.Methods.Order(StringComparer.Ordinal))
            {
                if ((RouteFixtures.All.GetValueOrDefault($"{function.Name} {method}") ?? RouteFixtures.All.GetValueOrDefault(function.Name)) is { } fixture)
                {
                    rows.Add(new MatrixRow(function, method, access, fixture));
                }
                else
                {
                    problems.Add($"{function.Name} ({method} /api/{function.Route}) has no entry in RouteFixtures: add one that makes a real call.");
                }
            }
        }

        return rows;
    }

    /// <summary>What <paramref name="role"/> must get: "401", "403", "404", "2xx", another exact status, or "own team".</summary>
    public static string Expected(MatrixRow row, MatrixRole role)
    {
        if (row.Fixture.Expect?.TryGetValue(role, out var overridden) == true)
        {
            return overridden;
        }

        return row.Access.Kind switch
        {
            AccessKind.Public => "2xx",
            _ when role == Anonymous => "401",
            AccessKind.AnyMember => "2xx",
            AccessKind.TeamMember => role == OtherTeam ? "404" : "2xx",
            AccessKind.TeamPermission when role == OtherTeam => "404",
            _ => role switch
            {
                OtherTeam => row.Fixture.NamesTeamResource ? "404" : OwnTeam,
                Member => Permissions.ForRole(Moosermail.Core.Security.Roles.Member).Contains(row.Access.Permission!) ? "2xx" : "403",
                NarrowKey => "403",
                _ => "2xx",
            },
        };
    }

    /// <summary>docs/permissions.md: the route × caller table, generated from the declarations.</summary>
    public static string Markdown(IReadOnlyList<MatrixRow> rows)
    {
        var text = new StringBuilder();
        text.Append("""
            # Who may call what

            Generated from the code by `AuthorizationMatrixTests` (do not edit by hand): every function declares
            its requirement once (`[PublicFunction]`, `[AnyMember]`, `[RequiresPermission(...)]`, or for routes under
            `/api/teams/{teamId}` `[TeamMember]` / `[RequiresTeamPermission(...)]`), and the test calls every route
            below as each of these callers, with real resources of a team A, and checks the answer:

            - **anonymous**: no credential.
            - **other team**: a signed-in user of another team (acting in their own team).
            - **member**, **admin**: a session of a user with that role in team A.
            - **owner**: a session of team A's owner.
            - **narrow key**: an `mk_` key of team A's owner holding one permission the route does not ask for.

            `2xx` = allowed; `403` = authenticated but lacking the permission; `404` = the path names a resource of
            another team (indistinguishable from a missing one); `own team` = the route acts in the caller's own
            team, so team A's data is never in the answer. Roles: owner and admin hold every permission; a member
            holds `
            """);
        text.Append(string.Join("`, `", Permissions.ForRole(Moosermail.Core.Security.Roles.Member)));
        text.Append("""
            ` by default.

            | Method | Route | Requires | anonymous | other team | member | admin | owner | narrow key | Note |
            |---|---|---|---|---|---|---|---|---|---|

            """);
        foreach (var row in rows)
        {
            text.Append("| " + row.Method + " | `" + row.Route + "` | " + row.Access + " | ");
            text.Append(string.Join(" | ", Roles.Select(r => Expected(row, r))));
            text.Append(" | " + row.Fixture.Note + " |\n");
        }

        return text.ToString().ReplaceLineEndings("\n");
    }
}
