using System.Text.Json.Serialization;

namespace Moosermail.Core.Pipes;

/// <summary>The body of POST /api/pipes: Moosermail's documented fields (§2.11).</summary>
public sealed record CreatePipeRequest(
    string? Name,
    string? Action,
    string? MatchFrom = null,
    string? MatchSubject = null,
    string? MatchBody = null,
    bool? MatchAll = null,
    string? ActionUrl = null,
    string? ActionTo = null,
    Guid? ActionTemplateId = null,
    string? ActionTag = null,
    bool? StripClosers = null,
    bool? Enabled = null);

/// <summary>
/// The body of PUT /api/pipes/{id}, a partial update: a null (or absent) field keeps its value; <c>""</c> clears an
/// optional text field (a match condition, action_url, action_to, action_tag). The result must still be a whole pipe.
/// </summary>
public sealed record UpdatePipeRequest(
    string? Name = null,
    string? Action = null,
    string? MatchFrom = null,
    string? MatchSubject = null,
    string? MatchBody = null,
    bool? MatchAll = null,
    string? ActionUrl = null,
    string? ActionTo = null,
    Guid? ActionTemplateId = null,
    string? ActionTag = null,
    bool? StripClosers = null,
    bool? Enabled = null);

/// <summary>A pipe as stored and answered. Conditions are OR-combined; <see cref="MatchAll"/> matches every email.</summary>
public sealed record Pipe
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Action { get; init; } = string.Empty;

    public string? MatchFrom { get; init; }

    public string? MatchSubject { get; init; }

    public string? MatchBody { get; init; }

    public bool MatchAll { get; init; }

    public string? ActionUrl { get; init; }

    public string? ActionTo { get; init; }

    public Guid? ActionTemplateId { get; init; }

    public string? ActionTag { get; init; }

    public bool StripClosers { get; init; }

    public bool Enabled { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The whsec_ secret a webhook pipe signs with: in the answer that creates it only, never stored in clear.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SigningSecret { get; init; }

    /// <summary>Whether a signing secret is stored (a webhook pipe has one).</summary>
    [JsonIgnore]
    public bool HasSigningSecret { get; init; }
}

/// <summary>The five documented actions and the tags a <c>tag</c> pipe may set.</summary>
public static class PipeActions
{
    public const string Webhook = "webhook";
    public const string Forward = "forward";
    public const string AutoReply = "auto_reply";
    public const string Tag = "tag";
    public const string Hide = "hide";

    public static readonly IReadOnlyList<string> All = [Webhook, Forward, AutoReply, Tag, Hide];

    public static readonly IReadOnlyList<string> Tags = ["flag", "pin", "read"];
}
