using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Unit.Resend;

/// <summary>
/// Tests register a fake clock as the app's TimeProvider. The Resend client's resilience pipeline must not run on
/// it: Polly's dispose waits for in-flight calls on the pipeline's clock, and a fake clock nobody advances would
/// hang the app's shutdown for ever (it did, under load, in the timer scheduler test).
/// </summary>
public sealed class ResendHttpClientDisposeTests
{
    [Fact]
    public async Task DisposingTheContainer_WhileACallIsInFlight_CompletesOnAFakeClock()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () => accepted.TrySetResult(await listener.AcceptSocketAsync()));

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddResendClient(new Uri($"http://127.0.0.1:{port}/"));
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ResendClient.HttpClientName);

        var call = client.GetAsync("emails");
        using var socket = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var disposing = provider.DisposeAsync().AsTask();
        // The call is still in flight while the container disposes; answer it a moment later.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));

        Assert.Equal(HttpStatusCode.OK, (await call.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
