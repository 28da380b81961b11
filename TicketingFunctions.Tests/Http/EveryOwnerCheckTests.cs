using System.Net;
using System.Text.Json;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class EveryOwnerCheckOnEmbeddedStore() : EveryOwnerCheckTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EveryOwnerCheckOnCosmos(CosmosEmulatorFixture emulator) : EveryOwnerCheckTests(new CosmosHosts(emulator));

/// <summary>
/// Issue 21, "every owner check, one identity": two callers with the same username, email and display name but
/// different subjects are two callers to every rule about "the same caller": idempotency keys, the pending-upload
/// quota, linking and downloading uploads, <c>submittedBy=me</c>, and cancelling one's own ticket (L4). The one
/// <c>me</c> that stays a name is <c>assignee=me</c>: an assignee is a username an agent typed, with no subject.
/// </summary>
public abstract class EveryOwnerCheckTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;

    private static string NotLinkable(string id) => $"Attachment {id} is not an upload of yours waiting to be linked";

    public async Task InitializeAsync() => Api = await hosts.StartAsync(settings => settings["Attachments:MaxPendingUploads"] = "2");
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Pat => Api.Token(username: "pat", email: "pat@example.com", subject: "subject-pat");
    private string Namesake => Api.Token(username: "pat", email: "pat@example.com", subject: "subject-namesake");

    private async Task<HttpResponseMessage> CreateWithKeyAsync(string key, string token)
    {
        var request = Api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await Api.Client.SendAsync(request);
    }

    private async Task<string[]> MineAsync(string token)
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?submittedBy=me&pageSize=100", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("object_id").GetString()!).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Namesakes_with_different_subjects_are_two_callers_to_every_owner_rule()
    {
        // Idempotency: the same key and the same request from the namesake is a request of its own, not a replay.
        var patsFirst = await CreateWithKeyAsync("same-key", Pat);
        var namesakes = await CreateWithKeyAsync("same-key", Namesake);
        var patsReplay = await CreateWithKeyAsync("same-key", Pat);
        Assert.Equal(HttpStatusCode.OK, patsFirst.StatusCode);
        Assert.Equal(HttpStatusCode.OK, namesakes.StatusCode);
        var patsTicket = await TicketOf(patsFirst);
        var namesakesTicket = await TicketOf(namesakes);
        Assert.NotEqual(patsTicket.ObjectId(), namesakesTicket.ObjectId());
        Assert.False(namesakes.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(patsTicket.ObjectId(), (await TicketOf(patsReplay)).ObjectId());
        Assert.True(patsReplay.Headers.Contains("Idempotent-Replayed"));

        // submittedBy=me: each sees the tickets it created, not its namesake's.
        Assert.Equal([patsTicket.ObjectId()], await MineAsync(Pat));
        Assert.Equal([namesakesTicket.ObjectId()], await MineAsync(Namesake));

        // The pending-upload quota (2 here) is per identity: Pat's full quota leaves the namesake's untouched.
        var first = await Api.UploadIdAsync(token: Pat);
        var second = await Api.UploadIdAsync(token: Pat);
        Assert.Equal((HttpStatusCode)429, (await Api.UploadAsync("x"u8.ToArray(), token: Pat)).StatusCode);
        var namesakesUpload = await Api.UploadIdAsync(token: Namesake);

        // Linking: the namesake can link neither of Pat's pending uploads, on create or on update; nothing changes.
        var refusedCreate = await Api.CreateAsync(WithAttachments((first, null)), Namesake);
        Assert.Equal([NotLinkable(first)], (await refusedCreate.JsonAsync()).Reasons("attachments"));
        var refusedUpdate = await Api.PatchAsync(namesakesTicket.ObjectId(), Patch(namesakesTicket.Etag(), $"\"attachments\":{{\"{second}\":{{}}}}"), Namesake);
        Assert.Equal([NotLinkable(second)], (await refusedUpdate.JsonAsync()).Reasons("attachments"));

        // Downloading: a pending upload is nobody's to download, and not through the namesake's ticket either.
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DownloadAsync(namesakesTicket.ObjectId(), first, Namesake)).StatusCode);
        var linked = await TicketOf(await Api.CreateAsync(WithAttachments((first, null)), Pat));
        Assert.Equal(HttpStatusCode.OK, (await Api.DownloadAsync(linked.ObjectId(), first, Pat)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DownloadAsync(namesakesTicket.ObjectId(), first, Namesake)).StatusCode);
        // The namesake links its own.
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(WithAttachments((namesakesUpload, null)), Namesake)).StatusCode);

        // Cancelling one's own ticket (L4): the namesake may not cancel Pat's; Pat may.
        var byNamesake = await Api.PatchAsync(patsTicket.ObjectId(), Patch(patsTicket.Etag(), "\"status_type\":\"Cancelled\""), Namesake);
        await AssertError(byNamesake, HttpStatusCode.Forbidden, "FORBIDDEN", "Your roles may not move this ticket from Open to Cancelled; only its requester or an agent may");
        var byPat = await Api.PatchAsync(patsTicket.ObjectId(), Patch(patsTicket.Etag(), "\"status_type\":\"Cancelled\""), Pat);
        Assert.Equal(HttpStatusCode.OK, byPat.StatusCode);
    }

    [Fact]
    public async Task A_token_without_a_subject_owns_nothing()
    {
        var claims = TestApi.UserClaims();
        claims.Remove("sub");
        var anonymous = Api.TokenWithClaims(claims);
        var ticket = await TicketOf(await Api.CreateAsync(Bodies.ContractExample, anonymous));

        Assert.False(ticket.GetProperty("data").TryGetProperty("submittedById", out _));
        Assert.Empty(await MineAsync(anonymous));
        var cancel = await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), "\"status_type\":\"Cancelled\""), anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
    }
}
