namespace Moosermail.ResendSandbox;

/// <summary>
/// Everything one API key sees. Each re_ key is its own account, so two keys never see each other's emails.
/// All fields are guarded by <see cref="Gate"/>.
/// </summary>
public sealed class SandboxAccount(string apiKey)
{
    public Lock Gate { get; } = new();

    public string ApiKey { get; } = apiKey;

    public List<SandboxEmail> Emails { get; } = [];

    public List<ReceivedEmail> Received { get; } = [];

    public List<SandboxWebhook> Webhooks { get; } = [];

    public Dictionary<string, SandboxDomain> Domains { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, IdempotentResponse> IdempotentResponses { get; } = new(StringComparer.Ordinal);

    public Fault? Fault { get; set; }

    public long RateWindow { get; set; } = -1;

    public int RateCount { get; set; }

    public int AcceptedSends { get; set; }

    public int Requests { get; set; }
}

public sealed record IdempotentResponse(byte[] RequestHash, int StatusCode, byte[] Body, DateTimeOffset CreatedAt);

/// <summary>Makes the next <see cref="Remaining"/> requests of a key fail (or just wait), for tests.</summary>
public sealed record Fault(int Remaining, int Status, int DelayMs, string? Name, string? Body);

public sealed class SandboxDomain(string id, string name, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public DateTimeOffset CreatedAt { get; } = createdAt;
}

public sealed record SandboxWebhook(string Id, Uri Endpoint, IReadOnlyList<string> Events, string SigningSecret, DateTimeOffset CreatedAt);
