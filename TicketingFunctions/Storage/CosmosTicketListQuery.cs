using System.Globalization;
using System.Text;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// A listing as Cosmos DB SQL. Always one partition: the SQL filters on <c>c.tenant_id</c> and the caller sets the
/// request's partition key to the same tenant. The order is the sort field then the id, both in the listing's
/// direction, which the composite indexes of <see cref="CosmosListingIndexes"/> serve. Values are always parameters.
/// The projection is every member of a ticket but its embedded history, which a list never answers, and its
/// <c>data</c> unless the listing includes it (an empty object stands in): fewer bytes cross the network.
/// </summary>
public static class CosmosTicketListQuery
{
    public const string TenantParameter = "@tenantId";

    private static readonly string ProjectionWithData = string.Join(", ",
        TicketingFunctions.Tickets.TicketJsonContext.Default.Ticket.Properties.Select(p => "c." + p.Name));

    // data is required by the ticket's reader: an empty object stands in for it.
    private static readonly string ProjectionWithoutData = string.Join(", ",
        TicketingFunctions.Tickets.TicketJsonContext.Default.Ticket.Properties.Select(p => p.Name == TicketingFunctions.Tickets.TicketJsonContext.DataProperty ? "{} AS data" : "c." + p.Name));

    public static QueryDefinition Build(TicketListQuery query)
    {
        if (query.MatchesNothing) throw new ArgumentException("A listing that matches nothing is never sent to Cosmos DB.", nameof(query));
        var sql = new StringBuilder("SELECT ").Append(query.IncludeData ? ProjectionWithData : ProjectionWithoutData).Append(" FROM c WHERE c.tenant_id = ").Append(TenantParameter);
        var parameters = new List<(string Name, object Value)> { (TenantParameter, query.TenantId) };
        string Parameter(object value)
        {
            var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add((name, value));
            return name;
        }

        foreach (var filter in query.Filters)
        {
            sql.Append(" AND ");
            switch (filter)
            {
                case AnyOfFilter { Values.Count: 1 } one:
                    sql.Append(Path(one.Field)).Append(" = ").Append(Parameter(one.Values[0]));
                    break;
                case AnyOfFilter any:
                    sql.Append(Path(any.Field)).Append(" IN (").AppendJoin(", ", any.Values.Select(v => Parameter(v))).Append(')');
                    break;
                case RangeFilter range:
                    var bounds = new List<string>(2);
                    if (range.AtOrAfter is not null) bounds.Add($"{Path(range.Field)} >= {Parameter(range.AtOrAfter)}");
                    if (range.Before is not null) bounds.Add($"{Path(range.Field)} < {Parameter(range.Before)}");
                    // Both open: any value of the field, as the embedded store's RangeFilter.Matches has it.
                    if (bounds.Count == 0) bounds.Add($"IS_STRING({Path(range.Field)})");
                    sql.Append('(').AppendJoin(" AND ", bounds).Append(')');
                    break;
                case ContainsTextFilter text:
                    // The two-argument CONTAINS on LOWER(...): the form every Cosmos DB (and the test emulator) serves.
                    var q = Parameter(text.Text);
                    sql.Append('(').AppendJoin(" OR ", text.Fields.Select(f => $"CONTAINS(LOWER({Path(f)}), {q})")).Append(')');
                    break;
                case NotDeletedFilter:
                    sql.Append(Path(TicketField.DeletedSeq)).Append(" = -1");
                    break;
                case DeletedSinceFilter deleted:
                    // A number parameter: deleted_seq is a number in the document.
                    sql.Append(Path(TicketField.DeletedSeq)).Append(" > ").Append(Parameter(deleted.Since));
                    break;
                case MissingFilter missing:
                    sql.Append($"(NOT IS_DEFINED({Path(missing.Field)}) OR IS_NULL({Path(missing.Field)}))");
                    break;
                case SlaBreachedFilter breached:
                    // A plain comparison on the stored field; a null or missing sla_breach_at compares as undefined: not listed.
                    sql.Append(Path(TicketField.SlaBreachAt)).Append(" < ").Append(Parameter(breached.Now));
                    break;
                default:
                    throw new NotSupportedException($"No Cosmos DB translation for {filter.GetType().Name}.");
            }
        }

        var direction = query.Descending ? "DESC" : "ASC";
        sql.Append(" ORDER BY ").Append(Path(query.SortField)).Append(' ').Append(direction)
           .Append(", ").Append(Path(TicketField.Id)).Append(' ').Append(direction);

        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters) definition = definition.WithParameter(name, value);
        return definition;
    }

    private static string Path(TicketField field) => "c." + field.Path;
}
