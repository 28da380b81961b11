namespace TicketingFunctions.Storage;

/// <summary>The store is throttling or unavailable; the caller may retry after <see cref="RetryAfter"/>.</summary>
public sealed class StoreUnavailableException(string message, TimeSpan retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>A ticket with the same id or display id already exists.</summary>
public sealed class TicketConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The ticket changed since the caller read it.</summary>
public sealed class EtagMismatchException(string message, Exception? inner = null) : Exception(message, inner);
