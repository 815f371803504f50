using System.Globalization;
using System.Text;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Audit;

/// <summary>The team's audit log, newest first, cursor-paginated; needs audit:read.</summary>
public sealed class AuditService(AuditRepository audit)
{
    public const int MaxLimit = 100;
    public const int MaxActionLength = 100;

    public async Task<AuditPage> ListAsync(Caller caller, AuditFilter filter, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.AuditRead);
        var errors = new ValidationErrors();
        if (filter.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be 1 to {MaxLimit}.");
        }

        if (filter.Action is { } action && (action.Length > MaxActionLength || !action.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_')))
        {
            errors.Add("action", "must be an action name such as member.invited or api_key.created.");
        }

        var after = filter.Cursor is null ? null : DecodeCursor(filter.Cursor, errors);
        errors.ThrowIfAny();
        var rows = await audit.ListForTeamAsync(caller.TeamId, filter, after, cancellationToken);
        return new AuditPage(rows, rows.Count == filter.Limit ? EncodeCursor(rows[^1]) : null);
    }

    private static string EncodeCursor(AuditEventView last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}"));

    private static (DateTimeOffset, Guid)? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split(':');
            return (new DateTimeOffset(long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            errors.Add("cursor", "is not a cursor from a previous page; omit it to start from the newest event.");
            return null;
        }
    }
}
