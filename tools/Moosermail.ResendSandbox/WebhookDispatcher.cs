using System.Globalization;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Moosermail.ResendSandbox;

/// <summary>
/// Delivers Svix-signed webhooks to every endpoint of the account subscribed to the event type. First attempts go
/// out in order; a non-2xx answer is retried after each of <see cref="SandboxOptions.WebhookRetryDelays"/>, with the
/// same svix-id and body and a fresh timestamp and signature, as Svix does.
/// </summary>
public sealed class WebhookDispatcher(
    IHttpClientFactory httpClientFactory, SandboxOptions options, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private readonly Channel<Message> _queue = Channel.CreateUnbounded<Message>();

    /// <summary>Called with the account's gate held, so events of one account are queued in the order they happen.</summary>
    public void Enqueue(SandboxAccount account, string type, byte[] body)
    {
        foreach (var hook in account.Webhooks.Where(h => h.Events.Contains(type)))
        {
            _queue.Writer.TryWrite(new Message(hook, SvixSigner.NewMessageId(), body));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            if (!await TryDeliverAsync(message, stoppingToken))
            {
                _ = RetryAsync(message, stoppingToken);
            }
        }
    }

    private async Task RetryAsync(Message message, CancellationToken stoppingToken)
    {
        try
        {
            foreach (var delay in options.WebhookRetryDelays)
            {
                await Task.Delay(delay, time, stoppingToken);
                if (await TryDeliverAsync(message, stoppingToken))
                {
                    return;
                }
            }

            logger.LogWarning("Gave up delivering webhook {MessageId} to {Endpoint}", message.Id, message.Hook.Endpoint);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryDeliverAsync(Message message, CancellationToken stoppingToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Hook.Endpoint) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("svix-id", message.Id);
        request.Headers.Add("svix-timestamp", timestamp);
        request.Headers.Add("svix-signature", SvixSigner.Sign(message.Hook.SigningSecret, message.Id, timestamp, message.Body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Svix-Webhooks", "1.0"));
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, stoppingToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private sealed record Message(SandboxWebhook Hook, string Id, byte[] Body);
}
