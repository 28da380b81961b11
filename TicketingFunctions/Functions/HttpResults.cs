using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;

namespace TicketingFunctions.Functions;

/// <summary>Maps outcomes to HTTP. Results write themselves, so they run the same under both hosts without MVC.</summary>
public static class HttpResults
{
    public static IActionResult Json<T>(int status, T value, JsonTypeInfo<T> typeInfo, params (string Name, string Value)[] headers) =>
        new JsonBodyResult<T>(status, value, typeInfo, headers);

    /// <summary>The ticket's etag as the ETag header sends it: quoted, as If-Match takes it back.</summary>
    public static (string Name, string Value) ETag(Tickets.Ticket ticket) => (HeaderNames.ETag, $"\"{ticket.Etag}\"");

    /// <summary>
    /// The etag of an If-Match header, quoted (<c>"…"</c>, as <see cref="ETag"/> sends it) or not. Only one strong etag
    /// is accepted: <c>*</c> would skip the concurrency check, and a weak etag never matches under If-Match.
    /// </summary>
    public static IfMatch ParseIfMatch(string? header)
    {
        if (header is null) return IfMatch.Absent;
        var text = header.Trim();
        string? problem = null;
        if (text.Length == 0) problem = "Header If-Match must not be empty";
        else if (text == "*") problem = "Header If-Match must name the ticket's etag; * is not accepted";
        else if (text.StartsWith("W/", StringComparison.Ordinal)) problem = "Header If-Match must be a strong etag; a weak one (W/) never matches";
        else if (text.Contains(',')) problem = "Header If-Match must name exactly one etag";
        else if (text[0] == '"')
        {
            if (text.Length < 2 || text[^1] != '"' || text[1..^1].Contains('"')) problem = "Header If-Match is not a well-formed etag";
            else if (text[1..^1].Trim().Length == 0) problem = "Header If-Match must not be empty";
            else text = text[1..^1];
        }
        else if (text.Contains('"')) problem = "Header If-Match is not a well-formed etag";
        return problem is null ? new IfMatch(text, null) : new IfMatch(null, problem);
    }

    /// <summary>The request's If-Match header, read by <see cref="ParseIfMatch"/>.</summary>
    public static IfMatch IfMatchOf(HttpRequest request) =>
        ParseIfMatch(request.Headers.TryGetValue(HeaderNames.IfMatch, out var values) ? values.ToString() : null);

    /// <summary>A JSON body written by <paramref name="write"/> (e.g. from bytes a store holds), buffered as <see cref="Json"/>'s is.</summary>
    public static IActionResult JsonWrittenBy(int status, Action<IBufferWriter<byte>> write) => new WrittenJsonResult(status, write);

    /// <summary>A body written as is, e.g. a document served verbatim.</summary>
    public static IActionResult Bytes(int status, string contentType, ReadOnlyMemory<byte> body) => new BytesResult(status, contentType, body);

    /// <summary>A stream copied to the response as it is read (a download), then disposed.</summary>
    public static IActionResult Stream(int status, string contentType, long? length, Stream body, params (string Name, string Value)[] headers) =>
        new StreamResult(status, contentType, length, body, headers);

    public static IActionResult Error(ApiError error, HttpRequest request)
    {
        return error.Kind switch
        {
            ApiErrorKind.Unauthenticated => ErrorJson(401, ErrorCodes.AuthenticationFailure, error, (HeaderNames.WWWAuthenticate, Auth.TokenRefusal.Challenge(request.HttpContext))),
            ApiErrorKind.InvalidInput => Json(400,
                new ErrorResponse(ErrorCodes.InputValidationFailure, error.Message, 400, new ValidationResult(false, error.Reasons ?? new Dictionary<string, List<string>>())),
                ApiJsonContext.Default.ErrorResponse),
            ApiErrorKind.Moved => Json(308, new MovedTicketResponse(ErrorCodes.TicketMoved, error.Message, 308, error.MovedTo!), ApiJsonContext.Default.MovedTicketResponse,
                (HeaderNames.Location, MovedLocation(request, error.MovedFrom!, error.MovedTo!))),
            ApiErrorKind.TenantNotFound => ErrorJson(404, ErrorCodes.TenantNotFound, error),
            ApiErrorKind.PermissionDenied => ErrorJson(401, ErrorCodes.UserPermissionFailure, error),
            ApiErrorKind.RouteTargetNotFound => new HtmlResult(404, NotFoundPage(request, error.Message)),
            ApiErrorKind.Forbidden => ErrorJson(403, ErrorCodes.Forbidden, error),
            ApiErrorKind.TicketNotFound => ErrorJson(404, ErrorCodes.TicketNotFound, error),
            ApiErrorKind.AttachmentNotFound => ErrorJson(404, ErrorCodes.AttachmentNotFound, error),
            ApiErrorKind.CommentNotFound => ErrorJson(404, ErrorCodes.CommentNotFound, error),
            ApiErrorKind.WebhookNotFound => ErrorJson(404, ErrorCodes.WebhookNotFound, error),
            ApiErrorKind.EtagMismatch => ErrorJson(412, ErrorCodes.EtagMismatch, error),
            ApiErrorKind.EtagRequired => ErrorJson(428, ErrorCodes.EtagRequired, error),
            ApiErrorKind.PayloadTooLarge => ErrorJson(413, ErrorCodes.PayloadTooLarge, error),
            ApiErrorKind.UnsupportedMediaType => ErrorJson(415, ErrorCodes.UnsupportedMediaType, error),
            ApiErrorKind.RequestTimeout => ErrorJson(408, ErrorCodes.RequestTimeout, error),
            ApiErrorKind.IdempotencyKeyReused => ErrorJson(422, ErrorCodes.IdempotencyKeyReused, error),
            ApiErrorKind.IdempotencyInProgress => ErrorJson(409, ErrorCodes.IdempotencyInProgress, error, (HeaderNames.RetryAfter, RetryAfterSeconds(error))),
            ApiErrorKind.UploadQuotaExceeded => ErrorJson(429, ErrorCodes.UploadQuotaExceeded, error, (HeaderNames.RetryAfter, RetryAfterSeconds(error))),
            ApiErrorKind.Unavailable => ErrorJson(503, ErrorCodes.ServiceUnavailable, error, (HeaderNames.RetryAfter, RetryAfterSeconds(error))),
            _ => ErrorJson(500, ErrorCodes.InternalError, error),
        };
    }

    private const string TicketPath = "/api/" + Routes.TicketPrefix;

    /// <summary>The URL path of the ticket with display id <paramref name="objectId"/> (a Location header).</summary>
    public static string TicketLocation(HttpRequest request, string objectId) =>
        string.Concat(request.PathBase.Value, TicketPath, Uri.EscapeDataString(objectId));

    /// <summary>
    /// The same operation's URL on the successor: the request's path with the tombstone's display id replaced (its
    /// first segment that is that id), so that a client following the 308 (as HTTP clients do, keeping method and body)
    /// repeats its request there: a read reads the successor, a write meets the successor's etag (412 for the old one).
    /// </summary>
    public static string MovedLocation(HttpRequest request, string tombstone, string successor)
    {
        var segments = (request.Path.Value ?? "").Split('/');
        var at = Array.FindIndex(segments, s => Uri.UnescapeDataString(s) == tombstone);
        var path = at < 0
            ? "/api/" + Routes.TicketPrefix + Uri.EscapeDataString(successor)   // not expected: every ticket route names the id
            : string.Join('/', segments.Select((s, i) => i == at ? Uri.EscapeDataString(successor) : s));
        // Absolute: a client's redirect handler keeps the Authorization header for the same origin only, and compares
        // origins (a relative Location has none).
        return string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, path);
    }

    private static string RetryAfterSeconds(ApiError error) =>
        ((int)Math.Ceiling((error.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static IActionResult ErrorJson(int status, string code, ApiError error, params (string, string)[] headers) =>
        Json(status, new ErrorResponse(code, error.Message, status), ApiJsonContext.Default.ErrorResponse, headers);

    private static string NotFoundPage(HttpRequest request, string message)
    {
        var encoder = HtmlEncoder.Default;
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Not Found</title>
            </head>
            <body>
            <pre>{encoder.Encode(message)}: cannot {encoder.Encode(request.Method)} {encoder.Encode(request.Path.ToString())}</pre>
            </body>
            </html>

            """;
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_body;
    [ThreadStatic] private static Utf8JsonWriter? t_jsonWriter;
    private const int MaxRetainedBody = 256 * 1024;

    /// <summary>
    /// A JSON body written whole into this thread's reused buffer (synchronously: no await while the buffer is in use),
    /// then sent with its Content-Length in one write. Written straight into the response's pipe instead, the body
    /// could only go out chunked: the headers and the body at the flush, the closing chunk in a second send.
    /// </summary>
    private static Task WriteBufferedAsync<TState>(HttpContext httpContext, TState state, Action<IBufferWriter<byte>, TState> write)
    {
        var buffer = t_body ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        write(buffer, state);
        var response = httpContext.Response;
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > MaxRetainedBody) t_body = null;   // a rare big page: not kept for the thread's lifetime
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    // Each result is also an IResult, so the standalone host runs it without building an MVC ActionContext.
    private sealed class JsonBodyResult<T>(int status, T value, JsonTypeInfo<T> typeInfo, (string Name, string Value)[] headers) : IActionResult, IResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            foreach (var (name, headerValue) in headers) response.Headers[name] = headerValue;
            response.ContentType = "application/json; charset=utf-8";
            return WriteBufferedAsync(httpContext, (value, typeInfo), static (buffer, state) =>
            {
                // The escaping is the writer's, so that the type info can come from ApiJsonContext.Default, whose
                // generated fast path needs encoder-free options.
                var writer = t_jsonWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true });
                writer.Reset(buffer);
                JsonSerializer.Serialize(writer, state.value, state.typeInfo);
            });
        }
    }

    private sealed class WrittenJsonResult(int status, Action<IBufferWriter<byte>> write) : IActionResult, IResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            return WriteBufferedAsync(httpContext, write, static (buffer, write) => write(buffer));
        }
    }

    private sealed class HtmlResult(int status, string html) : IActionResult, IResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            return response.WriteAsync(html, httpContext.RequestAborted);
        }
    }

    private sealed class BytesResult(int status, string contentType, ReadOnlyMemory<byte> body) : IActionResult, IResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    private sealed class StreamResult(int status, string contentType, long? length, Stream body, (string Name, string Value)[] headers) : IActionResult, IResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (body)
            {
                var response = httpContext.Response;
                response.StatusCode = status;
                foreach (var (name, headerValue) in headers) response.Headers[name] = headerValue;
                response.ContentType = contentType;
                response.ContentLength = length;
                await body.CopyToAsync(response.Body, 64 * 1024, httpContext.RequestAborted);
            }
        }
    }
}
