using Moosermail.Core.Errors;

namespace Moosermail.Core.Sending;

/// <summary>
/// The one rule for an Idempotency-Key header, checked before anything is stored: 1 to 256 characters
/// (the column is indexed, and a longer key used to reach the index and fail there as an unexpected error).
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <exception cref="ValidationFailedException">The key is given but empty or longer than <see cref="IdempotencyClaim.MaxKeyLength"/>.</exception>
    public static void Check(string? key)
    {
        if (key is not null && (key.Length is 0 or > IdempotencyClaim.MaxKeyLength))
        {
            throw new ValidationFailedException(Header, $"must be 1 to {IdempotencyClaim.MaxKeyLength} characters.");
        }
    }
}
