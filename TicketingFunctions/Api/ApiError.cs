using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

public enum ApiErrorKind
{
    /// <summary>401 AUTHENTICATION_FAILURE: no valid token.</summary>
    Unauthenticated,
    /// <summary>308 TICKET_MOVED with Location: the ticket was moved to another ticket type; <see cref="ApiError.MovedTo"/> names its newest successor.</summary>
    Moved,
    /// <summary>400 INPUT_VALIDATION_FAILURE, with a reason per key.</summary>
    InvalidInput,
    /// <summary>404 Tenant not found.</summary>
    TenantNotFound,
    /// <summary>401 USER_PERMISSION_FAILURE: authenticated, but not allowed.</summary>
    PermissionDenied,
    /// <summary>404 with an HTML body: an unknown team or item type in the path.</summary>
    RouteTargetNotFound,
    /// <summary>403 FORBIDDEN: the caller's roles or teams can't use this team or ticket type; the message names which.</summary>
    Forbidden,
    /// <summary>404 TICKET_NOT_FOUND (JSON): no ticket with this objectId in the caller's tenant.</summary>
    TicketNotFound,
    /// <summary>404 ATTACHMENT_NOT_FOUND (JSON): the ticket is readable but has no attachment with this id.</summary>
    AttachmentNotFound,
    /// <summary>404 COMMENT_NOT_FOUND (JSON): the ticket is readable but has no comment with this id that the caller may see.</summary>
    CommentNotFound,
    /// <summary>404 WEBHOOK_NOT_FOUND (JSON): no webhook subscription with this id in the caller's tenant.</summary>
    WebhookNotFound,
    /// <summary>412 ETAG_MISMATCH: the etag sent is not the ticket's current one; nothing was changed.</summary>
    EtagMismatch,
    /// <summary>428 ETAG_REQUIRED: an update sent no etag, in the body or in If-Match.</summary>
    EtagRequired,
    /// <summary>413: the body is larger than the limit.</summary>
    PayloadTooLarge,
    /// <summary>415 UNSUPPORTED_MEDIA_TYPE: a body that is not declared as application/json (UTF-8).</summary>
    UnsupportedMediaType,
    /// <summary>408 REQUEST_TIMEOUT: the body did not arrive in time (the server's minimum data rate).</summary>
    RequestTimeout,
    /// <summary>422: an Idempotency-Key reused with another request.</summary>
    IdempotencyKeyReused,
    /// <summary>409 with Retry-After: a request with the same Idempotency-Key is still running.</summary>
    IdempotencyInProgress,
    /// <summary>429 UPLOAD_QUOTA_EXCEEDED with Retry-After: the caller's pending uploads are at their cap.</summary>
    UploadQuotaExceeded,
    /// <summary>503 with Retry-After: the store is throttling or unavailable.</summary>
    Unavailable,
    /// <summary>500: anything unexpected. The message never carries internals.</summary>
    Internal,
}

/// <summary>A refusal, in terms of the contract; the functions turn it into an HTTP response.</summary>
public sealed record ApiError(
    ApiErrorKind Kind,
    string Message,
    IReadOnlyDictionary<string, List<string>>? Reasons = null,
    TimeSpan? RetryAfter = null,
    string? MovedTo = null,
    string? MovedFrom = null)
{
    /// <summary>Ticket <paramref name="tombstone"/> was moved: every operation on it is sent to <paramref name="successor"/>, its newest successor.</summary>
    public static ApiError Moved(string tombstone, string successor) =>
        new(ApiErrorKind.Moved, $"The ticket was moved; it is now {successor}", MovedTo: successor, MovedFrom: tombstone);

    public static ApiError Unauthenticated(string message = "The access token is missing, invalid or expired") =>
        new(ApiErrorKind.Unauthenticated, message);

    public static ApiError Invalid(IReadOnlyDictionary<string, List<string>> reasons, string message = ErrorMessages.Validation) =>
        new(ApiErrorKind.InvalidInput, message, reasons);

    public static readonly ApiError TenantNotFound = new(ApiErrorKind.TenantNotFound, "Tenant not found");

    public static ApiError PermissionDenied(string operation) =>
        new(ApiErrorKind.PermissionDenied, $"You do not have the required permissions to {operation}");

    public static readonly ApiError ApplicationNotMapped =
        new(ApiErrorKind.PermissionDenied, "The calling application is not mapped to a ticketing tenant");

    public static ApiError RouteTargetNotFound(string message) => new(ApiErrorKind.RouteTargetNotFound, message);

    public static ApiError PayloadTooLarge(long maxBytes) =>
        new(ApiErrorKind.PayloadTooLarge, $"The request body is larger than {maxBytes} bytes");

    public static readonly ApiError UnsupportedMediaType = new(ApiErrorKind.UnsupportedMediaType,
        "The request body must be sent as Content-Type: application/json (optionally with charset=utf-8)");

    public static readonly ApiError RequestTimeout = new(ApiErrorKind.RequestTimeout,
        "The request body did not arrive in time; send it again");

    public static readonly ApiError IdempotencyKeyReused =
        new(ApiErrorKind.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request");

    public static readonly ApiError IdempotencyInProgress =
        new(ApiErrorKind.IdempotencyInProgress, "A request with this Idempotency-Key is still in progress", RetryAfter: TimeSpan.FromSeconds(1));

    public static ApiError ForbiddenTeam(string teamId) =>
        new(ApiErrorKind.Forbidden, $"Your teams do not include team {teamId}");

    /// <summary>The event feed tells of every team's tickets: tenant admins and mapped applications only (<c>Permissions.CanReadEvents</c>).</summary>
    public static readonly ApiError ForbiddenEvents =
        new(ApiErrorKind.Forbidden, "Only a tenant admin or a mapped application may read the event feed");

    public static ApiError ForbiddenType(string itemTypeId) =>
        new(ApiErrorKind.Forbidden, $"Your roles may not use ticket type {itemTypeId}");

    /// <summary>A move the ticket's workflow has, which the caller's roles (and, where it counts, not being the requester) don't allow.</summary>
    public static ApiError ForbiddenTransition(RefusedMove move) =>
        new(ApiErrorKind.Forbidden, move.RequesterMay
            ? $"Your roles may not move this ticket from {move.From} to {move.To}; only its requester or an agent may"
            : $"Your roles may not move this ticket from {move.From} to {move.To}");

    public static ApiError ForbiddenRemovedType(string itemTypeId) =>
        new(ApiErrorKind.Forbidden, $"Ticket type {itemTypeId} is no longer in the catalog; only a tenant admin may open its tickets");

    public static readonly ApiError TicketNotFound = new(ApiErrorKind.TicketNotFound, "Ticket not found");

    public static readonly ApiError AttachmentNotFound = new(ApiErrorKind.AttachmentNotFound, "Attachment not found");

    public static readonly ApiError CommentNotFound = new(ApiErrorKind.CommentNotFound, "Comment not found");

    public static ApiError CommentNotEditable(string reason) => new(ApiErrorKind.Forbidden, reason);

    public static readonly ApiError CommentEtagRequired = new(ApiErrorKind.EtagRequired,
        "An edit needs the comment's current etag in an If-Match header");

    public static readonly ApiError CommentEtagMismatch = new(ApiErrorKind.EtagMismatch,
        "The comment was changed since this etag was read; read it again and retry with its current etag");
    public static readonly ApiError WebhookNotFound = new(ApiErrorKind.WebhookNotFound, "Webhook subscription not found");

    /// <summary>Webhook subscriptions send every team's events outside: tenant admins only (<c>Permissions.CanManageWebhooks</c>).</summary>
    public static readonly ApiError ForbiddenWebhooks =
        new(ApiErrorKind.Forbidden, "Only a tenant admin may manage webhook subscriptions");

    public static ApiError AttachmentTooLarge(long maxBytes) =>
        new(ApiErrorKind.PayloadTooLarge, $"The attachment is larger than {maxBytes} bytes");

    public static ApiError UploadQuotaExceeded(int maxUploads, long maxBytes, TimeSpan retryAfter) =>
        new(ApiErrorKind.UploadQuotaExceeded,
            $"Your pending uploads are at their limit ({maxUploads} uploads, {maxBytes} bytes): link or let some expire, then retry",
            RetryAfter: retryAfter);

    public static readonly ApiError DeleteEtagRequired = new(ApiErrorKind.EtagRequired,
        "A delete needs the ticket's current etag in an If-Match header");

    public static readonly ApiError EtagMismatch = new(ApiErrorKind.EtagMismatch,
        "The ticket was changed since this etag was read; read the ticket again and retry with its current etag");

    public static readonly ApiError EtagRequired = new(ApiErrorKind.EtagRequired,
        "An update needs the ticket's current etag, in the body's etag or in an If-Match header");

    public static ApiError Unavailable(TimeSpan retryAfter) =>
        new(ApiErrorKind.Unavailable, "The service is temporarily unavailable, please retry", RetryAfter: retryAfter);

    public static readonly ApiError Internal = new(ApiErrorKind.Internal, "An unexpected error occurred");
}

public static class ErrorMessages
{
    public const string Validation = "There occured an error during ticket data validation";
}

public static class ErrorCodes
{
    public const string AuthenticationFailure = "AUTHENTICATION_FAILURE";
    public const string InputValidationFailure = "INPUT_VALIDATION_FAILURE";
    public const string UserPermissionFailure = "USER_PERMISSION_FAILURE";
    public const string TenantNotFound = "TENANT_NOT_FOUND";
    public const string Forbidden = "FORBIDDEN";
    public const string TicketNotFound = "TICKET_NOT_FOUND";
    public const string TicketMoved = "TICKET_MOVED";
    public const string AttachmentNotFound = "ATTACHMENT_NOT_FOUND";
    public const string CommentNotFound = "COMMENT_NOT_FOUND";
    public const string WebhookNotFound = "WEBHOOK_NOT_FOUND";
    public const string EtagMismatch = "ETAG_MISMATCH";
    public const string EtagRequired = "ETAG_REQUIRED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RequestTimeout = "REQUEST_TIMEOUT";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string IdempotencyInProgress = "IDEMPOTENCY_IN_PROGRESS";
    public const string UploadQuotaExceeded = "UPLOAD_QUOTA_EXCEEDED";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
}
