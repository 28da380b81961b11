using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>
/// Reads a JSON request body within <see cref="RequestLimits"/>: not declared as JSON → 415, too big → 413, not JSON,
/// too deep or a string too long → 400 keyed "body"; a body whose HTTP framing is broken (a malformed chunk) → 400
/// keyed "body", one that stops arriving (a stalled chunk, fewer bytes than its Content-Length) → 408. Never throws
/// for bad input.
/// </summary>
public sealed partial class JsonBodyReader(IOptions<RequestLimits> options, ILogger<JsonBodyReader>? logger = null)
{
    private readonly RequestLimits _limits = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public const string JsonMediaType = "application/json";

    public RequestLimits Limits => _limits;

    /// <summary>
    /// As <see cref="ReadAsync(Stream, long?, string?, CancellationToken)"/>, for a request whose headers were checked
    /// into <paramref name="errors"/> already: a body that is not valid JSON adds its reasons there, and the 400 then
    /// names both.
    /// </summary>
    public async Task<Outcome<JsonDocument>> ReadAsync(Stream body, long? contentLength, string? contentType, ValidationErrors errors,
        CancellationToken cancellationToken)
    {
        var read = await ReadAsync(body, contentLength, contentType, cancellationToken);
        if (read.Error is not { Kind: ApiErrorKind.InvalidInput } unreadable) return read;
        foreach (var (key, messages) in unreadable.Reasons ?? new Dictionary<string, List<string>>()) errors.AddAll(key, messages);
        return ApiError.Invalid(errors);
    }

    public async Task<Outcome<JsonDocument>> ReadAsync(Stream body, long? contentLength, string? contentType, CancellationToken cancellationToken)
    {
        if (!IsJson(contentType)) return ApiError.UnsupportedMediaType;
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
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken);
                }
                catch (BadHttpRequestException ex)
                {
                    // The server refused the body's transport (Kestrel under both hosts): the client's fault, not ours.
                    LogUnreadable(_logger, ex.StatusCode, ex.Message);
                    return ex.StatusCode switch
                    {
                        StatusCodes.Status408RequestTimeout => ApiError.RequestTimeout,
                        StatusCodes.Status413PayloadTooLarge => ApiError.PayloadTooLarge(_limits.MaxBodyBytes),
                        _ => Unframed,
                    };
                }
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

    private static readonly ApiError Unframed = ApiError.Invalid(new Dictionary<string, List<string>>
    {
        ["body"] = ["Request body could not be read: its HTTP framing is invalid (for example a malformed chunk)"],
    });

    /// <summary>application/json, with no parameter but an optional charset=utf-8 (any case, quoted or not).</summary>
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return false;
        if (!parsed.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var parameter in parsed.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) return false;
            if (!HeaderUtilities.RemoveQuotes(parameter.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    // The server's message names the cause ("Unexpected end of request content", "Bad chunk size data"); no request data.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Request body refused by the server ({Status}): {Reason}")]
    private static partial void LogUnreadable(ILogger logger, int status, string reason);

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
                    if (raw.Length > _limits.MaxStringLength && TextLength.Exceeds(reader.GetString(), _limits.MaxStringLength))
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
