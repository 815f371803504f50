using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Moosermail.Cli;

/// <summary>
/// The Moosermail HTTP API: snake_case JSON in and out; a problem details answer (or any non-2xx) becomes a
/// <see cref="CliException"/> with one readable line.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly string _apiUrl;

    public ApiClient(string apiUrl, string? token)
    {
        _apiUrl = apiUrl.TrimEnd('/');
        _http = new HttpClient { BaseAddress = new Uri(_apiUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("moosermail-cli", "1.0"));
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Sent as X-Moosermail-Team on every request: the team a session (or an mk_ key, which may only name its own) acts in.</summary>
    public Guid? TeamId { get; set; }

    public Task<JsonElement?> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<JsonElement?> PostAsync(string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body, idempotencyKey, cancellationToken);

    /// <summary>A POST carrying one credential header of its own (e.g. X-Trigger-Key), which stays out of URLs and logs.</summary>
    public Task<JsonElement?> PostAsync(string path, object? body, (string Name, string Value) header, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, null, cancellationToken, header);

    public Task<JsonElement?> PutAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, body, null, cancellationToken);

    public Task<JsonElement?> PatchAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, path, body, null, cancellationToken);

    public Task<JsonElement?> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    /// <summary>A body that is not JSON (a CSV file), sent as it is with its media type.</summary>
    public Task<JsonElement?> PostContentAsync(string path, HttpContent content, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, content, null, cancellationToken);

    /// <summary>The answer's JSON, or null for an empty answer (204).</summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, s_json), Encoding.UTF8, "application/json");
        }

        if (TeamId is { } teamId)
        {
            request.Headers.Add("X-Moosermail-Team", teamId.ToString());
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (header is { } extra)
        {
            request.Headers.Add(extra.Name, extra.Value);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {_apiUrl}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{_apiUrl} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(Problem.Describe((int)response.StatusCode, text, RetryAfter(response)));
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new CliException($"{_apiUrl} answered HTTP {(int)response.StatusCode} with something that is not JSON");
            }
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Retry-After as seconds or as a date, whichever the server sent.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
}
