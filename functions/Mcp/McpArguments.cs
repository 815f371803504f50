using System.Globalization;
using System.Text.Json;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// Reads a tool call's arguments, collecting problems per field like the REST API does: a wrong type, a missing
/// required argument, or an argument the tool does not take (a model's typo should not be silently ignored).
/// </summary>
public sealed class McpArguments
{
    private readonly IDictionary<string, JsonElement>? _arguments;
    private readonly ValidationErrors _errors = new();

    public McpArguments(IDictionary<string, JsonElement>? arguments, IReadOnlySet<string> known)
    {
        _arguments = arguments;
        foreach (var name in arguments?.Keys.Where(name => !known.Contains(name)) ?? [])
        {
            _errors.Add(name, known.Count == 0 ? "is not an argument of this tool; it takes none." : $"is not an argument of this tool; it takes {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }
    }

    public JsonElement? Element(string name) =>
        _arguments is not null && _arguments.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? Text(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => Invalid<string>(name, "must be a string."),
    };

    public int? WholeNumber(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => Invalid<int?>(name, "must be a whole number."),
    };

    public bool? Flag(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => Invalid<bool?>(name, "must be true or false."),
    };

    public Guid? Id(string name) => Text(name) switch
    {
        null => null,
        var text when Guid.TryParse(text, out var id) => id,
        _ => Invalid<Guid?>(name, "must be an id (uuid)."),
    };

    public Guid RequiredId(string name) => Id(name) ?? (Element(name) is null ? Invalid<Guid>(name, "is required.") : default);

    public DateTimeOffset? Time(string name) => Text(name) switch
    {
        null => null,
        var text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time,
        _ => Invalid<DateTimeOffset?>(name, "must be a date and time (ISO 8601)."),
    };

    public IReadOnlyDictionary<string, JsonElement>? Map(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
        _ => Invalid<IReadOnlyDictionary<string, JsonElement>>(name, "must be an object."),
    };

    /// <summary>An address or an array of addresses, passed on as given for the core's own recipient rules.</summary>
    public JsonElement? Recipients(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String or JsonValueKind.Array } value => value.Clone(),
        _ => Invalid<JsonElement?>(name, "must be an address or an array of addresses."),
    };

    public void Require(string name)
    {
        if (Element(name) is null)
        {
            _errors.Add(name, "is required.");
        }
    }

    /// <exception cref="ValidationFailedException">Any argument was wrong; each is named.</exception>
    public void ThrowIfInvalid() => _errors.ThrowIfAny();

    private T? Invalid<T>(string name, string message)
    {
        _errors.Add(name, message);
        return default;
    }
}
