namespace TicketingFunctions.Auth;

/// <summary>Claims of an Entra ID v2 application token that the product reads (after Identity.Web has validated it).</summary>
public static class EntraClaimNames
{
    /// <summary>The app roles granted to the calling application (<c>Tickets.Read</c>, <c>Tickets.Write</c>).</summary>
    public const string Roles = "roles";
    /// <summary>The calling application's client id (v2 tokens).</summary>
    public const string AuthorizedParty = "azp";
    /// <summary>The calling application's client id in v1 tokens; v1 tokens are refused, so this is only a fallback.</summary>
    public const string AppId = "appid";
    /// <summary>The object id of the calling service principal (for a managed identity, the identity's object id).</summary>
    public const string ObjectId = "oid";
    public const string Subject = "sub";
    public const string Issuer = "iss";
    /// <summary>The directory (Entra ID tenant) that issued the token.</summary>
    public const string DirectoryId = "tid";
    /// <summary>The token version: "2.0" for tokens of the v2 endpoint.</summary>
    public const string Version = "ver";
}
