using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Core.Contacts;

public sealed record CreateContactRequest(string? Email, string? Name, IReadOnlyList<string>? Tags, JsonElement? Properties, bool? Unsubscribed);

/// <summary>A partial update: null keeps a field; <c>name: ""</c> clears the name; tags and properties are replaced whole.</summary>
public sealed record UpdateContactRequest(string? Email, string? Name, IReadOnlyList<string>? Tags, JsonElement? Properties, bool? Unsubscribed);

/// <summary>The raw query string of GET /api/contacts, validated by the service.</summary>
public sealed record ListContactsQuery(string? Search, string? Tag, string? Cursor, string? Limit);

public sealed record Contact
{
    public Guid Id { get; init; }

    /// <summary>Always lower-case: one contact per address per team.</summary>
    public string Email { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string[] Tags { get; init; } = [];

    /// <summary>The jsonb column as text (Dapper cannot read jsonb into a record); shown as <see cref="Properties"/>.</summary>
    [JsonIgnore]
    public string PropertiesJson { get; init; } = "{}";

    public JsonElement Properties => JsonSerializer.Deserialize<JsonElement>(PropertiesJson);

    public bool Unsubscribed { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One page, ordered by email; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ContactPage(IReadOnlyList<Contact> Contacts, string? NextCursor);

/// <summary>A validated contact as written by create and update.</summary>
public sealed record ContactFields(string? Email, string? Name, bool ClearName, string[]? Tags, string? PropertiesJson, bool? Unsubscribed);

public sealed record ContactImportError(int Row, string? Email, string Message);

/// <summary>The outcome of a CSV import: new contacts, existing ones updated, and each refused row.</summary>
public sealed record ContactImportResult(int Imported, int Updated, IReadOnlyList<ContactImportError> Errors);
