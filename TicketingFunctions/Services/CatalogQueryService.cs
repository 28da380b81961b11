using TicketingFunctions.Api;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Services;

/// <summary>Discovery: the caller's tenant's ticket types and offers (the pipeline checked the caller and found the catalog).</summary>
public sealed class CatalogQueryService
{
    public IReadOnlyList<TicketType> ListTicketTypes(CheckedCaller caller) => caller.Catalog.TicketTypes;

    public IReadOnlyList<Offer> ListOffers(CheckedCaller caller) => caller.Catalog.Catalog.Offers ?? [];
}
