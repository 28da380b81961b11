using System.Globalization;
using Microsoft.Extensions.Primitives;

using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Api;

/// <summary>
/// The feed's query parameters, read and checked; every problem is keyed by its parameter, and an unknown parameter is
/// refused (a misspelt filter must not quietly serve everything). <c>types</c> and <c>teamId</c> may each be repeated or
/// comma-separated.
/// </summary>
public sealed record EventFeedParameters
{
    public const string AfterParameter = "after";
    public const string TypesParameter = "types";
    public const string TeamIdParameter = "teamId";
    public const string PageSizeParameter = "pageSize";
    public const string IncludeDataParameter = "includeData";

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxTeams = 50;
    public const int MaxTeamIdLength = 256;
    public const int MaxCursorLength = 512;

    private static readonly HashSet<string> Known = new([AfterParameter, TypesParameter, TeamIdParameter, PageSizeParameter, IncludeDataParameter],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The cursor as sent; null to start at the oldest event kept.</summary>
    public string? After { get; init; }
    /// <summary>The types asked for; empty for every type.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];
    /// <summary>The teams asked for; empty for every team.</summary>
    public IReadOnlyList<string> TeamIds { get; init; } = [];
    public int PageSize { get; init; } = DefaultPageSize;
    public bool IncludeData { get; init; }

    /// <summary>The filters, written unambiguously: a cursor is bound to them (and to the tenant), not to the page size or includeData.</summary>
    public string CanonicalFilters() =>
        "types=" + string.Join(',', Types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) +
        "\nteams=" + string.Join('\u001f', TeamIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static EventFeedParameters Parse(IEnumerable<KeyValuePair<string, StringValues>> query, ValidationErrors errors)
    {
        var values = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in query)
        {
            if (!Known.Contains(name)) errors.Add(name, $"Query parameter {name} is not known");
            else values[name] = value;
        }
        var types = List(values, TypesParameter);
        foreach (var type in types)
            if (!TicketEventTypes.IsKnown(type))
                errors.Add(TypesParameter, $"Query parameter {TypesParameter} must list event types among: {string.Join(", ", TicketEventTypes.All)}");
        var teams = List(values, TeamIdParameter);
        if (teams.Count > MaxTeams) errors.Add(TeamIdParameter, $"Query parameter {TeamIdParameter} can name at most {MaxTeams} teams");
        if (values.ContainsKey(TeamIdParameter) && teams.Count == 0 || teams.Any(t => TextLength.Exceeds(t, MaxTeamIdLength) || t.Any(char.IsControl)))
            errors.Add(TeamIdParameter, $"Query parameter {TeamIdParameter} must name teams (at most {MaxTeamIdLength} characters each, no control characters)");
        if (values.ContainsKey(TypesParameter) && types.Count == 0)
            errors.Add(TypesParameter, $"Query parameter {TypesParameter} must not be empty");

        return new EventFeedParameters
        {
            After = Cursor(values, errors),
            Types = types,
            TeamIds = teams,
            PageSize = PageSizeOf(values, errors),
            IncludeData = Flag(values, IncludeDataParameter, errors),
        };
    }

    private static List<string> List(Dictionary<string, StringValues> values, string name)
    {
        if (!values.TryGetValue(name, out var sent)) return [];
        var list = new List<string>();
        foreach (var value in sent)
            foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                list.Add(item);
        return list;
    }

    private static string? Once(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        if (!values.TryGetValue(name, out var sent)) return null;
        if (sent.Count == 1) return sent[0] ?? "";
        errors.Add(name, $"Query parameter {name} must be given once");
        return null;
    }

    private static string? Cursor(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        var sent = Once(values, AfterParameter, errors);
        if (sent is null) return null;
        if (sent.Length is 0 or > MaxCursorLength || !sent.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add(AfterParameter, $"Query parameter {AfterParameter} is not a cursor of this feed");
            return null;
        }
        return sent;
    }

    private static int PageSizeOf(Dictionary<string, StringValues> values, ValidationErrors errors)
    {
        var sent = Once(values, PageSizeParameter, errors);
        if (sent is null) return DefaultPageSize;
        if (!sent.All(char.IsAsciiDigit) || !int.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxPageSize)
        {
            errors.Add(PageSizeParameter, $"Query parameter {PageSizeParameter} must be an integer from 1 to {MaxPageSize}");
            return DefaultPageSize;
        }
        return size;
    }

    private static bool Flag(Dictionary<string, StringValues> values, string name, ValidationErrors errors)
    {
        var sent = Once(values, name, errors);
        return sent is not null && BooleanText.Parse(sent, BooleanText.QueryParameter, name, errors);
    }
}
