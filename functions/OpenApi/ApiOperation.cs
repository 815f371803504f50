namespace Moosermail.Functions.OpenApi;

/// <summary>
/// What the OpenAPI document says about one function beyond what functions.metadata knows (route, methods):
/// a summary, the request record, the answer's shape, the query parameters it reads.
/// </summary>
public sealed record ApiOperation(string Summary, ApiAnswer Answer)
{
    /// <summary>The record the JSON body binds to (<c>request.ReadJsonAsync&lt;T&gt;</c>), if any.</summary>
    public Type? Body { get; init; }

    /// <summary>A non-JSON body (the CSV import).</summary>
    public string? BodyContentType { get; init; }

    public IReadOnlyList<string> Query { get; init; } = [];

    /// <summary>Honours the <c>Idempotency-Key</c> header.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Further successful or expected answers besides <see cref="Answer"/> (202 queued, 422 refused...).</summary>
    public IReadOnlyList<ApiAnswer> Also { get; init; } = [];
}

/// <summary>One answer: a status and its JSON shape (a record, or an object of named properties), or no body.</summary>
public sealed record ApiAnswer(int Status, string Description, Type? Type = null, IReadOnlyList<ApiProperty>? Properties = null)
{
    public static ApiAnswer Json<T>(int status = 200, string description = "OK") => new(status, description, typeof(T));

    /// <summary>An object such as <c>{"template": {...}}</c>: functions often wrap a record in a named property.</summary>
    public static ApiAnswer Shape(int status, string description, params ApiProperty[] properties) => new(status, description, Properties: properties);

    public static ApiAnswer NoContent(string description = "Done") => new(204, description);
}

public sealed record ApiProperty(string Name, Type Type);
