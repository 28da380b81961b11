using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>
/// The checks every tenant-scoped request passes after its token: headers (and any query errors the
/// caller collected) → 400, then an Entra ID application mapped to no tenant → 401 USER_PERMISSION_FAILURE, then the
/// tenant → 404 "Tenant not found". The tenant must be the token's (for an Entra ID application, its mapped one).
/// </summary>
public sealed class TenantGate(CatalogProvider catalogs)
{
    public async Task<Outcome<CatalogIndex>> EnterAsync(Caller caller, RequestHeaders headers, ValidationErrors requestErrors, CancellationToken cancellationToken)
    {
        headers.Validate(requestErrors);
        if (requestErrors.Count > 0) return ApiError.Invalid(requestErrors, "The request headers or query parameters are invalid");

        if (caller.IsUnmappedApplication) return ApiError.ApplicationNotMapped;

        // Compared as UUIDs: neither the claim's nor the header's letter case matters. The caller's tenant is
        // already canonical (lower case), and it alone names the partition.
        if (!Guid.TryParse(caller.TenantId, out var claimed) || !Guid.TryParse(headers.TenantId, out var sent) || claimed != sent)
            return ApiError.TenantNotFound;

        var catalog = await catalogs.GetAsync(caller.TenantId, cancellationToken);
        return catalog is null ? ApiError.TenantNotFound : catalog;
    }
}
