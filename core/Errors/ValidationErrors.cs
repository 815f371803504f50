namespace Moosermail.Core.Errors;

/// <summary>Collects per-field problems so a request reports all of them at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>How many messages have been added; compare before and after to see if a part added any.</summary>
    public int Count => _errors.Values.Sum(list => list.Count);

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
        return this;
    }

    /// <summary>The messages so far, per field.</summary>
    public IReadOnlyDictionary<string, string[]> ByField() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <exception cref="ValidationFailedException">There is at least one error.</exception>
    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw new ValidationFailedException(ByField());
        }
    }
}
