using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Teams;

/// <summary>Validation and the "nobody hands out more than they hold" rule, shared by member changes and invitations.</summary>
public static class TeamRules
{
    public const int MaxNameLength = 100;

    /// <summary>Teams one account may own: a bound on what one signup can make the database hold.</summary>
    public const int MaxOwnedTeams = 25;

    /// <summary>Pending invitations a team may hold at once: each is operator mail and a live token.</summary>
    public const int MaxPendingInvitations = 100;

    public static string ValidName(string? value, ValidationErrors errors)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }
        else if (name.Any(char.IsControl))
        {
            errors.Add("name", "must not contain control characters.");
        }
        else if (!IsWellFormedUtf16(name))
        {
            errors.Add("name", "must be valid Unicode text.");
        }

        return name ?? string.Empty;
    }

    /// <summary>Returns the grant and revoke lists, deduplicated and sorted; each must name a known permission.</summary>
    public static (IReadOnlyList<string> Grant, IReadOnlyList<string> Revoke) ValidOverrides(PermissionOverrides? overrides, string role, ValidationErrors errors)
    {
        var grant = Known(overrides?.Grant, "permissions.grant", errors);
        var revoke = Known(overrides?.Revoke, "permissions.revoke", errors);
        if (grant.Intersect(revoke, StringComparer.Ordinal).Any())
        {
            errors.Add("permissions", "must not both grant and revoke the same permission.");
        }

        if (role == Roles.Owner && (grant.Count > 0 || revoke.Count > 0))
        {
            errors.Add("permissions", "must be empty for an owner: an owner holds every permission.");
        }

        return (grant, revoke);
    }

    /// <exception cref="ForbiddenException">The change would give the member a permission the granter does not hold.</exception>
    public static void RequireHeldByGranter(Caller granter, IReadOnlySet<string> before, IReadOnlySet<string> after)
    {
        var beyond = after.Where(p => !before.Contains(p) && !granter.Has(p)).Order(StringComparer.Ordinal).ToList();
        if (beyond.Count > 0)
        {
            throw new ForbiddenException($"You cannot grant permissions you do not hold: {string.Join(", ", beyond)}.");
        }
    }

    private static List<string> Known(IReadOnlyList<string>? values, string field, ValidationErrors errors)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > Permissions.All.Count * 2)
        {
            errors.Add(field, $"must list at most {Permissions.All.Count} permissions.");
            return [];
        }

        var unknown = values.Where(v => v is null || !Permissions.All.Contains(v)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add(field, $"must name only known permissions: {string.Join(", ", Permissions.All)}.");
            return [];
        }

        return values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
