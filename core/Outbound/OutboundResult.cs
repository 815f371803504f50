namespace Moosermail.Core.Outbound;

/// <summary>
/// What one guarded POST came to. <see cref="ResponseCode"/> is null when no response arrived (refused address,
/// timeout, connection error); <see cref="Error"/> then says why in words safe to show the team.
/// </summary>
public sealed record OutboundResult(int? ResponseCode, string? Error, TimeSpan Latency, string? ResponseExcerpt)
{
    public bool Succeeded => ResponseCode is >= 200 and < 300;
}

/// <summary>The guard refused a destination: its scheme, its name or one of its addresses.</summary>
public sealed class OutboundRefusedException(string reason) : Exception(reason);
