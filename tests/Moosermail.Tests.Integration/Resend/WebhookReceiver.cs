using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>A tiny HTTP endpoint on a loopback port that records every webhook it receives, raw.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(int failFirst)
    {
        _failuresLeft = failFirst;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var failed = Interlocked.Decrement(ref _failuresLeft) >= 0;
            _received.Writer.TryWrite(new ReceivedWebhook(headers, buffer.ToArray(), failed));
            return failed ? Results.StatusCode(500) : Results.Ok();
        });
    }

    public Uri Endpoint => new(_app.Urls.First() + "/hook");

    /// <param name="failFirst">How many deliveries to answer with 500 before accepting.</param>
    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var receiver = new WebhookReceiver(failFirst);
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>Waits for the next <paramref name="count"/> deliveries (failed attempts included), in arrival order.</summary>
    public async Task<List<ReceivedWebhook>> NextAsync(int count, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var list = new List<ReceivedWebhook>();
        while (list.Count < count)
        {
            list.Add(await _received.Reader.ReadAsync(cancel.Token));
        }

        return list;
    }

    /// <summary>True when nothing more arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> QuietForAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        return !_received.Reader.TryPeek(out _);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, bool AnsweredWithFailure)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
