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
        return new AuditPage(rows.Select(r => r.Event).ToList(), rows.Count == filter.Limit ? EncodeCursor(rows[^1].Seq) : null);
    }

    // Opaque to clients: the write order (audit_events.seq) of the last event on the page.
    private static string EncodeCursor(long seq) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"a:{seq.ToString(CultureInfo.InvariantCulture)}"));

    private static long? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("a:", StringComparison.Ordinal) ? long.Parse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture) : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            errors.Add("cursor", "is not a cursor from a previous page; omit it to start from the newest event.");
            return null;
        }
    }
}
