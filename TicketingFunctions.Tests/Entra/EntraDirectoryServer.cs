using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Tests.Entra;

/// <summary>
/// An Entra ID directory on loopback, for tests that must not reach the internet: it serves each tenant's v2.0 and
/// v1.0 OpenID metadata and the signing keys (as Entra ID does, one key set for every tenant, each key naming the
/// issuer template), and mints RS256 tokens with those keys. <see cref="Rotate"/> publishes a new key. It speaks https
/// with a self-signed certificate that only the hosts given <see cref="TrustIn"/> accept: Identity.Web's issuer
/// validator reads the metadata over https only, so the product's https requirement stays on in the tests.
/// </summary>
public sealed class EntraDirectoryServer : IAsyncDisposable
{
    /// <summary>The directory the API trusts (AzureAd__TenantId).</summary>
    public const string TenantId = "3b9a4c77-5d1e-4f3a-8c2b-6e0f1d2a9b84";
    /// <summary>Another directory: same instance and keys, another tid.</summary>
    public const string OtherTenantId = "c1d2e3f4-a5b6-4789-8abc-def012345678";
    /// <summary>The API's application (client) id: the audience of its tokens (AzureAd__ClientId).</summary>
    public const string ApiClientId = "6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f";

    private readonly WebApplication _app;
    private volatile RsaSecurityKey[] _published;
    private int _keyRequests;

    private readonly X509Certificate2 _certificate;

    private EntraDirectoryServer(WebApplication app, X509Certificate2 certificate, RsaSecurityKey key)
    {
        _app = app;
        _certificate = certificate;
        SigningKey = key;
        _published = [key];
    }

    /// <summary>The instance URL, with a trailing slash (AzureAd__Instance).</summary>
    public string Instance { get; private set; } = "";

    /// <summary>The key tokens are signed with: the newest published one.</summary>
    public RsaSecurityKey SigningKey { get; private set; }

    /// <summary>How many times the key set was fetched.</summary>
    public int KeyRequests => Volatile.Read(ref _keyRequests);

    public string IssuerV2(string tenant = TenantId) => $"{Instance}{tenant}/v2.0";
    public string IssuerV1(string tenant = TenantId) => $"{Instance}{tenant}/";

    public static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static async Task<EntraDirectoryServer> StartAsync()
    {
        var certificate = LoopbackCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new EntraDirectoryServer(app, certificate, NewKey("key-1"));
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => server.Metadata(server.IssuerV2(tenant), $"{tenant}/discovery/v2.0/keys"));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) => server.Metadata(server.IssuerV1(tenant), $"{tenant}/discovery/keys"));
        app.MapGet("/{tenant}/discovery/v2.0/keys", () => server.Keys($"{server.Instance}{{tenantid}}/v2.0"));
        app.MapGet("/{tenant}/discovery/keys", () => server.Keys($"{server.Instance}{{tenantid}}/"));
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        server.Instance = $"https://127.0.0.1:{port}/";
        return server;
    }

    /// <summary>Makes the host's metadata clients (JwtBearer's backchannel, Identity.Web's issuer validator) trust this server's certificate.</summary>
    public void TrustIn(IServiceCollection services)
    {
        services.AddHttpClient(TicketingFunctions.Auth.EntraAuthentication.MetadataHttpClient).ConfigurePrimaryHttpMessageHandler(TrustingHandler);
        services.Configure<JwtBearerOptions>(TicketingFunctions.Auth.EntraAuthentication.Scheme, o => o.BackchannelHttpHandler = TrustingHandler());
    }

    private HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.Thumbprint == _certificate.Thumbprint,
    };

    private static X509Certificate2 LoopbackCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that Kestrel gets a certificate whose private key it can use for TLS.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Publishes a new signing key beside the current ones; new tokens are signed with it.</summary>
    public RsaSecurityKey Rotate(string kid, bool dropOld = false)
    {
        var key = NewKey(kid);
        _published = dropOld ? [key] : [.. _published, key];
        SigningKey = key;
        return key;
    }

    private IResult Metadata(string issuer, string keysPath) => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = issuer,
        ["jwks_uri"] = Instance + keysPath,
        ["authorization_endpoint"] = issuer.TrimEnd('/') + "/oauth2/authorize",
        ["token_endpoint"] = issuer.TrimEnd('/') + "/oauth2/token",
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["response_types_supported"] = new[] { "code", "token" },
        ["subject_types_supported"] = new[] { "pairwise" },
    }), "application/json");

    private IResult Keys(string issuerTemplate)
    {
        Interlocked.Increment(ref _keyRequests);
        var keys = _published.Select(k =>
        {
            var parameters = k.Rsa.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, object>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = k.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["issuer"] = issuerTemplate,
            };
        }).ToArray();
        return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys }), "application/json");
    }

    /// <summary>
    /// An app-only access token as Entra ID v2.0 issues it to a client credentials or managed identity caller:
    /// <c>azp</c> the caller's client id, <c>oid</c>/<c>sub</c> its service principal, <c>roles</c> its app roles.
    /// </summary>
    public string Token(
        string clientId,
        string[]? roles = null,
        string? objectId = null,
        string audience = ApiClientId,
        string tenant = TenantId,
        string? issuer = null,
        string version = "2.0",
        string algorithm = SecurityAlgorithms.RsaSha256,
        SecurityKey? key = null,
        DateTime? expires = null,
        IDictionary<string, object>? header = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenant,
            ["oid"] = objectId ?? "0a0b0c0d-" + clientId[9..],
            ["sub"] = objectId ?? "0a0b0c0d-" + clientId[9..],
            ["ver"] = version,
            ["idtyp"] = "app",
        };
        if (version == "2.0") claims["azp"] = clientId;
        else claims["appid"] = clientId;
        if (roles is { Length: > 0 }) claims["roles"] = roles;
        var expiry = expires ?? now.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? (version == "2.0" ? IssuerV2(tenant) : IssuerV1(tenant)),
            Audience = audience,
            IssuedAt = expiry.AddHours(-1),
            NotBefore = expiry.AddHours(-1),
            Expires = expiry,
            Claims = claims,
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(key ?? SigningKey, algorithm),
        });
    }

    /// <summary>A token whose payload is exactly <paramref name="payloadJson"/> (e.g. a claim named twice), signed RS256 with the current key.</summary>
    public string SignPayload(string payloadJson) =>
        new JsonWebTokenHandler().CreateToken(payloadJson, new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
