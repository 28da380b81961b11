using System.Net;
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
}
