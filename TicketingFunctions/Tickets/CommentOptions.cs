namespace TicketingFunctions.Tickets;

/// <summary>Settings of comments (section <c>Comments</c>).</summary>
public sealed class CommentOptions
{
    public const string SectionName = "Comments";

    /// <summary>How long after writing it an author may correct a comment (<c>Comments__EditWindowMinutes</c>, 15 by default).</summary>
    public int EditWindowMinutes { get; set; } = 15;

    public TimeSpan EditWindow => TimeSpan.FromMinutes(Math.Max(0, EditWindowMinutes));
}
