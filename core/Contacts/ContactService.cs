using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;
using Npgsql;

namespace Moosermail.Core.Contacts;

public sealed class ContactService(ContactRepository contacts, TimeProvider time, ILogger<ContactService> logger)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public async Task<Contact> CreateAsync(Caller caller, CreateContactRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var fields = new ContactFields(ContactRules.Email(request.Email, required: true, errors), ContactRules.Name(request.Name, errors), false,
            ContactRules.Tags(request.Tags, errors), ContactRules.Properties(request.Properties, errors), request.Unsubscribed);
        errors.ThrowIfAny();
        var created = await contacts.InsertAsync(caller.TeamId, Guid.NewGuid(), fields, time.GetUtcNow(), cancellationToken) ?? throw Duplicate();
        logger.LogInformation("Contact {ContactId} created in team {TeamId}", created.Id, caller.TeamId);
        return created;
    }

    /// <summary>A page ordered by email. The cursor is opaque to clients (it encodes the last email of the page).</summary>
    public async Task<ContactPage> ListAsync(Caller caller, ListContactsQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var limit = DefaultPageSize;
        if (query.Limit is not null && (!int.TryParse(query.Limit, out limit) || limit is < 1 or > MaxPageSize))
        {
            errors.Add("limit", $"must be a whole number from 1 to {MaxPageSize}.");
        }

        var after = query.Cursor is null ? null : DecodeCursor(query.Cursor, errors);
        errors.ThrowIfAny();
        var pattern = string.IsNullOrWhiteSpace(query.Search) ? null : $"%{EscapeLike(query.Search.Trim())}%";
        var tag = string.IsNullOrWhiteSpace(query.Tag) ? null : query.Tag.Trim();
        var rows = await contacts.ListForTeamAsync(caller.TeamId, pattern, tag, after, limit + 1, cancellationToken);
        var page = rows.Take(limit).ToList();
        return new ContactPage(page, rows.Count > limit ? EncodeCursor(page[^1].Email) : null);
    }

    public async Task<Contact> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await contacts.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<Contact> UpdateAsync(Caller caller, Guid id, UpdateContactRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var fields = new ContactFields(ContactRules.Email(request.Email, required: false, errors), ContactRules.Name(request.Name, errors),
            request.Name is not null && string.IsNullOrWhiteSpace(request.Name), ContactRules.Tags(request.Tags, errors),
            ContactRules.Properties(request.Properties, errors), request.Unsubscribed);
        errors.ThrowIfAny();
        try
        {
            return await contacts.UpdateAsync(caller.TeamId, id, fields, time.GetUtcNow(), cancellationToken) ?? throw NotFound();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Duplicate();
        }
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await contacts.DeleteAsync(caller.TeamId, id, cancellationToken))
        {
            throw NotFound();
        }
    }

    /// <summary>
    /// For the sending code: adds each recipient that is not a contact of the team yet (sends auto-collect their
    /// recipients). Existing contacts, unsubscribed or not, are left untouched; invalid addresses are skipped.
    /// Returns how many contacts were added.
    /// </summary>
    public Task<int> CollectRecipientsAsync(Guid teamId, IEnumerable<string> emails, CancellationToken cancellationToken = default)
    {
        var valid = CollectableRecipients(emails);
        return valid.Count == 0 ? Task.FromResult(0) : contacts.InsertMissingAsync(teamId, valid, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// The addresses <see cref="CollectRecipientsAsync"/> would add, for a caller that stores them in its own statement;
    /// in one order, so concurrent inserts of overlapping sets lock their rows in the same order (no deadlock).
    /// </summary>
    public static IReadOnlyList<string> CollectableRecipients(IEnumerable<string> emails) =>
        emails.Select(EmailAddressRules.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>For the sending code: the team's contacts tagged <paramref name="tag"/> that have not unsubscribed, by email.</summary>
    public Task<IReadOnlyList<Contact>> ListSubscribedByTagAsync(Guid teamId, string tag, CancellationToken cancellationToken = default) =>
        contacts.ListSubscribedByTagAsync(teamId, tag.Trim(), cancellationToken);

    /// <summary>Makes % and _ in the user's text match themselves in ILIKE (the original matched everything on '%').</summary>
    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string EncodeCursor(string email) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(email));

    private static string? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var email = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return email.Contains('\0', StringComparison.Ordinal) ? throw new FormatException() : email;
        }
        catch (FormatException)
        {
            errors.Add("cursor", "is not a cursor from a previous page; start without one.");
            return null;
        }
    }

    private static ConflictException Duplicate() => new ConflictException("Your team already has a contact with this email.");

    private static NotFoundException NotFound() => new NotFoundException("No contact with this id in your team.");
}
