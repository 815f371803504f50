namespace Moosermail.Core.Webhooks;

/// <summary>Why a webhook was accepted or refused. Only <see cref="Valid"/> means the body may be trusted.</summary>
public enum WebhookVerificationResult
{
    Valid,
    MissingHeaders,
    InvalidTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    InvalidSecret,
    NoMatchingSignature,
}
