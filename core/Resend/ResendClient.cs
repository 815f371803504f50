using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Moosermail.Core.Resend;

/// <summary>
/// Resend's REST API over IHttpClientFactory. The team's API key is an argument of every call: it is put on
/// that one request and never stored, cached or logged. Nothing is retried here — a transient failure comes
/// back as <see cref="ResendError.IsTransient"/> for the outbox dispatcher to retry with the same idempotency key.
/// </summary>
public sealed class ResendClient(IHttpClientFactory httpClientFactory, TimeProvider time, ILogger<ResendClient> logger)
{
    public const string HttpClientName = "Resend";

    /// <param name="idempotencyKey">1–256 chars; a retry with the same key and body is answered, not sent twice.</param>
    public Task<ResendResult<SendEmailResponse>> SendEmailAsync(
        string apiKey, SendEmailRequest email, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CallAsync<SendEmailResponse>(apiKey, HttpMethod.Post, "emails", email, CheckedKey(idempotencyKey), cancellationToken);

    /// <summary>Sends up to 100 emails (no attachments, no scheduled_at) under one idempotency key.</summary>
    public Task<ResendResult<BatchSendResponse>> SendBatchAsync(
        string apiKey, IReadOnlyList<SendEmailRequest> emails, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(emails.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(emails.Count, 100);
        return CallAsync<BatchSendResponse>(apiKey, HttpMethod.Post, "emails/batch", emails, CheckedKey(idempotencyKey), cancellationToken);
    }

    public Task<ResendResult<ResendEmail>> GetEmailAsync(string apiKey, string emailId, CancellationToken cancellationToken = default) =>
        CallAsync<ResendEmail>(apiKey, HttpMethod.Get, $"emails/{Uri.EscapeDataString(emailId)}", null, null, cancellationToken);

    // Listing, rescheduling and cancelling sent emails at Resend are not here: Moosermail keeps its own send log
    // and holds scheduled emails in its outbox. The received-mail calls stay for the inbox.
    public Task<ResendResult<ResendList<ResendReceivedEmail>>> ListReceivedEmailsAsync(
        string apiKey, ResendPage? page = null, CancellationToken cancellationToken = default) =>
        CallAsync<ResendList<ResendReceivedEmail>>(apiKey, HttpMethod.Get, WithPage("emails/receiving", page), null, null, cancellationToken);

    public Task<ResendResult<ResendReceivedEmail>> GetReceivedEmailAsync(string apiKey, string emailId, CancellationToken cancellationToken = default) =>
        CallAsync<ResendReceivedEmail>(apiKey, HttpMethod.Get, $"emails/receiving/{Uri.EscapeDataString(emailId)}", null, null, cancellationToken);

    /// <summary>One attachment of an inbound email, with its signed <c>download_url</c> (fetch it promptly: it expires).</summary>
    public Task<ResendResult<ResendReceivedAttachment>> GetReceivedAttachmentAsync(
        string apiKey, string emailId, string attachmentId, CancellationToken cancellationToken = default) =>
        CallAsync<ResendReceivedAttachment>(apiKey, HttpMethod.Get,
            $"emails/receiving/{Uri.EscapeDataString(emailId)}/attachments/{Uri.EscapeDataString(attachmentId)}", null, null, cancellationToken);

    /// <summary>The cheapest full-access call: a success proves the key is valid and not sending-only.</summary>
    public Task<ResendResult<ResendList<ResendDomain>>> ListDomainsAsync(
        string apiKey, ResendPage? page = null, CancellationToken cancellationToken = default) =>
        CallAsync<ResendList<ResendDomain>>(apiKey, HttpMethod.Get, WithPage("domains", page), null, null, cancellationToken);

    private async Task<ResendResult<T>> CallAsync<T>(
        string apiKey, HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ResendJson.Options));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var result = await SendAsync<T>(request, cancellationToken);
        if (result.Error is { } error)
        {
            // One line: the client's own HTTP logging is off (see AddResendClient), so a network failure is this
            // line with its reason and RESEND_BASE_URL's host, never a stack trace.
            logger.LogWarning("Resend {Method} {Path} failed: {StatusCode} {ErrorName}: {ErrorMessage} (transient: {IsTransient})",
                method.Method, path, error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer", error.Name, error.Message, error.IsTransient);
        }

        return result;
    }

    private async Task<ResendResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
        where T : class
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ResendResponseReader.ReadAsync<T>(response, time, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            return ResendResult<T>.Failure(ResendError.TimedOut(ex.Timeout), ResendRateLimit.None);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ResendResult<T>.Failure(ResendError.TimedOut(http.Timeout), ResendRateLimit.None);
        }
        catch (HttpRequestException ex)
        {
            return ResendResult<T>.Failure(ResendError.Network($"Could not reach Resend at {http.BaseAddress?.Authority}: {ex.HttpRequestError}."), ResendRateLimit.None);
        }
    }

    private static string CheckedKey(string idempotencyKey)
    {
        ArgumentOutOfRangeException.ThrowIfZero(idempotencyKey.Length, nameof(idempotencyKey));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idempotencyKey.Length, 256, nameof(idempotencyKey));
        return idempotencyKey;
    }

    private static string WithPage(string path, ResendPage? page)
    {
        var query = new List<string>();
        if (page?.Limit is { } limit)
        {
            query.Add($"limit={limit}");
        }

        if (page?.After is { } after)
        {
            query.Add($"after={Uri.EscapeDataString(after)}");
        }

        if (page?.Before is { } before)
        {
            query.Add($"before={Uri.EscapeDataString(before)}");
        }

        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }
}
