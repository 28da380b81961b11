using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// The composite indexes of the tickets container, one source for the containers the app creates (emulator, local
/// runs) and for infra/core/database/cosmos-account.bicep (a test compares them). Cosmos DB refuses an ORDER BY on
/// two paths without a composite index on exactly them; each index also serves the opposite direction on both.
/// <list type="bullet">
/// <item>(sort, id) for each sort: every listing, whatever its filters;</item>
/// <item>(filter field, sort, id) for each equality filter and sort: a listing filtered on that field reads only
/// that field's range of the index instead of every ticket of the tenant in order.</item>
/// </list>
/// A new sortable or equality-filtered field is one more entry in <see cref="SortFields"/> or
/// <see cref="EqualityFields"/>, and the same lines in the Bicep template.
/// </summary>
public static class CosmosListingIndexes
{
    /// <summary>The tenants container's one composite index: a ticket's comments, oldest first (created_at, then id).</summary>
    public static readonly IReadOnlyList<string> CommentPagePaths = ["/created_at", "/id"];

    public static readonly IReadOnlyList<TicketField> SortFields = [TicketField.CreatedAt, TicketField.UpdatedAt, TicketField.LastActivityAt];

    public static readonly IReadOnlyList<TicketField> EqualityFields =
        [TicketField.TeamId, TicketField.ItemTypeId, TicketField.StatusType, TicketField.StatusCategory, TicketField.SubmittedBy, TicketField.SubmittedById, TicketField.RelatedTo, TicketField.Assignee];

    /// <summary>Each composite index as its paths (all ascending), e.g. ["/lookup_props/teamId", "/created_at", "/id"].</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Paths()
    {
        var indexes = new List<IReadOnlyList<string>>();
        foreach (var sort in SortFields) indexes.Add([PathOf(sort), PathOf(TicketField.Id)]);
        // deletedSince's order (deletion number, then id); it takes no other filter than the deletion range.
        indexes.Add([PathOf(TicketField.DeletedSeq), PathOf(TicketField.Id)]);
        foreach (var filter in EqualityFields)
        foreach (var sort in SortFields)
            indexes.Add([PathOf(filter), PathOf(sort), PathOf(TicketField.Id)]);
        return indexes;
    }

    public static Collection<Collection<CompositePath>> Composite()
    {
        var composite = new Collection<Collection<CompositePath>>();
        foreach (var paths in Paths())
        {
            var index = new Collection<CompositePath>();
            foreach (var path in paths) index.Add(new CompositePath { Path = path, Order = CompositePathSortOrder.Ascending });
            composite.Add(index);
        }
        return composite;
    }

    /// <summary>A field's document path as indexing policies write it: "lookup_props.teamId" → "/lookup_props/teamId".</summary>
    public static string PathOf(TicketField field) => "/" + field.Path.Replace('.', '/');
}
