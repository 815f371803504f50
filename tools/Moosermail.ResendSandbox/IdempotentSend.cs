using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>
/// Resend's Idempotency-Key on POST /emails and /emails/batch: the same key and body within 24 h get the first
/// answer again (nothing is sent twice); the same key with another body is a 409 invalid_idempotent_request.
/// </summary>
public sealed class IdempotentSend(SandboxOptions options, TimeProvider time)
{
    public async Task<IResult> RunAsync(HttpContext context, Func<JsonElement, SandboxAccount, (int Status, object Body)> send)
    {
        var (document, bytes) = await SandboxJson.ReadAsync(context.Request);
        using var _ = document;
        var hasKey = context.Request.Headers.TryGetValue("Idempotency-Key", out var values);
        var key = values.ToString();
        if (hasKey && key.Length is 0 or > 256)
        {
            return new ResendErrorBody(400, "The `Idempotency-Key` header must be between 1 and 256 characters.", "invalid_idempotency_key").ToResult();
        }

        if (document is null)
        {
            return ResendErrorBody.Validation("The request body is not valid JSON.").ToResult();
        }

        var account = SandboxState.Current(context);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(context.Request.Path.Value + "\n"), .. bytes]);
        lock (account.Gate)
        {
            var now = time.GetUtcNow();
            if (hasKey && account.IdempotentResponses.TryGetValue(key, out var prior) && now - prior.CreatedAt < options.IdempotencyKeyLifetime)
            {
                return prior.RequestHash.AsSpan().SequenceEqual(hash)
                    ? SandboxJson.Raw(prior.StatusCode, prior.Body)
                    : new ResendErrorBody(409,
                        "This idempotency key has already been used on a request that had a different payload. Retrying this request with the same key and a different payload is not allowed.",
                        "invalid_idempotent_request").ToResult();
            }

            var (status, body) = send(document.RootElement, account);
            var json = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), SandboxJson.Options);
            if (hasKey && status is >= 200 and < 300)
            {
                account.IdempotentResponses[key] = new IdempotentResponse(hash, status, json, now);
            }

            return SandboxJson.Raw(status, json);
        }
    }
}
