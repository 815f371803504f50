namespace Moosermail.Core.Inbox;

/// <summary>
/// An attachment being streamed from Resend. <see cref="Content"/> owns the upstream response: disposing it ends the
/// download; reading past <see cref="InboxOptions.MaxAttachmentBytes"/> throws, so a lying Content-Length cannot
/// stream more than the cap.
/// </summary>
public sealed record AttachmentDownload(Stream Content, string ContentType, string FileName, long? Length);

/// <summary>Wraps the upstream body: counts bytes against the cap and disposes the response with the stream.</summary>
internal sealed class CappedStream(Stream inner, IDisposable owner, long maxBytes) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        if (_read > maxBytes)
        {
            throw new IOException($"The attachment is larger than the {maxBytes}-byte limit; the download was stopped.");
        }

        return read;
    }
}
