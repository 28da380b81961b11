using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;

namespace TicketingFunctions.Tests.Attachments;

/// <summary>The behaviour every <see cref="IAttachmentStore"/> must have; tenants and ids are random per test.</summary>
public abstract class AttachmentStoreContract
{
    protected abstract Task<IAttachmentStore> CreateStoreAsync();

    internal static NewAttachment NewUpload(string? tenant = null, string filename = "report ü.pdf", string contentType = "application/pdf",
        string owner = "owner-a", string uploadedAt = "2025-07-10T12:34:56.737Z") =>
        new(Guid.NewGuid().ToString(), tenant ?? Guid.NewGuid().ToString(), filename, contentType, "user@example.com", uploadedAt, owner);

    internal static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    internal static AttachmentContent Content(byte[] bytes, long maxBytes = long.MaxValue) => new(new MemoryStream(bytes), maxBytes);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task An_upload_reads_back_pending_with_its_size_hash_and_metadata()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        var bytes = Bytes(1000);

        var record = await store.UploadAsync(upload, Content(bytes), default);
        var read = await store.GetAsync(upload.TenantId, upload.Id, default);

        Assert.Equal(record, read);
        Assert.Equal((upload.Id, upload.TenantId, "report ü.pdf", "application/pdf", 1000L, Convert.ToHexStringLower(SHA256.HashData(bytes)),
            "user@example.com", "2025-07-10T12:34:56.737Z", (string?)null, "owner-a"),
            (read!.Id, read.TenantId, read.Filename, read.ContentType, read.Size, read.Sha256, read.UploadedBy, read.UploadedAt, read.TicketId, read.Owner));
    }

    [Fact]
    public async Task Pending_usage_counts_one_owners_unexpired_pending_uploads_in_one_tenant()
    {
        var store = await CreateStoreAsync();
        var tenant = Guid.NewGuid().ToString();
        await store.UploadAsync(NewUpload(tenant, owner: "owner-a", uploadedAt: "2025-07-10T10:00:00.000Z"), Content(Bytes(100)), default);
        await store.UploadAsync(NewUpload(tenant, owner: "owner-a", uploadedAt: "2025-07-10T11:00:00.000Z"), Content(Bytes(250)), default);
        var linked = NewUpload(tenant, owner: "owner-a", uploadedAt: "2025-07-10T11:30:00.000Z");
        await store.UploadAsync(linked, Content(Bytes(1000)), default);
        Assert.True(await store.LinkAsync(tenant, linked.Id, Guid.NewGuid().ToString(), default));
        await store.UploadAsync(NewUpload(tenant, owner: "owner-a", uploadedAt: "2025-07-09T09:00:00.000Z"), Content(Bytes(7)), default);   // before "since"
        await store.UploadAsync(NewUpload(tenant, owner: "owner-b", uploadedAt: "2025-07-10T11:00:00.000Z"), Content(Bytes(9)), default);
        await store.UploadAsync(NewUpload(owner: "owner-a", uploadedAt: "2025-07-10T11:00:00.000Z"), Content(Bytes(11)), default);   // another tenant

        var usage = await store.PendingUsageAsync(tenant, "owner-a", "2025-07-10T00:00:00.000Z", default);

        Assert.Equal(new PendingUsage(2, 350, "2025-07-10T10:00:00.000Z"), usage);
        Assert.Equal(PendingUsage.None, await store.PendingUsageAsync(Guid.NewGuid().ToString(), "owner-a", "2025-07-10T00:00:00.000Z", default));
    }

    [Fact]
    public async Task A_file_of_several_blocks_keeps_every_byte()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        var bytes = Bytes(BlobAttachmentStore.BlockBytes * 2 + 12345);
        var ticketId = Guid.NewGuid().ToString();

        var record = await store.UploadAsync(upload, Content(bytes), default);
        Assert.True(await store.LinkAsync(upload.TenantId, upload.Id, ticketId, default));

        Assert.Equal(bytes.Length, record.Size);
        Assert.Equal(bytes, await ReadAllAsync((await store.OpenReadAsync(upload.TenantId, upload.Id, ticketId, default))!));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (await store.GetAsync(upload.TenantId, upload.Id, default))!.Sha256);
    }

    [Fact]
    public async Task An_upload_over_the_limit_throws_and_leaves_nothing()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();

        var refused = await Assert.ThrowsAsync<AttachmentTooLargeException>(() => store.UploadAsync(upload, Content(Bytes(5000), maxBytes: 4999), default));

        Assert.Equal(4999, refused.MaxBytes);
        Assert.Null(await store.GetAsync(upload.TenantId, upload.Id, default));
        Assert.False(await store.LinkAsync(upload.TenantId, upload.Id, Guid.NewGuid().ToString(), default));
    }

    [Fact]
    public async Task Linking_is_once_per_ticket_retries_are_fine_and_another_ticket_is_refused()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        await store.UploadAsync(upload, Content(Bytes(10)), default);
        var ticket = Guid.NewGuid().ToString();

        Assert.True(await store.LinkAsync(upload.TenantId, upload.Id, ticket, default));
        Assert.True(await store.LinkAsync(upload.TenantId, upload.Id, ticket, default));
        Assert.False(await store.LinkAsync(upload.TenantId, upload.Id, Guid.NewGuid().ToString(), default));
        Assert.Equal(ticket, (await store.GetAsync(upload.TenantId, upload.Id, default))!.TicketId);
    }

    [Fact]
    public async Task Concurrent_links_of_one_upload_to_two_tickets_let_exactly_one_win()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        await store.UploadAsync(upload, Content(Bytes(100_000)), default);
        var tickets = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString()).ToArray();

        var results = await Task.WhenAll(tickets.Select(t => store.LinkAsync(upload.TenantId, upload.Id, t, default)));

        Assert.Single(results, r => r);
        var winner = tickets[Array.IndexOf(results, true)];
        Assert.Equal(winner, (await store.GetAsync(upload.TenantId, upload.Id, default))!.TicketId);
    }

    [Fact]
    public async Task Content_is_readable_only_once_linked_and_only_for_its_ticket()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        var bytes = Bytes(64);
        await store.UploadAsync(upload, Content(bytes), default);
        var ticket = Guid.NewGuid().ToString();

        Assert.Null(await store.OpenReadAsync(upload.TenantId, upload.Id, ticket, default));
        await store.LinkAsync(upload.TenantId, upload.Id, ticket, default);

        Assert.Null(await store.OpenReadAsync(upload.TenantId, upload.Id, Guid.NewGuid().ToString(), default));
        Assert.Equal(bytes, await ReadAllAsync((await store.OpenReadAsync(upload.TenantId, upload.Id, ticket, default))!));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_uploads_and_unknown_or_malformed_ids_are_missing()
    {
        var store = await CreateStoreAsync();
        var upload = NewUpload();
        await store.UploadAsync(upload, Content(Bytes(10)), default);
        var other = Guid.NewGuid().ToString();

        Assert.Null(await store.GetAsync(other, upload.Id, default));
        Assert.False(await store.LinkAsync(other, upload.Id, Guid.NewGuid().ToString(), default));
        Assert.Null(await store.GetAsync(upload.TenantId, Guid.NewGuid().ToString(), default));
        Assert.Null(await store.GetAsync(upload.TenantId, "../" + upload.Id, default));
        Assert.Null(await store.OpenReadAsync("..", upload.Id, Guid.NewGuid().ToString(), default));
    }
}

public sealed class LocalFolderAttachmentStoreTests : AttachmentStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("attachments-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-07-10T12:34:56.737Z", System.Globalization.CultureInfo.InvariantCulture));

    private LocalFolderAttachmentStore NewStore() =>
        new(Options.Create(new AttachmentOptions { LocalPath = _folder }), _time);

    protected override Task<IAttachmentStore> CreateStoreAsync() => Task.FromResult<IAttachmentStore>(NewStore());

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_restart_finds_pending_and_linked_uploads_with_their_bytes_and_a_pending_one_can_still_be_linked_or_swept()
    {
        var pending = NewUpload();
        var swept = NewUpload(pending.TenantId);
        var linked = NewUpload(pending.TenantId);
        var ticketId = Guid.NewGuid().ToString();
        var before = NewStore();
        foreach (var upload in new[] { pending, swept, linked }) await before.UploadAsync(upload, Content(Bytes(100)), default);
        await before.LinkAsync(linked.TenantId, linked.Id, ticketId, default);

        var after = NewStore();   // the same folder, as the next process sees it

        Assert.Null((await after.GetAsync(pending.TenantId, pending.Id, default))!.TicketId);
        await using (var read = await after.OpenReadAsync(linked.TenantId, linked.Id, ticketId, default))
        {
            using var copy = new MemoryStream();
            await read!.CopyToAsync(copy);
            Assert.Equal(Bytes(100), copy.ToArray());
        }
        Assert.True(await after.LinkAsync(pending.TenantId, pending.Id, ticketId, default));
        _time.Advance(AttachmentOptions.PendingLifetime);
        Assert.Equal(1, await after.SweepAsync(default));
        Assert.Null(await after.GetAsync(swept.TenantId, swept.Id, default));
    }

    [Fact]
    public async Task The_sweep_deletes_pending_uploads_a_day_old_and_keeps_younger_and_linked_ones()
    {
        var store = NewStore();
        var old = NewUpload();                                                   // uploaded at the fake clock's start
        var linked = NewUpload(old.TenantId);
        var young = NewUpload(old.TenantId) with { UploadedAt = "2025-07-11T12:00:00.000Z" };
        foreach (var upload in new[] { old, linked, young }) await store.UploadAsync(upload, Content(Bytes(10)), default);
        await store.LinkAsync(linked.TenantId, linked.Id, Guid.NewGuid().ToString(), default);

        _time.Advance(AttachmentOptions.PendingLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await store.SweepAsync(default));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await store.SweepAsync(default));

        Assert.Null(await store.GetAsync(old.TenantId, old.Id, default));
        Assert.NotNull(await store.GetAsync(young.TenantId, young.Id, default));
        Assert.NotNull(await store.GetAsync(linked.TenantId, linked.Id, default));
        Assert.Empty(Directory.EnumerateFiles(_folder, old.Id + "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_sweeper_service_sweeps_at_start_and_then_every_hour()
    {
        var store = NewStore();
        var first = NewUpload() with { UploadedAt = "2025-07-09T12:00:00.000Z" };   // already a day old
        var second = NewUpload(first.TenantId);                                      // a day old 24 h from now
        await store.UploadAsync(first, Content(Bytes(10)), default);
        await store.UploadAsync(second, Content(Bytes(10)), default);
        using var sweeper = new PendingUploadSweeper(store, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<PendingUploadSweeper>.Instance);

        await sweeper.StartAsync(default);
        await WaitUntilAsync(async () => await store.GetAsync(first.TenantId, first.Id, default) is null);
        Assert.NotNull(await store.GetAsync(second.TenantId, second.Id, default));

        // Hour by hour: each step fires the sweeper's pending delay once it has set it; the second upload goes when
        // it is a day old, not before.
        var hours = 0;
        await WaitUntilAsync(async () =>
        {
            if (await store.GetAsync(second.TenantId, second.Id, default) is null) return true;
            _time.Advance(PendingUploadSweeper.Interval);
            hours++;
            return false;
        });
        Assert.True(hours >= 24, $"deleted after {hours} h");
        await sweeper.StopAsync(default);
    }

    /// <summary>The sweeper runs on its own task: poll its observable effect (no sleeps; bounded so a bug fails, not hangs).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweeper did not delete the upload");
            await Task.Delay(1);
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class BlobAttachmentStoreTests(AzuriteFixture azurite) : AttachmentStoreContract
{
    protected override async Task<IAttachmentStore> CreateStoreAsync() => new BlobAttachmentStore(await azurite.NewContainerAsync());

    [Fact]
    public async Task Pending_uploads_are_under_the_pending_prefix_and_linked_ones_under_the_tenant()
    {
        var container = await azurite.NewContainerAsync();
        var store = new BlobAttachmentStore(container);
        var upload = NewUpload();
        await store.UploadAsync(upload, Content(Bytes(10)), default);
        Assert.Equal([$"pending/{upload.TenantId}/{upload.Id}"], await NamesAsync(container));

        await store.LinkAsync(upload.TenantId, upload.Id, Guid.NewGuid().ToString(), default);
        Assert.Equal([$"{upload.TenantId}/{upload.Id}"], await NamesAsync(container));
    }

    private static async Task<List<string>> NamesAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync()) names.Add(item.Name);
        return names;
    }
}
