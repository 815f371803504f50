using System.Text.Json;
using Moosermail.Core.Errors;

namespace Moosermail.Functions.Mcp;

/// <summary>Reads a tool call's arguments, collecting wrong types per field like the REST API does.</summary>
public sealed class McpArguments(IDictionary<string, JsonElement>? arguments)
{
    private readonly ValidationErrors _errors = new();

    public JsonElement? Element(string name) =>
        arguments is not null && arguments.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

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

    public Guid? Id(string name) => Text(name) switch
    {
        null => null,
        var text when Guid.TryParse(text, out var id) => id,
        _ => Invalid<Guid?>(name, "must be an id (uuid)."),
    };

    public IReadOnlyDictionary<string, JsonElement>? Map(string name) => Element(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
        _ => Invalid<IReadOnlyDictionary<string, JsonElement>>(name, "must be an object."),
    };

    public void ThrowIfInvalid() => _errors.ThrowIfAny();

    private T? Invalid<T>(string name, string message)
    {
        _errors.Add(name, message);
        return default;
    }
}
