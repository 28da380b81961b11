using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Catalog;

/// <summary>Discovery: the caller's tenant's ticket types and offers.</summary>
public sealed class CatalogQueryService(TenantGate gate)
{
    public async Task<Outcome<IReadOnlyList<TicketType>>> ListTicketTypesAsync(Caller caller, RequestHeaders headers, CancellationToken cancellationToken)
    {
        var catalog = await EnterAsync(caller, headers, cancellationToken);
        if (catalog.Error is not null) return catalog.Error;
        return new Outcome<IReadOnlyList<TicketType>>(catalog.Value!.TicketTypes, null);
    }

    public async Task<Outcome<IReadOnlyList<Offer>>> ListOffersAsync(Caller caller, RequestHeaders headers, CancellationToken cancellationToken)
    {
        var catalog = await EnterAsync(caller, headers, cancellationToken);
        if (catalog.Error is not null) return catalog.Error;
        return new Outcome<IReadOnlyList<Offer>>(catalog.Value!.Catalog.Offers ?? [], null);
    }

    private async Task<Outcome<CatalogIndex>> EnterAsync(Caller caller, RequestHeaders headers, CancellationToken cancellationToken)
    {
        var entered = await gate.EnterAsync(caller, headers, new ValidationErrors(), cancellationToken);
        if (entered.Error is not null) return entered;
        return Permissions.CanRead(caller) ? entered : ApiError.PermissionDenied("read the catalog");
    }
}
