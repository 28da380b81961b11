using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>
/// An If-Match header as read (<c>HttpResults.ParseIfMatch</c>): the etag it names, or the reason it is refused, or
/// neither when the header was not sent. The service reports <see cref="Problem"/> where its check order puts it.
/// </summary>
public readonly record struct IfMatch(string? Etag, string? Problem)
{
    public const string Header = "If-Match";

    public static readonly IfMatch Absent = new(null, null);

    /// <summary>Adds <see cref="Problem"/>, if any, keyed by the header; the etag, or null.</summary>
    public string? CheckInto(ValidationErrors errors)
    {
        if (Problem is not null) errors.Add(Header, Problem);
        return Etag;
    }
}
