using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Suppressions;

/// <summary>The suppression list: read and edited by the team, and checked by every send.</summary>
public sealed class SuppressionService(SuppressionRepository suppressions)
{
    public Task<IReadOnlyList<Suppression>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        suppressions.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task DeleteAsync(Caller caller, string email, CancellationToken cancellationToken)
    {
        if (!await suppressions.DeleteAsync(caller.TeamId, Normalize(email), cancellationToken))
        {
            throw new NotFoundException("This address is not on your team's suppression list.");
        }
    }

    /// <summary>
    /// Refuses the whole request when any recipient (to, cc or bcc) of any email is suppressed for the team, naming each
    /// one under its email's field (<c>to</c>, or <c>emails[i].to</c> in a batch).
    /// </summary>
    /// <exception cref="UnprocessableException">With the suppressed recipients per email.</exception>
    public async Task RefuseSuppressedAsync(Guid teamId, IReadOnlyList<ValidatedEmail> emails, bool batch, CancellationToken cancellationToken)
    {
        var recipients = emails.Select(e => e.AllRecipients.Select(Normalize).ToList()).ToList();
        var suppressed = await suppressions.FindSuppressedAsync(teamId, recipients.SelectMany(r => r).ToHashSet(StringComparer.Ordinal), cancellationToken);
        if (suppressed.Count == 0)
        {
            return;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < recipients.Count; i++)
        {
            var hits = recipients[i].Where(suppressed.ContainsKey).Distinct().ToList();
            if (hits.Count > 0)
            {
                errors[batch ? $"emails[{i}].to" : "to"] =
                    hits.Select(a => $"{a} is on this team's suppression list ({suppressed[a]}); DELETE /api/suppressions/{a} to send to it again.").ToArray();
            }
        }

        throw new UnprocessableException(
            $"Refused: {string.Join(", ", suppressed.Keys.Order(StringComparer.Ordinal))} {(suppressed.Count == 1 ? "is" : "are")} suppressed after a bounce or complaint. Nothing was sent.")
        {
            Errors = errors,
        };
    }

    private static string Normalize(string address) => FromAddress.AddressOf(address.Trim()).Trim().ToLowerInvariant();
}
