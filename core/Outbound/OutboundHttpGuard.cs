using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Moosermail.Core.Errors;

namespace Moosermail.Core.Outbound;

/// <summary>
/// The one way Moosermail posts to a URL a team gave it (outbound webhooks, pipes). Hand-written on
/// SocketsHttpHandler because no library on the mirror checks addresses at connect time: the name is resolved
/// in <see cref="SocketsHttpHandler.ConnectCallback"/>, every address is checked, and the socket connects to a
/// checked address itself, so a DNS answer that changes between the check and the connect (rebinding) cannot
/// reach a refused address. No proxy, no redirects (a 3xx is a failure), connect and whole-exchange timeouts, and
/// at most <see cref="OutboundSettings.ResponseSizeCap"/> bytes of the answer are read.
/// </summary>
public sealed class OutboundHttpGuard(OutboundSettings settings, IOutboundHostResolver resolver, IHttpClientFactory clients)
{
    public const string HttpClientName = "moosermail-outbound";
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// Save-time check of a URL a team submits: https (http only with the development switch), no credentials, and a
    /// host whose every address is allowed.
    /// </summary>
    /// <exception cref="ValidationFailedException">Naming <paramref name="field"/>, with the reason.</exception>
    public async Task<Uri> ValidateAsync(string? url, string field, CancellationToken cancellationToken)
    {
        try
        {
            var uri = Parse(url);
            await CheckHostAsync(uri.IdnHost, cancellationToken);
            return uri;
        }
        catch (OutboundRefusedException ex)
        {
            throw new ValidationFailedException(field, ex.Message);
        }
    }

    /// <summary>
    /// POSTs <paramref name="body"/> as JSON with <paramref name="headers"/>, checking the URL and every address again
    /// (DNS can change after the save). Never throws for the receiver's behaviour: the result says what happened.
    /// </summary>
    public async Task<OutboundResult> PostJsonAsync(Uri url, byte[] body, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            Parse(url.OriginalString);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ResponseTimeout);
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ReadCappedAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            var error = status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"answered {status} (a redirect); redirects are not followed",
                _ => $"answered {status}",
            };
            return new OutboundResult(status, error, Stopwatch.GetElapsedTime(started), excerpt);
        }
        catch (OutboundRefusedException ex)
        {
            return new OutboundResult(null, $"refused: {ex.Message}", Stopwatch.GetElapsedTime(started), null);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundRefusedException refused)
        {
            return new OutboundResult(null, $"refused: {refused.Message}", Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new OutboundResult(null, $"no answer within {settings.ResponseTimeout.TotalSeconds:0} s", Stopwatch.GetElapsedTime(started), null);
        }
        catch (HttpRequestException ex)
        {
            return new OutboundResult(null, $"could not connect or read the answer ({ex.HttpRequestError})", Stopwatch.GetElapsedTime(started), null);
        }
    }

    /// <summary>The primary handler of the named client: no proxy, no redirects, no cookies, and the checked connect.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = settings.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        MaxResponseHeadersLength = 16,
        ConnectCallback = ConnectCheckedAsync,
    };

    private async ValueTask<Stream> ConnectCheckedAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await CheckHostAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connects to the addresses just checked, never to the name: a second lookup could answer differently.
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Uri Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new OutboundRefusedException("A URL is required.");
        }

        if (url.Length > MaxUrlLength)
        {
            throw new OutboundRefusedException($"The URL is longer than {MaxUrlLength} characters.");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new OutboundRefusedException("Not an absolute URL.");
        }

        var httpAllowed = settings.AllowPrivate && uri.Scheme == Uri.UriSchemeHttp;
        if (uri.Scheme != Uri.UriSchemeHttps && !httpAllowed)
        {
            throw new OutboundRefusedException("Only https URLs are accepted.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new OutboundRefusedException("Credentials in the URL are not accepted; put them in the path or query if you must.");
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            throw new OutboundRefusedException("A URL fragment is never sent; remove it.");
        }

        return uri;
    }

    private async Task<IPAddress[]> CheckHostAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            // *.localhost is loopback by RFC 6761 whatever a resolver says.
            if (!settings.AllowPrivate && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
            {
                throw new OutboundRefusedException($"{host} is a loopback name.");
            }

            try
            {
                addresses = await resolver.ResolveAsync(host, cancellationToken);
            }
            catch (SocketException)
            {
                throw new OutboundRefusedException($"{host} does not resolve.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new OutboundRefusedException($"{host} does not resolve.");
        }

        foreach (var address in addresses)
        {
            if (OutboundAddressPolicy.Refusal(address, settings.AllowPrivate) is { } reason)
            {
                throw new OutboundRefusedException($"{host} resolves to {address}, {reason}.");
            }
        }

        return addresses;
    }

    private async Task<string?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[settings.ResponseSizeCap];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(total, 500));
        return total == 0 ? null : text;
    }
}
