using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Contacts;

/// <summary>
/// CSV import: a header row naming <c>email</c> (required), <c>name</c> and <c>tags</c> (separated by ';'), in any
/// order. Good rows are upserted in one statement; each bad or repeated row is reported with its record number
/// (the header is row 1) and changes nothing.
/// </summary>
public sealed class ContactImportService(ContactRepository contacts, TimeProvider time, ILogger<ContactImportService> logger)
{
    public const int MaxBytes = 5 * 1024 * 1024;

    public async Task<ContactImportResult> ImportAsync(Caller caller, TextReader csvText, CancellationToken cancellationToken)
    {
        var (rows, errors) = Parse(csvText);
        var (imported, updated) = rows.Count == 0 ? (0, 0) : await contacts.UpsertImportedAsync(caller.TeamId, rows, time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Contacts imported in team {TeamId}: {Imported} new, {Updated} updated, {Errors} rows refused", caller.TeamId, imported, updated, errors.Count);
        return new ContactImportResult(imported, updated, errors);
    }

    private static (List<(string Email, string? Name, string[] Tags)> Rows, List<ContactImportError> Errors) Parse(TextReader text)
    {
        var badRows = new HashSet<int>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            BadDataFound = args => badRows.Add(args.Context.Parser!.Row),
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(text, configuration);
        if (!csv.Read() || !csv.ReadHeader() || !csv.HeaderRecord!.Any(h => h.Trim().Equals("email", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidRequestException("The CSV needs a header row with an 'email' column (optional: 'name', and 'tags' separated by ';').");
        }

        var rows = new List<(string Email, string? Name, string[] Tags)>();
        var errors = new List<ContactImportError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var row = csv.Parser.Row;
            var error = ReadRow(csv, badRows.Contains(row), out var contact);
            if (error is null && seen.TryGetValue(contact.Email, out var first))
            {
                error = $"repeats the email of row {first}; only the first is imported.";
            }

            if (error is not null)
            {
                errors.Add(new ContactImportError(row, csv.GetField("email"), error));
                continue;
            }

            seen[contact.Email] = row;
            rows.Add(contact);
        }

        return (rows, errors);
    }

    private static string? ReadRow(CsvReader csv, bool malformed, out (string Email, string? Name, string[] Tags) contact)
    {
        contact = default;
        if (malformed)
        {
            return "is not valid CSV (check its quotes).";
        }

        var errors = new ValidationErrors();
        var email = ContactRules.Email(csv.GetField("email") ?? string.Empty, required: true, errors);
        var name = ContactRules.Name(csv.GetField("name"), errors);
        var tags = ContactRules.Tags(csv.GetField("tags")?.Split(';'), errors) ?? [];
        if (!errors.IsEmpty)
        {
            return string.Join(" ", errors.ByField().Select(e => $"{e.Key} {string.Join(" ", e.Value)}"));
        }

        contact = (email!, name, tags);
        return null;
    }
}
