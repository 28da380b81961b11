using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Api;

/// <summary>
/// A caller the request pipeline has checked: a valid token, well-formed headers, the token's own tenant (which
/// exists: <see cref="Catalog"/> is its catalog) and the operation's permission. Services take only this, so none can
/// skip a check or do them in another order.
/// </summary>
public sealed record CheckedCaller(Caller Caller, CatalogIndex Catalog, RequestHeaders Headers)
{
    /// <summary>The validated token's tenant: the partition key.</summary>
    public string TenantId => Caller.TenantId!;
}
