using System.Globalization;

namespace TicketingFunctions.Tickets;

/// <summary>Which page of a ticket's comments a request asks for: <c>limit</c> comments after the cursor <c>after</c> (from the previous page's <c>nextAfter</c>).</summary>
public readonly record struct CommentPageRequest(string? After, int Limit)
{
    public const string LimitParameter = "limit";
    public const string AfterParameter = "after";
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static CommentPageRequest Parse(string? limit, string? after, ValidationErrors errors)
    {
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            errors.Add(LimitParameter, $"Query parameter limit must be a whole number from 1 to {MaxLimit}");
        if (after is not null && after.Length is 0 or > Listing.ContinuationTokens.MaxTokenLength)
            errors.Add(AfterParameter, "Query parameter after must be the nextAfter of a previous page of this ticket's comments");
        return new CommentPageRequest(after, size);
    }
}
