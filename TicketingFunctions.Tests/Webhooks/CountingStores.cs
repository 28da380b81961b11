using System.Collections.Concurrent;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>Counts calls by operation name (the stores' method names without Async).</summary>
public sealed class StoreCalls
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Add(string operation) => _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public int this[string operation] => _counts.GetValueOrDefault(operation);

    /// <summary>Every count, sorted by name, for one assertion that shows them all.</summary>
    public IReadOnlyList<(string Operation, int Count)> All => [.. _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value))];

    public void Clear() => _counts.Clear();
}

/// <summary>A webhook store that counts the calls made to the one it wraps, and can run a step before the next replace (the API changing the subscription meanwhile).</summary>
public sealed class CountingWebhookStore(IWebhookStore inner, StoreCalls calls) : IWebhookStore
{
    public List<int> AttemptBatchSizes { get; } = [];
    public Func<Task>? BeforeNextReplace { get; set; }

    public Task<StoredWebhook> CreateWebhookAsync(WebhookSubscription s, CancellationToken c) { calls.Add("CreateWebhook"); return inner.CreateWebhookAsync(s, c); }
    public Task<StoredWebhook?> GetWebhookAsync(string t, string id, CancellationToken c) { calls.Add("GetWebhook"); return inner.GetWebhookAsync(t, id, c); }
    public Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(string t, CancellationToken c) { calls.Add("ListWebhooks"); return inner.ListWebhooksAsync(t, c); }
    public async Task<StoredWebhook> ReplaceWebhookAsync(WebhookSubscription s, string e, CancellationToken c)
    {
        calls.Add("ReplaceWebhook");
        if (BeforeNextReplace is { } step)
        {
            BeforeNextReplace = null;
            await step();
        }
        return await inner.ReplaceWebhookAsync(s, e, c);
    }
    public Task<bool> DeleteWebhookAsync(string t, string id, CancellationToken c) { calls.Add("DeleteWebhook"); return inner.DeleteWebhookAsync(t, id, c); }
    public Task AppendAttemptsAsync(IReadOnlyList<WebhookAttempt> a, CancellationToken c)
    {
        calls.Add("AppendAttempts");
        lock (AttemptBatchSizes) AttemptBatchSizes.Add(a.Count);
        return inner.AppendAttemptsAsync(a, c);
    }
    public Task<WebhookAttemptPage> ListAttemptsAsync(string t, string w, string? e, string? b, int l, CancellationToken c) { calls.Add("ListAttempts"); return inner.ListAttemptsAsync(t, w, e, b, l, c); }
}

/// <summary>An event store that counts the calls made to the one it wraps.</summary>
public sealed class CountingEventStore(ITicketEventStore inner, StoreCalls calls) : ITicketEventStore
{
    public Task<EventPage> ReadEventsAsync(string t, long after, int limit, CancellationToken c) { calls.Add("ReadEvents"); return inner.ReadEventsAsync(t, after, limit, c); }
    public Task<int> RecordEventsAsync(Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken c) { calls.Add("RecordEvents"); return inner.RecordEventsAsync(ticket, events, c); }
    public Task<bool> AppendEventAsync(TicketEvent e, CancellationToken c) { calls.Add("AppendEvent"); return inner.AppendEventAsync(e, c); }
    public Task<int> PublishPendingAsync(CancellationToken c) { calls.Add("PublishPending"); return inner.PublishPendingAsync(c); }
    public Task<int> PruneEventsAsync(string before, CancellationToken c) { calls.Add("PruneEvents"); return inner.PruneEventsAsync(before, c); }
    public Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken c) { calls.Add("ListTenants"); return inner.ListTenantsAsync(c); }
}
