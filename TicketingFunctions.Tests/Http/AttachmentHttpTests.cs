using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Tests.Attachments;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>Embedded ticket store, attachments in the local folder (the defaults of a local run).</summary>
public sealed class AttachmentHttpOnEmbeddedStore() : AttachmentHttpTests(new EmbeddedHosts())
{
    [Fact]
    public async Task The_upload_reaches_the_store_before_the_client_has_sent_it_all()
    {
        // The client sends the first MiB and then waits until the store has read it: a server that buffered the
        // whole body before storing it would never let the store see those bytes, and the gate would time out.
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var api = await TestApi.StartAsync(services: services => services.AddSingleton<IAttachmentStore>(sp =>
            new ObservedStore(sp.GetRequiredService<LocalFolderAttachmentStore>(), BlobAttachmentStore.BlockBytes, received)));
        var bytes = AttachmentStoreContract.Bytes(3 * BlobAttachmentStore.BlockBytes);

        var response = await api.UploadAsync(new GatedContent(bytes, BlobAttachmentStore.BlockBytes, received.Task), "big.bin", "application/octet-stream");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (await response.JsonAsync()).GetProperty("sha256").GetString());
    }

    /// <summary>Signals once the store has read <paramref name="threshold"/> bytes of an upload.</summary>
    private sealed class ObservedStore(IAttachmentStore inner, int threshold, TaskCompletionSource received) : IAttachmentStore
    {
        public Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

        public Task<AttachmentRecord> UploadAsync(NewAttachment attachment, AttachmentContent content, CancellationToken cancellationToken) =>
            inner.UploadAsync(attachment, new AttachmentContent(new ObservingStream(content, threshold, received), content.MaxBytes), cancellationToken);

        public Task<AttachmentRecord?> GetAsync(string tenantId, string attachmentId, CancellationToken cancellationToken) => inner.GetAsync(tenantId, attachmentId, cancellationToken);
        public Task<bool> LinkAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken) => inner.LinkAsync(tenantId, attachmentId, ticketId, cancellationToken);
        public Task<Stream?> OpenReadAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken) => inner.OpenReadAsync(tenantId, attachmentId, ticketId, cancellationToken);
        public Task<PendingUsage> PendingUsageAsync(string tenantId, string owner, string since, CancellationToken cancellationToken) => inner.PendingUsageAsync(tenantId, owner, since, cancellationToken);
    }

    /// <summary>The content as the store reads it, reporting when <paramref name="threshold"/> bytes have gone through.</summary>
    private sealed class ObservingStream(Stream content, int threshold, TaskCompletionSource received) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await content.ReadAsync(buffer, cancellationToken);
            if ((_read += read) >= threshold) received.TrySetResult();
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Sends <paramref name="first"/> bytes, waits for <paramref name="gate"/> (bounded), then sends the rest; no length, so chunked.</summary>
    private sealed class GatedContent(byte[] bytes, int first, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, first));
            await stream.FlushAsync();
            await gate.WaitAsync(TimeSpan.FromSeconds(30));
            await stream.WriteAsync(bytes.AsMemory(first));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>Cosmos DB store on the emulator, attachments in Blob Storage on Azurite.</summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class AttachmentHttpOnCosmos(CosmosEmulatorFixture emulator, AzuriteFixture azurite) : AttachmentHttpTests(new CosmosBlobHosts(emulator, azurite));

/// <summary>Upload, link on create and update, and download of attachments, over the standalone host.</summary>
public abstract class AttachmentHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private static string NotLinkable(string id) => $"Attachment {id} is not an upload of yours waiting to be linked";

    [Fact]
    public async Task A_raw_upload_answers_its_metadata_and_the_hash_of_its_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes("Quote: 2 laptops");

        var response = await Api.UploadAsync(bytes, "laptop quote ü.txt", "Text/Plain; Charset=UTF-8", Api.Token(username: "agent.one"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(["id", "filename", "contentType", "size", "sha256", "uploadedBy", "uploadedAt"], json.EnumerateObject().Select(p => p.Name));
        Assert.True(Guid.TryParseExact(json.GetProperty("id").GetString(), "D", out _));
        Assert.Equal("laptop quote ü.txt", json.GetProperty("filename").GetString());
        Assert.Equal("text/plain; charset=utf-8", json.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, json.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), json.GetProperty("sha256").GetString());
        Assert.Equal("agent.one", json.GetProperty("uploadedBy").GetString());
    }

    [Fact]
    public async Task A_multipart_upload_takes_the_name_and_type_of_its_one_file_part()
    {
        var response = await Api.UploadMultipartAsync("%PDF-1.7"u8.ToArray(), "scan.pdf", "application/pdf");

        var json = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("scan.pdf", "application/pdf", 8L), (json.GetProperty("filename").GetString(), json.GetProperty("contentType").GetString(), json.GetProperty("size").GetInt64()));
    }

    [Fact]
    public async Task A_multipart_body_with_a_second_part_or_without_a_file_is_refused()
    {
        var two = new MultipartFormDataContent { { new ByteArrayContent("a"u8.ToArray()), "file", "a.txt" }, { new StringContent("x"), "comment" } };
        var none = new MultipartFormDataContent { { new StringContent("x"), "comment" } };

        var second = await (await Api.UploadAsync(two, filename: null, contentType: null)).JsonAsync();
        var missing = await (await Api.UploadAsync(none, filename: null, contentType: null)).JsonAsync();

        Assert.Equal(["A multipart/form-data upload must have exactly one part, the file"], second.Reasons("body"));
        Assert.Single(missing.Reasons("body"));
    }

    [Fact]
    public async Task A_file_larger_than_the_request_buffer_streams_through_whole()
    {
        // Over the JSON body limit (Limits__MaxBodyBytes, 1 MiB) and several of the Blob store's 1 MiB blocks.
        var bytes = AttachmentStoreContract.Bytes(3 * 1024 * 1024 + 17);
        var id = await Api.UploadIdAsync(bytes, "big.bin", "application/octet-stream");
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));

        var download = await Api.DownloadAsync(ticket.ObjectId(), id);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Uploads_over_the_limit_get_413_whether_declared_or_streamed_and_an_empty_one_400()
    {
        await using var small = await hosts.StartAsync(settings => settings["Attachments:MaxBytes"] = "1000");
        const string message = "The attachment is larger than 1000 bytes";

        var declared = await small.UploadAsync(new byte[1001]);
        var streamed = await small.UploadAsync(new StreamContent(new NoLengthStream(new byte[1001])), "x.bin", "application/octet-stream");
        var exact = await small.UploadAsync(new byte[1000]);
        var empty = await small.UploadAsync([]);

        await AssertError(declared, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", message);
        await AssertError(streamed, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", message);
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        Assert.Equal(["The attachment is empty"], (await empty.JsonAsync()).Reasons("body"));
    }

    [Fact]
    public async Task File_names_lose_paths_and_control_characters_and_must_be_1_to_255_characters()
    {
        var cleaned = await (await Api.UploadAsync("x"u8.ToArray(), "C:\\fakepath\\in\u202Evoice\u0007.txt ")).JsonAsync();
        var tooLong = await (await Api.UploadAsync("x"u8.ToArray(), new string('a', 252) + ".txt")).JsonAsync();
        var longest = await Api.UploadAsync("x"u8.ToArray(), new string('a', 251) + ".txt");
        var nothingLeft = await (await Api.UploadAsync("x"u8.ToArray(), "../\u0001")).JsonAsync();
        var missing = await (await Api.UploadAsync("x"u8.ToArray(), filename: null)).JsonAsync();

        Assert.Equal("invoice.txt", cleaned.GetProperty("filename").GetString());
        Assert.Equal(["The file name must be at most 255 characters long"], tooLong.Reasons("x-filename"));
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        Assert.Single(nothingLeft.Reasons("x-filename"));
        Assert.Equal(["Header x-filename is required unless the body is multipart/form-data"], missing.Reasons("x-filename"));
    }

    [Fact]
    public async Task Uploading_needs_the_write_scope_and_a_write_role()
    {
        var readOnly = await Api.UploadAsync("x"u8.ToArray(), token: Api.Token(scope: "tickets:read"));
        var roleless = await Api.UploadAsync("x"u8.ToArray(), token: Api.Token(roles: "uma_authorization"));

        await AssertError(readOnly, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to upload attachment");
        await AssertError(roleless, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to upload attachment");
    }

    [Fact]
    public async Task Create_links_uploads_with_the_servers_metadata_and_only_the_clients_description()
    {
        var bytes = "quote"u8.ToArray();
        var id = await Api.UploadIdAsync(bytes, "quote.txt");
        var body = Bodies.Example(b => b["attachments"] = new System.Text.Json.Nodes.JsonObject
        {
            [id] = new System.Text.Json.Nodes.JsonObject { ["description"] = "The vendor's quote", ["filename"] = "evil.exe", ["size"] = 1 },
        });

        var ticket = await TicketOf(await Api.CreateAsync(body));

        var attachment = ticket.GetProperty("attachments").GetProperty(id);
        Assert.Equal(["id", "filename", "contentType", "size", "sha256", "uploadedBy", "uploadedAt", "description"], attachment.EnumerateObject().Select(p => p.Name));
        Assert.Equal((id, "quote.txt", "text/plain", 5L, "The vendor's quote"),
            (attachment.GetProperty("id").GetString(), attachment.GetProperty("filename").GetString(), attachment.GetProperty("contentType").GetString(),
             attachment.GetProperty("size").GetInt64(), attachment.GetProperty("description").GetString()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), attachment.GetProperty("sha256").GetString());
        // The creation's history entry says what was attached.
        var created = (await (await Api.GetHistoryAsync(ticket.ObjectId())).JsonAsync()).GetProperty("history")[0];
        Assert.Equal("quote.txt", created.GetProperty("changes").GetProperty($"attachments.{id}").GetProperty("new").GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Unknown_ids_and_other_users_or_tenants_uploads_are_refused_with_one_message_and_nothing_is_created()
    {
        var unknown = Guid.NewGuid().ToString();
        var someoneElses = await Api.UploadIdAsync(token: Api.Token(username: "someone.else"));
        var otherTenants = await Api.UploadIdAsync(token: Api.Token(tenant: TestApi.OtherTenant, teams: "ops"), tenantHeader: TestApi.OtherTenant);
        var before = await Api.CreateTicketAsync();

        var response = await Api.CreateAsync(WithAttachments((unknown, null), (someoneElses, null), (otherTenants, null)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([NotLinkable(unknown), NotLinkable(someoneElses), NotLinkable(otherTenants)], (await response.JsonAsync()).Reasons("attachments"));
        // No ticket was made: the next one takes the number right after the last.
        var after = await Api.CreateTicketAsync();
        Assert.Equal(before.GetProperty("id_serial").GetInt64() + 1, after.GetProperty("id_serial").GetInt64());
    }

    [Fact]
    public async Task An_upload_can_be_linked_for_24_hours_and_not_after()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = await hosts.StartAsync(services: services => services.AddSingleton<TimeProvider>(clock));
        var early = await api.UploadIdAsync();
        var late = await api.UploadIdAsync();

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(WithAttachments((early, null)))).StatusCode);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var expired = await api.CreateAsync(WithAttachments((late, null)));

        Assert.Equal([NotLinkable(late)], (await expired.JsonAsync()).Reasons("attachments"));
    }

    [Fact]
    public async Task Malformed_attachment_maps_are_refused_by_key()
    {
        var response = await Api.CreateAsync(Bodies.Example(b => b["attachments"] = System.Text.Json.Nodes.JsonNode.Parse(
            """{"not-a-uuid":{},"9b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b":"x","0b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b":{"description":7},"1b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b":null}""")));

        Assert.Equal(
        [
            "Attachment id not-a-uuid is not an upload id (a UUID)",
            "Attachment 9b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b must be an object",
            "The description of attachment 0b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b must be a string of at most 1000 characters, or null",
            "Attachment 1b2f8a40-1c3d-4e5f-8a6b-7c8d9e0f1a2b must be an object",
        ], (await response.JsonAsync()).Reasons("attachments"));
    }

    [Fact]
    public async Task An_upload_links_to_one_ticket_only()
    {
        var id = await Api.UploadIdAsync();
        await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));

        var second = await Api.CreateAsync(WithAttachments((id, null)));

        Assert.Equal([NotLinkable(id)], (await second.JsonAsync()).Reasons("attachments"));
    }

    [Fact]
    public async Task Update_adds_and_removes_attachments_and_history_records_both()
    {
        var first = await Api.UploadIdAsync("one"u8.ToArray(), "one.txt");
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((first, null))));
        var second = await Api.UploadIdAsync("two"u8.ToArray(), "two.txt");

        var updated = await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $$$"""
            "attachments":{"{{{first}}}":null,"{{{second}}}":{"description":"second"}}
            """)));

        Assert.Equal([second], updated.GetProperty("attachments").EnumerateObject().Select(p => p.Name));
        Assert.Equal("second", updated.GetProperty("attachments").GetProperty(second).GetProperty("description").GetString());
        var entry = (await (await Api.GetHistoryAsync(ticket.ObjectId())).JsonAsync()).GetProperty("history")[1];
        var changes = entry.GetProperty("changes");
        Assert.Equal(JsonValueKind.Null, changes.GetProperty($"attachments.{first}").GetProperty("new").ValueKind);
        Assert.Equal("one.txt", changes.GetProperty($"attachments.{first}").GetProperty("old").GetProperty("filename").GetString());
        Assert.Equal(JsonValueKind.Null, changes.GetProperty($"attachments.{second}").GetProperty("old").ValueKind);
        Assert.Equal("two.txt", changes.GetProperty($"attachments.{second}").GetProperty("new").GetProperty("filename").GetString());
        // Removed means gone from the API: its download is 404.
        await AssertError(await Api.DownloadAsync(ticket.ObjectId(), first), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        Assert.Equal(HttpStatusCode.OK, (await Api.DownloadAsync(ticket.ObjectId(), second)).StatusCode);
    }

    [Fact]
    public async Task Update_with_an_upload_that_is_not_the_callers_changes_nothing()
    {
        var ticket = await Api.CreateTicketAsync();
        var someoneElses = await Api.UploadIdAsync(token: Api.Token(username: "someone.else"));

        var response = await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $$$"""
            "summary":"changed","attachments":{"{{{someoneElses}}}":{}}
            """));

        Assert.Equal([NotLinkable(someoneElses)], (await response.JsonAsync()).Reasons("attachments"));
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId()));
        Assert.Equal((ticket.Etag(), "Hardware request - new laptop"), (read.Etag(), read.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task Download_streams_the_bytes_as_an_attachment_with_nosniff_and_the_stored_type()
    {
        var bytes = "a,b\n1,2\n"u8.ToArray();
        var id = await Api.UploadIdAsync(bytes, "report ü.csv", "text/csv");
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));

        var response = await Api.DownloadAsync(ticket.ObjectId(), id, Api.Token(scope: "tickets:read"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal(("attachment", "report ü.csv"), (disposition.DispositionType, disposition.FileNameStar));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("image/svg+xml")]
    public async Task Pages_a_browser_would_run_are_served_as_octet_stream(string type)
    {
        var id = await Api.UploadIdAsync("<svg onload=alert(1)>"u8.ToArray(), "x", type);
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));

        var response = await Api.DownloadAsync(ticket.ObjectId(), id);

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Download_is_404_unless_the_attachment_is_linked_to_that_ticket_and_needs_read_access()
    {
        var id = await Api.UploadIdAsync();
        var owner = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));
        var other = await Api.CreateTicketAsync();
        var pending = await Api.UploadIdAsync();

        await AssertError(await Api.DownloadAsync(other.ObjectId(), id), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        await AssertError(await Api.DownloadAsync(owner.ObjectId(), pending), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        await AssertError(await Api.DownloadAsync(owner.ObjectId(), "../" + id), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DownloadAsync(owner.ObjectId(), id, Api.Token(teams: "facilities"))).StatusCode);
        await AssertError(await Api.DownloadAsync(owner.ObjectId(), id, Api.Token(tenant: TestApi.OtherTenant)), HttpStatusCode.NotFound, "TENANT_NOT_FOUND");
    }

    [Fact]
    public async Task A_deleted_tickets_attachments_are_gone_too()
    {
        var id = await Api.UploadIdAsync();
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()))).StatusCode);

        await AssertError(await Api.DownloadAsync(ticket.ObjectId(), id, Api.Token(roles: "tenant_admin")), HttpStatusCode.NotFound, "TICKET_NOT_FOUND");
    }

    /// <summary>The pending uploads the default test caller (user@example.com, subject user@example.com) holds now.</summary>
    private Task<PendingUsage> PendingOfDefaultCallerAsync() => Api.Services.GetRequiredService<IAttachmentStore>().PendingUsageAsync(TestApi.Tenant,
        new TicketingFunctions.Auth.CallerIdentity(TicketingFunctions.Auth.RealmAuthentication.IssuerFor(Api.Auth, TestApi.Realm), "user@example.com").Key,
        "2000-01-01T00:00:00.000Z", default);

    private Task<HttpResponseMessage> UploadRawMultipartAsync(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        return Api.UploadAsync(content, filename: null, contentType: "multipart/form-data; boundary=XyZ");
    }

    private const string FilePartHead = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n";

    [Theory]
    [InlineData(FilePartHead + "\r\nhello, never closed")]
    [InlineData(FilePartHead + "\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nx\r\n--XyZ--\r\n")]
    [InlineData(FilePartHead + "\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nx, never closed")]
    [InlineData(FilePartHead)]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"")]
    [InlineData("--XyZ\r\n")]
    public async Task An_unfinished_or_second_part_multipart_body_is_a_400_keyed_body_and_nothing_is_stored(string body)
    {
        var before = await PendingOfDefaultCallerAsync();

        var response = await UploadRawMultipartAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("INPUT_VALIDATION_FAILURE", json.GetProperty("code").GetString());
        Assert.Equal(["body"], json.ReasonKeys());
        Assert.Equal(before, await PendingOfDefaultCallerAsync());
        // A well-formed one after it is stored: the check above saw the store.
        Assert.Equal(HttpStatusCode.OK, (await UploadRawMultipartAsync(FilePartHead + "\r\nhello\r\n--XyZ--\r\n")).StatusCode);
        Assert.Equal(before.Count + 1, (await PendingOfDefaultCallerAsync()).Count);
    }

    [Fact]
    public async Task Ownership_of_an_upload_is_the_tokens_issuer_and_subject_never_its_names()
    {
        // Same username, email and names as the default caller: only the subject differs.
        var twin = Api.Token(subject: "another-subject");
        var twinsUpload = await Api.UploadIdAsync(token: twin);
        // A renamed caller with the default subject is still the same caller.
        var mine = await Api.UploadIdAsync(token: Api.Token(username: "renamed", email: "renamed@example.com", subject: "user@example.com"));

        var refused = await Api.CreateAsync(WithAttachments((twinsUpload, null)));
        var linked = await Api.CreateAsync(WithAttachments((mine, null)));

        Assert.Equal([NotLinkable(twinsUpload)], (await refused.JsonAsync()).Reasons("attachments"));
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        // The twin links its own.
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(WithAttachments((twinsUpload, null)), twin)).StatusCode);
    }

    [Fact]
    public async Task A_file_name_of_255_emoji_is_accepted_and_256_refused()
    {
        var longest = await Api.UploadAsync("x"u8.ToArray(), string.Concat(Enumerable.Repeat("🙂", 255)));
        var tooLong = await Api.UploadAsync("x"u8.ToArray(), string.Concat(Enumerable.Repeat("🙂", 256)));

        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        Assert.Equal(["The file name must be at most 255 characters long"], (await tooLong.JsonAsync()).Reasons("x-filename"));
    }

    [Theory]
    [InlineData("text/xml")]
    [InlineData("application/rss+xml")]
    [InlineData("text/xsl")]
    [InlineData("text/javascript")]
    [InlineData("application/javascript")]
    [InlineData("multipart/x-mixed-replace; boundary=x")]
    [InlineData("*/*")]
    [InlineData("text/*")]
    [InlineData("application/x-unknown-thing")]
    public async Task Every_type_outside_the_allow_list_is_served_as_octet_stream(string type)
    {
        var id = await Api.UploadIdAsync("<x/>"u8.ToArray(), "x", type);
        var ticket = await TicketOf(await Api.CreateAsync(WithAttachments((id, null))));

        var response = await Api.DownloadAsync(ticket.ObjectId(), id);

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Pending_uploads_past_the_callers_count_or_bytes_quota_get_429_with_retry_after_and_linking_frees_them()
    {
        await using var api = await hosts.StartAsync(s =>
        {
            s["Attachments:MaxPendingUploads"] = "2";
            s["Attachments:MaxPendingBytes"] = "10";
        });
        var first = await api.UploadIdAsync("1234"u8.ToArray());
        await api.UploadIdAsync("5678"u8.ToArray());

        var third = await api.UploadAsync("9"u8.ToArray());
        var otherCaller = await api.UploadAsync("9"u8.ToArray(), token: api.Token(subject: "someone-else"));

        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        var json = await third.JsonAsync();
        Assert.Equal("UPLOAD_QUOTA_EXCEEDED", json.GetProperty("code").GetString());
        var retryAfter = int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 24 * 3600);
        Assert.Equal(HttpStatusCode.OK, otherCaller.StatusCode);

        // Linking one frees its share; bytes then bound the next: 4 pending + 7 > 10, declared or streamed.
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(WithAttachments((first, null)))).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await api.UploadAsync("1234567"u8.ToArray())).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await api.UploadAsync(new StreamContent(new NoLengthStream("1234567"u8.ToArray())), "n.txt", "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.UploadAsync("123456"u8.ToArray())).StatusCode);
    }

    /// <summary>A stream that doesn't say its length, so the client sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
