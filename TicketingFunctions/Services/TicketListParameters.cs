using System.Globalization;
using Microsoft.Extensions.Primitives;
using TicketingFunctions.Api;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>
/// The list operation's query parameters, read and checked. Every problem is reported keyed by its parameter's
/// name; an unknown parameter is refused too (a misspelt filter must not quietly list everything). A new filter is a
/// name in <see cref="Known"/>, a property here, its parse in <see cref="Parse"/> and its value in
/// <see cref="CanonicalFilters"/>.
/// </summary>
public sealed record TicketListParameters
{
    public const string TeamIdParameter = "teamId";
    public const string ItemTypeIdParameter = "itemTypeId";
    public const string StatusTypeParameter = "status_type";
    public const string StatusCategoryParameter = "status_category";
    public const string SubmittedByParameter = "submittedBy";
    public const string CreatedFromParameter = "createdFrom";
    public const string CreatedToParameter = "createdTo";
    public const string UpdatedSinceParameter = "updatedSince";
    public const string ActiveAfterParameter = "activeAfter";
    public const string ActiveBeforeParameter = "activeBefore";
    public const string TextParameter = "q";
    public const string SortParameter = "sort";
    public const string OrderParameter = "order";
    public const string PageSizeParameter = "pageSize";
    public const string ContinuationTokenParameter = "continuationToken";
    public const string IncludeParameter = "include";
    public const string RelatedToParameter = "relatedTo";
    public const string IncludeDeletedParameter = DeletedTickets.IncludeDeletedParameter;
    public const string DeletedSinceParameter = "deletedSince";
    public const string AssigneeParameter = "assignee";
    public const string SlaParameter = "sla";
    public const string IncludeMovedParameter = "includeMoved";

    /// <summary><c>assignee=none</c>: tickets nobody is assigned to.</summary>
    public const string None = "none";
    /// <summary><c>sla=breached</c>: tickets with a breached SLA clock.</summary>
    public const string Breached = "breached";

    /// <summary><c>submittedBy=me</c>: the caller's own tickets.</summary>
    public const string Me = "me";

    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MinTextLength = 2;
    public const int MaxTextLength = 100;
    public const int MaxValueLength = 256;
    public const int MaxValuesPerFilter = 50;

    private static readonly HashSet<string> Known = new(
    [
        TeamIdParameter, ItemTypeIdParameter, StatusTypeParameter, StatusCategoryParameter, SubmittedByParameter,
        CreatedFromParameter, CreatedToParameter, UpdatedSinceParameter, ActiveAfterParameter, ActiveBeforeParameter, TextParameter, SortParameter, OrderParameter,
        PageSizeParameter, ContinuationTokenParameter, IncludeParameter, RelatedToParameter, IncludeDeletedParameter,
        DeletedSinceParameter, AssigneeParameter, SlaParameter, IncludeMovedParameter,
    ], StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> TeamIds { get; init; } = [];
    public IReadOnlyList<string> ItemTypeIds { get; init; } = [];
    public string? StatusType { get; init; }
    public string? StatusCategory { get; init; }
    /// <summary>As sent: <see cref="Me"/> or an identity (email or username).</summary>
    public string? SubmittedBy { get; init; }
    /// <summary>Timestamps in the stored format (UTC, milliseconds), rounded up to the millisecond.</summary>
    public string? CreatedFrom { get; init; }
    public string? CreatedTo { get; init; }
    public string? UpdatedSince { get; init; }
    /// <summary>Last activity (<see cref="TicketField.LastActivityAt"/>) at or after this instant.</summary>
    public string? ActiveAfter { get; init; }
    /// <summary>Last activity before this instant (exclusive).</summary>
    public string? ActiveBefore { get; init; }
    public string? Text { get; init; }
    public TicketSort Sort { get; init; } = TicketSort.CreatedAt;
    public bool Descending { get; init; } = true;
    public int PageSize { get; init; } = DefaultPageSize;
    public string? ContinuationToken { get; init; }
    public bool IncludeData { get; init; }
    /// <summary>A display id: only the tickets whose <c>ticket_relation</c> points at it.</summary>
    public string? RelatedTo { get; init; }
    /// <summary>As sent; it lists deleted tickets too only for a tenant admin.</summary>
    public bool IncludeDeleted { get; init; }
    /// <summary>Whether tombstones (tickets moved to another type, with <c>moved_to</c>) are listed too; by default they are not.</summary>
    public bool IncludeMoved { get; init; }
    /// <summary>A deletion number (0 for all): only tickets deleted after it, in deletion order (tenant admins only).</summary>
    public long? DeletedSince { get; init; }
    /// <summary>As sent: <see cref="Me"/>, <see cref="None"/> or a username.</summary>
    public string? Assignee { get; init; }
    public bool SlaBreached { get; init; }

    /// <summary>
    /// The filters as sent, written unambiguously: with <see cref="TicketListQuery.Canonical"/> what a continuation
    /// token binds to, so that other filters get a refusal even where they would list the same tickets (e.g. a team
    /// added that the caller can't see).
    /// </summary>
    public byte[] CanonicalFilters()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            void Values(string name, IEnumerable<string> values)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                foreach (var value in values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
            Values(TeamIdParameter, TeamIds);
            Values(ItemTypeIdParameter, ItemTypeIds);
            foreach (var (name, value) in new[]
                     {
                         (StatusTypeParameter, StatusType), (StatusCategoryParameter, StatusCategory), (SubmittedByParameter, SubmittedBy),
                         (CreatedFromParameter, CreatedFrom), (CreatedToParameter, CreatedTo), (UpdatedSinceParameter, UpdatedSince),
                         (ActiveAfterParameter, ActiveAfter), (ActiveBeforeParameter, ActiveBefore),
                         (TextParameter, Text), (RelatedToParameter, RelatedTo), (IncludeDeletedParameter, IncludeDeleted ? "true" : null),
                         (IncludeMovedParameter, IncludeMoved ? "true" : null),
                         (DeletedSinceParameter, DeletedSince?.ToString(CultureInfo.InvariantCulture)),
                         (AssigneeParameter, Assignee), (SlaParameter, SlaBreached ? Breached : null),
                     })
                Values(name, value is null ? [] : [value]);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static TicketListParameters Parse(IEnumerable<KeyValuePair<string, StringValues>> query, ValidationErrors errors)
    {
        var values = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in query)
        {
            if (!Known.Contains(name)) errors.Add(name, $"Query parameter {name} is not known");
            else values[name] = value;
        }

        return new TicketListParameters
        {
            TeamIds = Many(values, TeamIdParameter, errors),
            ItemTypeIds = Many(values, ItemTypeIdParameter, errors),
            StatusType = One(values, StatusTypeParameter, errors),
            StatusCategory = OneOfText(values, StatusCategoryParameter, errors, Catalog.StatusCategories.All),
            SubmittedBy = One(values, SubmittedByParameter, errors),
            CreatedFrom = Timestamp(values, CreatedFromParameter, errors),
            CreatedTo = Timestamp(values, CreatedToParameter, errors),
            UpdatedSince = Timestamp(values, UpdatedSinceParameter, errors),
            ActiveAfter = Timestamp(values, ActiveAfterParameter, errors),
            ActiveBefore = Timestamp(values, ActiveBeforeParameter, errors),
            Text = SearchText(values, errors),
            Sort = OneOf(values, SortParameter, errors, ("created_at", TicketSort.CreatedAt), ("updated_at", TicketSort.UpdatedAt), ("last_activity", TicketSort.LastActivity)) ?? TicketSort.CreatedAt,
            Descending = OneOf(values, OrderParameter, errors, ("desc", true), ("asc", false)) ?? true,
            PageSize = PageSizeOf(values, errors),
            ContinuationToken = Token(values, errors),
            IncludeData = OneOf(values, IncludeParameter, errors, ("data", true)) ?? false,
            RelatedTo = One(values, RelatedToParameter, errors),
            IncludeDeleted = Flag(values, IncludeDeletedParameter, errors),
            IncludeMoved = Flag(values, IncludeMovedParameter, errors),
            DeletedSince = DeletedSinceOf(values, errors),
            Assignee = One(values, AssigneeParameter, errors),
            SlaBreached = OneOf(values, SlaParameter, errors, (Breached, true)) ?? false,
        }.CheckRanges(errors);
    }

    private TicketListParameters CheckRanges(ValidationErrors errors)
    {
        if (CreatedFrom is not null && CreatedTo is not null && string.CompareOrdinal(CreatedFrom, CreatedTo) > 0)
            errors.Add(CreatedToParameter, $"Query parameter {CreatedToParameter} must not be before {CreatedFromParameter}");
        if (ActiveAfter is not null && ActiveBefore is not null && string.CompareOrdinal(ActiveAfter, ActiveBefore) > 0)
            errors.Add(ActiveBeforeParameter, $"Query parameter {ActiveBeforeParameter} must not be before {ActiveAfterParameter}");
        return this;
    }

    private static IReadOnlyList<string> Many(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        if (!values.TryGetValue(name, out var sent)) return [];
        if (sent.Count > MaxValuesPerFilter) errors.Add(name, $"Query parameter {name} can be given at most {MaxValuesPerFilter} times");
        var list = new List<string>(sent.Count);
        foreach (var value in sent)
            if (CheckValue(name, value, errors)) list.Add(value!);
        return list;
    }

    private static string? One(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        if (!values.TryGetValue(name, out var sent)) return null;
        if (sent.Count != 1)
        {
            errors.Add(name, $"Query parameter {name} must be given once");
            return null;
        }
        return CheckValue(name, sent[0], errors) ? sent[0] : null;
    }

    private static bool CheckValue(string name, string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(name, $"Query parameter {name} must not be empty");
            return false;
        }
        if (TextLength.Exceeds(value, MaxValueLength))
        {
            errors.Add(name, $"Query parameter {name} must be at most {MaxValueLength} characters");
            return false;
        }
        if (value.Any(char.IsControl))
        {
            errors.Add(name, $"Query parameter {name} must not contain control characters");
            return false;
        }
        return true;
    }

    private static string? OneOfText(Dictionary<string, StringValues> values, string name, ValidationErrors errors, IReadOnlyList<string> allowed)
    {
        var sent = One(values, name, errors);
        if (sent is null || allowed.Contains(sent, StringComparer.Ordinal)) return sent;
        errors.Add(name, $"Query parameter {name} must be one of: {string.Join(", ", allowed)}");
        return null;
    }

    private static T? OneOf<T>(Dictionary<string, StringValues> values, string name, ValidationErrors errors, params (string Text, T Value)[] allowed) where T : struct
    {
        var sent = One(values, name, errors);
        if (sent is null) return null;
        foreach (var (text, value) in allowed)
            if (string.Equals(text, sent, StringComparison.Ordinal)) return value;
        errors.Add(name, $"Query parameter {name} must be one of: {string.Join(", ", allowed.Select(a => a.Text))}");
        return null;
    }

    /// <summary>A boolean parameter, by the one rule of <see cref="BooleanText"/>; false when absent.</summary>
    private static bool Flag(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        if (!values.TryGetValue(name, out var sent)) return false;
        if (sent.Count != 1)
        {
            errors.Add(name, $"Query parameter {name} must be given once");
            return false;
        }
        return BooleanText.Parse(sent[0] ?? "", BooleanText.QueryParameter, name, errors);
    }

    private static long? DeletedSinceOf(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        var sent = One(values, DeletedSinceParameter, errors);
        if (sent is null) return null;
        if (!sent.All(char.IsAsciiDigit) || !long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var since))
        {
            errors.Add(DeletedSinceParameter, $"Query parameter {DeletedSinceParameter} must be a deletion number (an integer from 0)");
            return null;
        }
        if (values.ContainsKey(SortParameter) || values.ContainsKey(OrderParameter))
            errors.Add(DeletedSinceParameter, $"Query parameter {DeletedSinceParameter} lists in deletion order; it takes no sort or order");
        return since;
    }

    private static int PageSizeOf(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        var sent = One(values, PageSizeParameter, errors);
        if (sent is null) return DefaultPageSize;
        if (!sent.All(char.IsAsciiDigit) || !int.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxPageSize)
        {
            errors.Add(PageSizeParameter, $"Query parameter {PageSizeParameter} must be an integer from 1 to {MaxPageSize}");
            return DefaultPageSize;
        }
        return size;
    }

    private static string? SearchText(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        if (!values.TryGetValue(TextParameter, out var sent)) return null;
        if (sent.Count != 1)
        {
            errors.Add(TextParameter, $"Query parameter {TextParameter} must be given once");
            return null;
        }
        var text = sent[0] ?? "";
        if (!TextLength.Within(text, MinTextLength, MaxTextLength))
        {
            errors.Add(TextParameter, $"Query parameter {TextParameter} must be {MinTextLength} to {MaxTextLength} characters");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            errors.Add(TextParameter, $"Query parameter {TextParameter} must not contain control characters");
            return null;
        }
        return text;
    }

    private static string? Token(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        if (!values.TryGetValue(ContinuationTokenParameter, out var given)) return null;
        if (given.Count != 1)
        {
            errors.Add(ContinuationTokenParameter, $"Query parameter {ContinuationTokenParameter} must be given once");
            return null;
        }
        var sent = given[0] ?? "";
        if (sent.Length == 0 || sent.Length > ContinuationTokens.MaxTokenLength || !sent.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add(ContinuationTokenParameter, $"Query parameter {ContinuationTokenParameter} is not a continuation token of this listing");
            return null;
        }
        return sent;
    }

    /// <summary>
    /// ISO-8601: a date (midnight UTC) or a date and time with its offset (<c>Z</c> or <c>±hh:mm</c>). The result is
    /// in the stored format, rounded up to the millisecond, so that comparing stored timestamps with it is exact.
    /// </summary>
    private static string? Timestamp(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        var sent = One(values, name, errors);
        if (sent is null) return null;
        if (!TryParseInstant(sent, out var instant))
        {
            errors.Add(name, $"Query parameter {name} must be an ISO-8601 date (2025-07-10) or date and time with its offset (2025-07-10T12:34:56Z)");
            return null;
        }
        return TicketFactory.Timestamp(instant);
    }

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    internal static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            instant = new DateTimeOffset(date, TimeSpan.Zero);
            return true;
        }
        // K also accepts no offset at all; an instant needs one.
        var time = text.IndexOf('T', StringComparison.Ordinal);
        if (time < 0 || !(text.EndsWith('Z') || text.AsSpan(time).IndexOfAny('+', '-') >= 0)) return false;
        if (!DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        // Stored timestamps have milliseconds: round a finer instant up, so that ">= it" and "< it" stay exact.
        var extra = parsed.UtcTicks % TimeSpan.TicksPerMillisecond;
        if (extra != 0)
        {
            if (parsed.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMillisecond) return false;
            parsed = parsed.AddTicks(TimeSpan.TicksPerMillisecond - extra);
        }
        instant = parsed;
        return true;
    }
}
