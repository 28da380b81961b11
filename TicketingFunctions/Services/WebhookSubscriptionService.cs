using System.Text.Json;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Services;

/// <summary>
/// Manages a tenant's webhook subscriptions. After the request pipeline's checks (token, headers, tenant, write scope),
/// the first failure winning: not a tenant admin 403 → no such subscription 404 → body 400 (members, then where the
/// URL resolves). The tenant is always the validated token's. A change by the API keeps delivery's progress: each
/// write is conditional on the document as read, and read again when delivery moved in between.
/// </summary>
public sealed class WebhookSubscriptionService(IWebhookStore store, WebhookAddressGuard guard, TimeProvider time, IOptions<WebhookOptions> options)
{
    public const string IdPrefix = "wh_";

    public async Task<Outcome<WebhookResponse>> CreateAsync(CheckedCaller caller, JsonElement root, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        var errors = new ValidationErrors();
        var body = WebhookBody.Read(root, create: true, errors);
        if (body.Url is { } url) await CheckUrlAsync(url, errors, cancellationToken);
        if (errors.Count > 0) return Invalid(errors);
        var existing = await store.ListWebhooksAsync(caller.TenantId, cancellationToken);
        if (existing.Count >= options.Value.MaxSubscriptionsPerTenant)
        {
            errors.Add(WebhookBody.UrlMember, $"The tenant has {existing.Count} webhook subscriptions, the most it may have; delete one first");
            return Invalid(errors);
        }

        var now = Now();
        var secret = WebhookSecrets.New();
        var subscription = new WebhookSubscription
        {
            Id = IdPrefix + Guid.NewGuid().ToString("N"),
            TenantId = caller.TenantId,
            Url = body.Url!.AbsoluteUri,
            Description = body.Description,
            EventTypes = body.EventTypes ?? [],
            TeamIds = body.TeamIds ?? [],
            IncludeData = body.IncludeData ?? false,
            Status = WebhookStatus.Active,
            Secrets = [new WebhookSecret(secret, now, null)],
            CreatedAt = now,
            UpdatedAt = now,
            DeliverFrom = now,
            Etag = Guid.NewGuid().ToString(),
        };
        await store.CreateWebhookAsync(subscription, cancellationToken);
        return new WebhookResponse(View(subscription), secret) { Status = 201 };
    }

    public async Task<Outcome<WebhookListResponse>> ListAsync(CheckedCaller caller, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        var all = await store.ListWebhooksAsync(caller.TenantId, cancellationToken);
        return new WebhookListResponse([.. all.Select(w => View(w.Subscription))]);
    }

    public async Task<Outcome<WebhookResponse>> GetAsync(CheckedCaller caller, string id, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        var found = await FindAsync(caller, id, cancellationToken);
        return found is null ? ApiError.WebhookNotFound : new WebhookResponse(View(found.Subscription), null);
    }

    public async Task<Outcome<WebhookResponse>> UpdateAsync(CheckedCaller caller, string id, JsonElement root, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        if (await FindAsync(caller, id, cancellationToken) is null) return ApiError.WebhookNotFound;
        var errors = new ValidationErrors();
        var body = WebhookBody.Read(root, create: false, errors);
        if (body.Url is { } url) await CheckUrlAsync(url, errors, cancellationToken);
        if (errors.Count > 0) return Invalid(errors);
        return await ChangeAsync(caller, id, s => s with
        {
            Url = body.Url?.AbsoluteUri ?? s.Url,
            Description = body.DescriptionSent ? body.Description : s.Description,
            EventTypes = body.EventTypes ?? s.EventTypes,
            TeamIds = body.TeamIds ?? s.TeamIds,
            IncludeData = body.IncludeData ?? s.IncludeData,
        }, null, cancellationToken);
    }

    /// <summary>Pauses delivery (events keep waiting in the feed, within its retention), or resumes it; resuming a disabled subscription starts its retries afresh.</summary>
    public async Task<Outcome<WebhookResponse>> SetPausedAsync(CheckedCaller caller, string id, bool paused, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        return await ChangeAsync(caller, id, s => paused
            ? s with { Status = WebhookStatus.Paused }
            : s with { Status = WebhookStatus.Active, Delivery = s.Delivery with { Attempts = 0, NextAttemptAt = null, FailingSince = null } }, null, cancellationToken);
    }

    /// <summary>A new secret, shown once; the previous ones sign deliveries beside it until <see cref="WebhookOptions.SecretOverlap"/> has passed.</summary>
    public async Task<Outcome<WebhookResponse>> RotateSecretAsync(CheckedCaller caller, string id, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        var secret = WebhookSecrets.New();
        return await ChangeAsync(caller, id, s =>
        {
            var now = time.GetUtcNow();
            var expires = TicketFactory.Timestamp(now + options.Value.SecretOverlap);
            // The old ones end at the overlap's end, or sooner when they were already ending.
            var kept = s.Secrets
                .Where(old => old.ExpiresAt is null || TicketSla.Parse(old.ExpiresAt) > now)
                .Select(old => old with { ExpiresAt = old.ExpiresAt is { } e && string.CompareOrdinal(e, expires) < 0 ? e : expires });
            return s with { Secrets = [new WebhookSecret(secret, TicketFactory.Timestamp(now), null), .. kept] };
        }, secret, cancellationToken);
    }

    /// <summary>Deletes the subscription (its pending deliveries with it); answers it as it was.</summary>
    public async Task<Outcome<WebhookResponse>> DeleteAsync(CheckedCaller caller, string id, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        var found = await FindAsync(caller, id, cancellationToken);
        if (found is null || !await store.DeleteWebhookAsync(caller.TenantId, id, cancellationToken)) return ApiError.WebhookNotFound;
        return new WebhookResponse(View(found.Subscription), null);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored subscription, conditionally on the document as read; when delivery
    /// (or another request) wrote in between, reads it again and applies the change to that.
    /// </summary>
    private async Task<Outcome<WebhookResponse>> ChangeAsync(CheckedCaller caller, string id, Func<WebhookSubscription, WebhookSubscription> change,
        string? secret, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = await FindAsync(caller, id, cancellationToken);
            if (found is null) return ApiError.WebhookNotFound;
            var changed = change(found.Subscription) with { UpdatedAt = Now(), Etag = Guid.NewGuid().ToString() };
            try
            {
                await store.ReplaceWebhookAsync(changed, found.StoreEtag, cancellationToken);
                return new WebhookResponse(View(changed), secret);
            }
            catch (EtagMismatchException) when (attempt < 5)
            {
                // Delivery moved the cursor meanwhile: apply the change to what is stored now.
            }
        }
    }

    /// <summary>
    /// The URL's scheme and where its host resolves: https, or http to loopback where loopback is allowed; every
    /// address the host resolves to must be one webhooks may reach (checked again at each delivery).
    /// </summary>
    private async Task CheckUrlAsync(Uri url, ValidationErrors errors, CancellationToken cancellationToken)
    {
        var (_, refusal) = await guard.ResolveAsync(url.IdnHost, cancellationToken);
        if (refusal is not null)
        {
            errors.Add(WebhookBody.UrlMember, $"url is refused: {refusal}");
            return;
        }
        if (url.Scheme != "https" && !(guard.AllowLoopback && url.IsLoopback))
            errors.Add(WebhookBody.UrlMember, "url must be an https URL");
    }

    private async Task<StoredWebhook?> FindAsync(CheckedCaller caller, string id, CancellationToken cancellationToken) =>
        IsId(id) ? await store.GetWebhookAsync(caller.TenantId, id, cancellationToken) : null;

    private static bool IsId(string id) =>
        id.Length == IdPrefix.Length + 32 && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id.AsSpan(IdPrefix.Length).ContainsAnyExcept("0123456789abcdef") == false;

    private WebhookView View(WebhookSubscription subscription) => WebhookView.Of(subscription, time.GetUtcNow());

    private string Now() => TicketFactory.Timestamp(time.GetUtcNow());

    private static ApiError Invalid(ValidationErrors errors) => ApiError.Invalid(errors, "The webhook subscription is invalid");
}
