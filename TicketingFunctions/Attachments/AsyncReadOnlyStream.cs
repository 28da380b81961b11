namespace TicketingFunctions.Attachments;

/// <summary>
/// A forward-only stream over a request body that is read asynchronously only: a synchronous read would block a
/// thread on the network. Subclasses implement <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>; every other
/// member a read-only stream has is answered here once (the array overload forwards to it, the rest is refused).
/// </summary>
public abstract class AsyncReadOnlyStream : Stream
{
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Uploads are read asynchronously only.");

    public sealed override int Read(Span<byte> buffer) =>
        throw new NotSupportedException("Uploads are read asynchronously only.");

    public sealed override int ReadByte() =>
        throw new NotSupportedException("Uploads are read asynchronously only.");

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    /// <summary>Unknown unless a subclass counts what it has read.</summary>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
