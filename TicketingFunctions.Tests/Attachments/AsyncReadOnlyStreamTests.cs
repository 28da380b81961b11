using TicketingFunctions.Attachments;
using TicketingFunctions.Tests.Architecture;

namespace TicketingFunctions.Tests.Attachments;

/// <summary>The one base of the product's request-body streams (Attachments/AsyncReadOnlyStream.cs).</summary>
public sealed class AsyncReadOnlyStreamTests
{
    [Fact]
    public void Every_stream_the_product_defines_is_an_async_read_only_stream()
    {
        // A new wrapper over a request body gets the refusals of synchronous reads from the base, not a copy of them.
        var streams = MethodBodies.Product.GetTypes().Where(t => typeof(Stream).IsAssignableFrom(t) && t != typeof(AsyncReadOnlyStream)).ToList();
        Assert.NotEmpty(streams);
        Assert.All(streams, t => Assert.True(t.IsSubclassOf(typeof(AsyncReadOnlyStream)), $"{t.FullName} is a Stream but not an AsyncReadOnlyStream"));
    }

    [Fact]
    public async Task Reads_are_asynchronous_only_and_the_array_overload_forwards_to_the_memory_one()
    {
        await using var stream = new Bytes([1, 2, 3]);

        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[3], 0, 3));
        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[3].AsSpan()));
        Assert.Throws<NotSupportedException>(() => stream.ReadByte());
        Assert.Throws<NotSupportedException>(() => stream.CopyTo(Stream.Null));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Equal((true, false, false), (stream.CanRead, stream.CanSeek, stream.CanWrite));

        var buffer = new byte[4];
        Assert.Equal(2, await stream.ReadAsync(buffer, 1, 2, default));
        Assert.Equal(new byte[] { 0, 1, 2, 0 }, buffer);
        var rest = new MemoryStream();
        await stream.CopyToAsync(rest);
        Assert.Equal(new byte[] { 3 }, rest.ToArray());
    }

    private sealed class Bytes(byte[] bytes) : AsyncReadOnlyStream
    {
        private int _at;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, bytes.Length - _at);
            bytes.AsMemory(_at, count).CopyTo(buffer);
            _at += count;
            return ValueTask.FromResult(count);
        }
    }
}
