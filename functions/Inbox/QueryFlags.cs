using Microsoft.AspNetCore.Http;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Inbox;

/// <summary>true/false query flags (also 1/0), collecting malformed ones into one 400 like <see cref="Http.QueryParameters"/>.</summary>
public sealed class QueryFlags(IQueryCollection query)
{
    private readonly ValidationErrors _errors = new();

    public bool? Flag(string name)
    {
        if (!query.TryGetValue(name, out var values) || string.IsNullOrWhiteSpace(values))
        {
            return null;
        }

        switch (values.ToString().Trim().ToLowerInvariant())
        {
            case "true" or "1":
                return true;
            case "false" or "0":
                return false;
            default:
                _errors.Add(name, "must be true or false.");
                return null;
        }
    }

    public void ThrowIfInvalid() => _errors.ThrowIfAny();
}
