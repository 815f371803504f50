namespace Moosermail.Core.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string? ExpiresIn, IReadOnlyList<string>? Permissions);

/// <summary>The one response that carries the key itself.</summary>
public sealed record CreatedApiKey(Guid Id, string Key, string Prefix, string Name, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt);

/// <summary>A key as lists show it: never the key, never its hash.</summary>
public sealed record ApiKeySummary
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Prefix { get; init; } = string.Empty;

    public string[] Permissions { get; init; } = [];

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    public Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class ApiKeyExpiry
{
    public static readonly IReadOnlyDictionary<string, TimeSpan?> Choices = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal)
    {
        ["never"] = null,
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
        ["90d"] = TimeSpan.FromDays(90),
        ["6mo"] = TimeSpan.FromDays(180),
        ["180d"] = TimeSpan.FromDays(180),
        ["1y"] = TimeSpan.FromDays(365),
    };
}
