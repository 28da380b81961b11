using System.Net;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>
/// The local default across a restart of the app: a second host on the same data folder answers what the first one
/// acknowledged, through the API. (Each kind of data also has a store-level test: EmbeddedTicketStoreRestartTests.)
/// </summary>
public sealed class EmbeddedStoreRestartHttpTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();

    public void Dispose() => TestDataFolders.Delete(_folder);

    private Task<TestApi> StartAsync() => TestApi.StartAsync(s => s["Storage:DataPath"] = _folder);

    private static HttpRequestMessage CreateWithKey(TestApi api, string key)
    {
        var request = api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(subject: "restart-user"), Bodies.ContractExample);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task A_restarted_app_answers_every_ticket_update_deletion_history_key_and_upload_the_first_one_acknowledged()
    {
        string keyed, updated, deleted, history, pendingUpload, linkedUpload, linkedTicket;
        var bytes = "kept across restarts"u8.ToArray();
        await using (var api = await StartAsync())
        {
            var first = await api.Client.SendAsync(CreateWithKey(api, "restart-key"));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            keyed = (await first.JsonAsync()).GetProperty("ticket").GetRawText();

            var ticket = await api.CreateTicketAsync();
            var patch = await api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), "\"summary\":\"After the update\""));
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            updated = (await (await api.GetTicketAsync(ticket.ObjectId())).JsonAsync()).GetProperty("ticket").GetRawText();
            history = (await (await api.GetHistoryAsync(ticket.ObjectId())).JsonAsync()).GetRawText();

            var doomed = await api.CreateTicketAsync();
            Assert.Equal(HttpStatusCode.OK, (await api.DeleteTicketAsync(doomed.ObjectId(), AttachmentApi.Quote(doomed.Etag()))).StatusCode);
            deleted = doomed.ObjectId();

            linkedUpload = await api.UploadIdAsync(bytes);
            linkedTicket = (await api.CreateTicketAsync(AttachmentApi.WithAttachments((linkedUpload, null)))).ObjectId();
            pendingUpload = await api.UploadIdAsync(bytes);
        }

        await using var restarted = await StartAsync();
        var replay = await restarted.Client.SendAsync(CreateWithKey(restarted, "restart-key"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(AttachmentApi.Parse(keyed).ObjectId(), (await replay.JsonAsync()).GetProperty("ticket").ObjectId());

        var before = AttachmentApi.Parse(updated);
        var read = (await (await restarted.GetTicketAsync(before.ObjectId())).JsonAsync()).GetProperty("ticket");
        Assert.Equal("After the update", read.GetProperty("summary").GetString());
        // The same revision (SLA clocks are observed at read time, so the whole body is not compared).
        foreach (var member in new[] { "etag", "version", "updated_at", "created_at", "data" })
            Assert.Equal(before.GetProperty(member).GetRawText(), read.GetProperty(member).GetRawText());
        Assert.Equal(history, (await (await restarted.GetHistoryAsync(read.ObjectId())).JsonAsync()).GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await restarted.GetTicketAsync(deleted)).StatusCode);

        // Display ids continue after the last one given before the restart.
        Assert.Equal("CTC-0005", (await restarted.CreateTicketAsync()).ObjectId());   // four were created before

        // The linked upload still downloads; the pending one can still be attached, by its uploader.
        Assert.Equal(bytes, await (await restarted.DownloadAsync(linkedTicket, linkedUpload)).Content.ReadAsByteArrayAsync());
        var late = await restarted.CreateTicketAsync(AttachmentApi.WithAttachments((pendingUpload, null)));
        Assert.Equal(bytes, await (await restarted.DownloadAsync(late.ObjectId(), pendingUpload)).Content.ReadAsByteArrayAsync());
        Assert.True(Directory.Exists(Path.Combine(_folder, "attachments")));
    }

    /// <summary>
    /// The real store until a ticket's write returns; from then on every call fails, as if the process had been killed
    /// right after that write: nothing the request would still write reaches the file.
    /// </summary>
    public class DiesAfterTicketWrite : DispatchProxy
    {
        private ITicketStore _inner = null!;
        private volatile bool _dead;

        public static ITicketStore Wrap(ITicketStore inner)
        {
            var proxy = Create<ITicketStore, DiesAfterTicketWrite>();
            ((DiesAfterTicketWrite)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (_dead) throw new InvalidOperationException("the process is gone");
            object? result;
            try { result = method!.Invoke(_inner, args); }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
            if (method.Name is nameof(ITicketStore.CreateTicketAsync) or nameof(ITicketStore.CreateTicketWithKeyAsync) && result is Task write)
                return write.ContinueWith(t => { _dead = true; return t; }, TaskScheduler.Default).Unwrap();
            return result;
        }
    }

    [Fact]
    public async Task A_kill_right_after_a_keyed_create_is_written_leaves_the_key_completed_so_a_retry_replays_instead_of_creating_again()
    {
        await (await StartAsync()).DisposeAsync();   // seeds the sample catalog into the folder (seeding skips a wrapped store)
        var store = new EmbeddedTicketStore(_folder);
        string first;
        try
        {
            await using var api = await TestApi.StartAsync(s => s["Storage:DataPath"] = _folder,
                services =>
                {
                    services.AddSingleton(DiesAfterTicketWrite.Wrap(store));
                    services.AddSingleton<ITicketEventStore>(store);   // the same file: one store holds its lock
                });
            var created = await api.Client.SendAsync(CreateWithKey(api, "killed-key"));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            first = (await created.JsonAsync()).GetProperty("ticket").ObjectId();
        }
        finally
        {
            store.Dispose();
        }

        await using var restarted = await StartAsync();
        var retry = await restarted.Client.SendAsync(CreateWithKey(restarted, "killed-key"));
        // Were the key's completion a write of its own after the ticket's, it would still be pending here (409), and
        // once the claim timed out the retry would create a second ticket.
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first, (await retry.JsonAsync()).GetProperty("ticket").ObjectId());
        Assert.Equal("CTC-0002", (await restarted.CreateTicketAsync()).ObjectId());
    }
}
