using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of the test Postgres that counts database round trips: each time the app sends
/// after Postgres last answered on that connection, the app has waited for an answer once. Pipelined messages
/// (a multi-statement command, Npgsql's prepended BEGIN or pool reset) count once, as they cost one wait; a COMMIT
/// counts, as it is its own wait. Counting on the wire rather than in Npgsql's tracing sees everything the app pays,
/// whatever API issued it. Hand-written: no proxy library on the mirror counts protocol exchanges.
/// </summary>
public sealed class RoundTripCounter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private long _roundTrips;
    private long _connections;

    private RoundTripCounter(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
    }

    /// <summary>Round trips since the counter started (every connection).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Physical connections opened through the proxy (each costs the start-up exchange, counted apart).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>A connection string like <paramref name="databaseUrl"/> that goes through the counter (no TLS, so the protocol stays readable).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public static RoundTripCounter Start(string databaseUrl)
    {
        var upstream = new NpgsqlConnectionStringBuilder(databaseUrl);
        var counter = new RoundTripCounter(upstream.Host!, upstream.Port);
        counter._listener.Start();
        var port = ((IPEndPoint)counter._listener.LocalEndpoint).Port;
        counter.ConnectionString = new NpgsqlConnectionStringBuilder(databaseUrl)
        {
            Host = "127.0.0.1",
            Port = port,
            SslMode = SslMode.Disable,
            GssEncryptionMode = GssEncryptionMode.Disable,
        }.ConnectionString;
        _ = counter.AcceptAsync();
        return counter;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        Interlocked.Increment(ref _connections);
        using var server = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
            // True once Postgres has answered since the app last sent: the app's next send is a new round trip.
            var answered = new StrongBox<bool>(true);
            var started = new StrongBox<bool>(false);
            await Task.WhenAny(
                PumpAsync(client.GetStream(), server.GetStream(), fromApp: true, answered, started),
                PumpAsync(server.GetStream(), client.GetStream(), fromApp: false, answered, started));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed connection ends its pumps.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromApp, StrongBox<bool> answered, StrongBox<bool> started)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            lock (answered)
            {
                if (fromApp && answered.Value)
                {
                    // The start-up exchange (authentication) is the connection's, not a request's.
                    if (started.Value)
                    {
                        Interlocked.Increment(ref _roundTrips);
                    }

                    answered.Value = false;
                }
                else if (!fromApp)
                {
                    answered.Value = true;
                    // ReadyForQuery ('Z', length 5) ends the start-up; every exchange after it is counted.
                    started.Value |= buffer.AsSpan(0, read).IndexOf("Z\0\0\0\u0005"u8) >= 0;
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
        }

        _stop.Dispose();
    }

    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }
}
