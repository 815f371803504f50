using System.Globalization;
using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Http;

/// <summary>Typed reads of query-string parameters that collect every malformed one into a single 400.</summary>
public sealed class QueryParameters(IQueryCollection query)
{
    private readonly ValidationErrors _errors = new();

    public string? Text(string name) => query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;

    public int? WholeNumber(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _errors.Add(name, "must be a whole number.");
        return null;
    }

    public DateTimeOffset? Time(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        _errors.Add(name, "must be an ISO 8601 time, e.g. 2026-11-29T12:00:00Z.");
        return null;
    }

    public Guid? Id(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (Guid.TryParse(text, out var value))
        {
            return value;
        }

        _errors.Add(name, "must be an id (a UUID).");
        return null;
    }

    public void ThrowIfInvalid() => _errors.ThrowIfAny();
}
