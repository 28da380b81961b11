using System.Text.Json;
using Microsoft.AspNetCore.Http;
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
public sealed class WebhookSubscriptionService(IWebhookStore store, WebhookAddressGuard guard, EventFeedService feed, TimeProvider time, IOptions<WebhookOptions> options)
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

    public const int DefaultAttemptPageSize = 50;
    public const int MaxAttemptPageSize = 200;
    public const int MaxEventIdLength = 256;
    public const int MaxAttemptCursorLength = 64;
    public const int MaxRedeliverMemberLength = 512;

    /// <summary>
    /// The subscription's delivery log, newest first, of one event when <c>eventId</c> is given; <c>after</c> is the
    /// previous page's <c>next</c>. Query problems are keyed by their parameter.
    /// </summary>
    public async Task<Outcome<WebhookAttemptListResponse>> ListAttemptsAsync(CheckedCaller caller, string id, IQueryCollection query, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        if (await FindAsync(caller, id, cancellationToken) is null) return ApiError.WebhookNotFound;
        var errors = new ValidationErrors();
        string? eventId = null, after = null;
        var pageSize = DefaultAttemptPageSize;
        foreach (var (name, values) in query)
        {
            var value = values.ToString();
            switch (name)
            {
                case "eventId" when values.Count == 1 && TextLength.Within(value, 1, MaxEventIdLength): eventId = value; break;
                case "after" when values.Count == 1 && TextLength.Within(value, 1, MaxAttemptCursorLength): after = value; break;
                case "pageSize" when values.Count == 1 && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
                    && size is >= 1 and <= MaxAttemptPageSize: pageSize = size; break;
                case "eventId" or "after":
                    errors.Add(name, $"Query parameter {name} must be given once, with 1 to {(name == "eventId" ? MaxEventIdLength : MaxAttemptCursorLength)} characters");
                    break;
                case "pageSize": errors.Add(name, $"Query parameter pageSize must be an integer from 1 to {MaxAttemptPageSize}"); break;
                default: errors.Add(name, $"Query parameter {name} is not known here"); break;
            }
        }
        if (errors.Count > 0) return ApiError.Invalid(errors, "The request headers or query parameters are invalid");
        var page = await store.ListAttemptsAsync(caller.TenantId, id, eventId, after, pageSize, cancellationToken);
        return new WebhookAttemptListResponse([.. page.Attempts.Select(WebhookAttemptView.Of)], page.Next);
    }

    /// <summary>
    /// Delivers again: one event (<c>{"eventId": …}</c>, one this subscription was sent before, found in its delivery
    /// log), or every event after a cursor of the tenant's feed (<c>{"after": …}</c>, from <c>GET /events</c> without
    /// filters): the subscription's cursor moves back there, and its events follow in order. Either way with the
    /// events' own ids, so a receiver that deduplicates sees nothing twice.
    /// </summary>
    public async Task<Outcome<WebhookResponse>> RedeliverAsync(CheckedCaller caller, string id, JsonElement root, CancellationToken cancellationToken)
    {
        if (!Permissions.CanManageWebhooks(caller.Caller)) return ApiError.ForbiddenWebhooks;
        if (await FindAsync(caller, id, cancellationToken) is null) return ApiError.WebhookNotFound;
        var errors = new ValidationErrors();
        string? eventId = null, after = null;
        if (root.ValueKind != JsonValueKind.Object) errors.Add("body", "The body must be a JSON object");
        else
            foreach (var member in root.EnumerateObject())
            {
                if (member.Name is "eventId" or "after" && member.Value.ValueKind == JsonValueKind.String && member.Value.GetString() is { } text
                    && TextLength.Within(text, 1, MaxRedeliverMemberLength))
                {
                    if (member.Name == "eventId") eventId = text; else after = text;
                }
                else if (member.Name is "eventId" or "after") errors.Add(member.Name, $"{member.Name} must be a string of 1 to {MaxRedeliverMemberLength} characters");
                else errors.Add(member.Name, $"{member.Name} is not a member of a redelivery; send eventId or after");
            }
        if (errors.Count == 0 && (eventId is null) == (after is null)) errors.Add("body", "Send either eventId (one event) or after (every event after a feed cursor)");
        if (errors.Count > 0) return Invalid(errors);

        if (eventId is not null)
        {
            var sent = await store.ListAttemptsAsync(caller.TenantId, id, eventId, null, 1, cancellationToken);
            if (sent.Attempts is not [var attempt])
            {
                errors.Add("eventId", $"Event {eventId} was never sent to this subscription (within the delivery log's retention)");
                return Invalid(errors);
            }
            return await ChangeAsync(caller, id, s => s with
            {
                Delivery = s.Delivery with { Redeliver = [.. s.Delivery.Redeliver.Where(p => p != attempt.EventPosition), attempt.EventPosition] },
            }, null, cancellationToken);
        }
        if (feed.PositionOf(caller.TenantId, after!) is not { } position)
        {
            errors.Add("after", "after is not a cursor of this tenant's event feed (read without types or teamId)");
            return Invalid(errors);
        }
        return await ChangeAsync(caller, id, s => s with
        {
            // Every event after the cursor, created before the subscription or not; retries start afresh.
            DeliverFrom = "",
            Delivery = s.Delivery with { Cursor = position, Attempts = 0, NextAttemptAt = null, FailingSince = null },
        }, null, cancellationToken);
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
