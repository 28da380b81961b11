using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TicketingFunctions.Attachments;

/// <summary>
/// The bytes of the one file part of a multipart upload. It reports its end only once the whole body is known to be
/// well formed: the part closed by its boundary and no part after it. Anything else throws
/// <see cref="MalformedUploadException"/> from the read, before the end, so a store streaming it keeps nothing.
/// The server's own refusals of the transport (<see cref="BadHttpRequestException"/>: a stall, a bad chunk) pass
/// through unchanged, to be answered 408 or 400 by what they say.
/// </summary>
public sealed class MultipartFileStream(Stream section, MultipartReader reader) : AsyncReadOnlyStream
{
    public const string UnterminatedReason = "The multipart/form-data body ends before its file part is closed by its boundary";
    public const string ExtraPartReason = "A multipart/form-data upload must have exactly one part, the file";

    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended || buffer.IsEmpty) return 0;
        var read = await Guard(() => section.ReadAsync(buffer, cancellationToken).AsTask());
        if (read > 0) return read;
        if (await Guard(() => reader.ReadNextSectionAsync(cancellationToken)) is not null) throw new MalformedUploadException(ExtraPartReason);
        _ended = true;
        return 0;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (IOException e) when (e is not BadHttpRequestException)
        {
            // The multipart reader's "Unexpected end of Stream": the body ended inside the part or its headers.
            throw new MalformedUploadException(UnterminatedReason);
        }
        catch (InvalidDataException)
        {
            // Part headers too long, or not headers at all.
            throw new MalformedUploadException(UnterminatedReason);
        }
    }
}
