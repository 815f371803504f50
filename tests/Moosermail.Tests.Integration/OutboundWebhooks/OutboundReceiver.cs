using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>One request the receiver got, raw.</summary>
public sealed record ReceivedDelivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException(name);

    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The team's app in the tests: a loopback server that records every request and answers what the test says
/// (<see cref="Answer"/>: a status code, or a redirect with <see cref="RedirectTo"/>).
/// </summary>
public sealed class OutboundReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OutboundReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.Map("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            Received.Enqueue(new ReceivedDelivery(context.Request.Path, headers, buffer.ToArray()));
            return RedirectTo is { } target ? Results.Redirect(target) : Results.StatusCode(Answer);
        });
    }

    public ConcurrentQueue<ReceivedDelivery> Received { get; } = new();

    public int Answer { get; set; } = 200;

    public string? RedirectTo { get; set; }

    public string Url(string path = "/hook") => _app.Urls.First() + path;

    public static async Task<OutboundReceiver> StartAsync()
    {
        var receiver = new OutboundReceiver();
        await receiver._app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
