namespace Moosermail.Core.Senders;

public sealed record CreateSenderRequest(string? ApiKey, string? FromAddress, string? Name);

public sealed record UpdateSenderRequest(string? ApiKey, string? FromAddress, string? Name, bool? IsDefault);

/// <summary>A sender as the API shows it: the key only as a hint (re_…abcd).</summary>
public record Sender
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Hint { get; init; } = string.Empty;

    public string FromAddress { get; init; } = string.Empty;

    public bool IsDefault { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
