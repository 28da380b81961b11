using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>
/// Reads a JSON request body within <see cref="RequestLimits"/>: too big → 413, not JSON, too deep or a string
/// too long → 400 keyed "body". Never throws for bad input.
/// </summary>
public sealed class JsonBodyReader(IOptions<RequestLimits> options)
{
    private readonly RequestLimits _limits = options.Value;

    public RequestLimits Limits => _limits;

    public async Task<Outcome<JsonDocument>> ReadAsync(Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        if (contentLength > _limits.MaxBodyBytes) return ApiError.PayloadTooLarge(_limits.MaxBodyBytes);

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(contentLength ?? 4096, _limits.MaxBodyBytes) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > _limits.MaxBodyBytes) return ApiError.PayloadTooLarge(_limits.MaxBodyBytes);
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _limits.MaxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken);
                if (read == 0) break;
                length += read;
                if (length > _limits.MaxBodyBytes) return ApiError.PayloadTooLarge(_limits.MaxBodyBytes);
            }

            var problem = Scan(buffer.AsSpan(0, length));
            if (problem is not null)
            {
                var errors = new ValidationErrors();
                errors.Add("body", problem);
                return ApiError.Invalid(errors);
            }
            // Scan proved the text is JSON within the limits; the copy outlives the pooled buffer.
            return JsonDocument.Parse(buffer.AsMemory(0, length).ToArray(), new JsonDocumentOptions { MaxDepth = _limits.MaxDepth + 1 });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One pass over the body: valid JSON, nesting and string lengths. Null when fine.</summary>
    private string? Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4096 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= _limits.MaxDepth)
                    return $"Request body is nested deeper than {_limits.MaxDepth} levels";
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    // The reader does not check the text of strings: invalid UTF-8 and lone-surrogate escapes
                    // would only fail later, when a value is read. Escaped strings are decoded to check them.
                    var raw = reader.ValueSpan;
                    if (reader.ValueIsEscaped ? reader.GetString() is null : !System.Text.Unicode.Utf8.IsValid(raw))
                        return "Request body is not valid JSON";
                    // Bytes bound characters from above, so only long values need decoding to count.
                    if (raw.Length > _limits.MaxStringLength && reader.GetString()!.Length > _limits.MaxStringLength)
                        return $"Request body has a string longer than {_limits.MaxStringLength} characters";
                }
            }
            return reader.BytesConsumed == 0 ? "Request body is not valid JSON" : null;
        }
        catch (JsonException)
        {
            return "Request body is not valid JSON";
        }
        catch (InvalidOperationException)
        {
            // GetString on invalid UTF-8 or a lone surrogate escape.
            return "Request body is not valid JSON";
        }
    }
}
