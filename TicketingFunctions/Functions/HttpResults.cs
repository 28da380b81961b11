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
            ApiErrorKind.TenantNotFound => ErrorJson(404, ErrorCodes.TenantNotFound, error),
            ApiErrorKind.PermissionDenied => ErrorJson(401, ErrorCodes.UserPermissionFailure, error),
            ApiErrorKind.RouteTargetNotFound => new HtmlResult(404, NotFoundPage(request, error.Message)),
            ApiErrorKind.Forbidden => ErrorJson(403, ErrorCodes.Forbidden, error),
            ApiErrorKind.TicketNotFound => ErrorJson(404, ErrorCodes.TicketNotFound, error),
            ApiErrorKind.AttachmentNotFound => ErrorJson(404, ErrorCodes.AttachmentNotFound, error),
            ApiErrorKind.CommentNotFound => ErrorJson(404, ErrorCodes.CommentNotFound, error),
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
            // Serialized in one synchronous pass into the body's pipe buffer (no I/O happens there); the server
            // sends it when the request completes, or at the flush below. The async serializer's resumable state
            // is only worth it for bodies far bigger than these. The escaping is the writer's, so that the
            // type info can come from ApiJsonContext.Default, whose generated fast path needs encoder-free options.
            using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true }))
                JsonSerializer.Serialize(writer, value, typeInfo);
            return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
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
            write(response.BodyWriter);   // into the pipe's buffer, no I/O; sent at the flush, as JsonBodyResult does
            return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
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
