using System.Security.Cryptography;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>
/// The bytes of an upload as they arrive: a forward-only stream over the request body that counts and hashes
/// (SHA-256) what passes through and throws <see cref="AttachmentTooLargeException"/> as soon as more than
/// <see cref="MaxBytes"/> arrive. Nothing is buffered beyond the reader's own buffer, except the first read that
/// <see cref="HasContentAsync"/> keeps to tell an empty upload from a non-empty one.
/// </summary>
public sealed class AttachmentContent(Stream source, long maxBytes) : AsyncReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _peeked;
    private int _peekedOffset;
    private int _peekedCount;
    private byte[]? _sha256;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>How many bytes the reader has taken so far; after the end, the upload's size.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads ahead once: false when the upload has no bytes at all.</summary>
    public async Task<bool> HasContentAsync(CancellationToken cancellationToken)
    {
        if (_peeked is not null || BytesRead > 0) return true;
        var buffer = new byte[16 * 1024];
        var read = await source.ReadAsync(buffer, cancellationToken);
        if (read == 0) return false;
        (_peeked, _peekedOffset, _peekedCount) = (buffer, 0, read);
        return true;
    }

    /// <summary>The lowercase hex SHA-256 of everything read; only after the stream has been read to its end.</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_sha256 ?? throw new InvalidOperationException("The content has not been read to its end."));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        int read;
        if (_peekedCount > 0)
        {
            read = Math.Min(buffer.Length, _peekedCount);
            _peeked.AsMemory(_peekedOffset, read).CopyTo(buffer);
            _peekedOffset += read;
            _peekedCount -= read;
        }
        else
        {
            read = await source.ReadAsync(buffer, cancellationToken);
        }
        if (read == 0)
        {
            _sha256 ??= _hash.GetHashAndReset();
            return 0;
        }
        BytesRead += read;
        if (BytesRead > MaxBytes) throw new AttachmentTooLargeException(MaxBytes);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
