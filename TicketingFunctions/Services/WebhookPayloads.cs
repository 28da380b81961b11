using System.Text.Json;
using TicketingFunctions.Api;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Services;

/// <summary>
/// The bodies webhooks send: an event's CloudEvents JSON, as the feed serves it (the ticket's <c>data</c> only when the
/// subscription asks), as UTF-8 bytes, the bytes that are both signed and sent. The last <see cref="Capacity"/> built are
/// kept, so the subscriptions of a tenant, which go through the same events at about the same time, build each body
/// once instead of once each. An event's body never changes (an event is immutable and its position in the tenant's
/// feed is never reused), so a kept body is always the right one; the event id is compared too, as a guard.
/// </summary>
public sealed class WebhookPayloads
{
    public const int Capacity = 1024;

    private readonly Dictionary<(string TenantId, long Position, bool IncludeData), (string EventId, byte[] Body)> _recent = [];
    private readonly (string, long, bool)[] _order = new (string, long, bool)[Capacity];
    private int _next, _count;
    private readonly Lock _gate = new();

    public byte[] Of(StoredTicketEvent stored, bool includeData)
    {
        var e = stored.Event;
        var key = (e.TenantId, e.Position, includeData);
        lock (_gate)
            if (_recent.TryGetValue(key, out var kept) && kept.EventId == e.Id) return kept.Body;
        var body = Build(stored, includeData);
        lock (_gate)
        {
            if (!_recent.TryAdd(key, (e.Id, body))) return body;
            // Oldest out first: a ring of the keys in the order they came.
            if (_count == Capacity) _recent.Remove(_order[_next]);
            else _count++;
            _order[_next] = key;
            _next = (_next + 1) % Capacity;
        }
        return body;
    }

    /// <summary>How many bodies are kept (tests).</summary>
    public int Count
    {
        get { lock (_gate) return _recent.Count; }
    }

    public static byte[] Build(StoredTicketEvent stored, bool includeData)
    {
        var envelope = EventFeedService.Envelope(stored, includeData);
        return includeData
            ? JsonSerializer.SerializeToUtf8Bytes(envelope, ApiJsonContext.Default.TicketCloudEvent)
            : JsonSerializer.SerializeToUtf8Bytes(envelope, TicketListJson.WithoutDataFor<TicketCloudEvent>());
    }
}
