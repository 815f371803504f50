using System.Net;

namespace Moosermail.Tests.Integration.Abuse;

/// <summary>
/// A body of <c>size</c> bytes sent without Content-Length (chunked transfer encoding), so a server that
/// only checks the header would read it all.
/// </summary>
public sealed class ChunkedContent : HttpContent
{
    private readonly long _size;
    private readonly byte _fill;

    public ChunkedContent(long size, string mediaType, byte fill = (byte)'a')
    {
        _size = size;
        _fill = fill;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, _fill);
        try
        {
            for (long sent = 0; sent < _size; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, _size - sent)));
            }
        }
        catch (IOException)
        {
            // The server answered (413) and closed the request before the whole body was sent.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
