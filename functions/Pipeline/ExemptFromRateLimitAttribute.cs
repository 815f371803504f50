namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Takes a function out of the per-IP rate limits. Only for callers that are not people and whose bursts
/// must never be refused: the health probe, and Resend's webhook deliveries (many events from a few IPs).
/// Say why in <see cref="Reason"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExemptFromRateLimitAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
