using Microsoft.Kiota.Abstractions.Serialization;
using TicketingFunctions.Client;
using TicketingFunctions.Client.Models;
using TicketingFunctions.Client.V2.Ticketing.Ticket.Create.Item.Item;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.OpenApi;

namespace TicketingFunctions.Tests.Client;

/// <summary>
/// The Kiota-generated client (clients/dotnet/TicketingFunctions.Client) against the standalone host on a real
/// loopback socket: discovery, create with field UUIDs, read, update with If-Match, the typed errors and the work
/// queue page by page. Every exchange also goes through the OpenAPI conformance check.
/// </summary>
public sealed class TypedClientOnEmbeddedStore() : TypedClientTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TypedClientOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TypedClientTests(new CosmosHosts(emulator));

public abstract class TypedClientTests(IApiHosts hosts) : IAsyncLifetime
{
    private const string TitleField = "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53";
    private const string NeededWithinField = "711ea9e6-1b73-4070-9eb2-941803f7f5d4";

    private TestApi Api { get; set; } = null!;
    private TicketingClient Client { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await hosts.StartOnLoopbackAsync();
        Client = TicketingClientFactory.Create(new Uri(Api.BaseAddress, "/api"), TestApi.Tenant, TestApi.Realm,
            _ => Task.FromResult(Api.Token()),
            transport: new OpenApiConformance.Handler(OpenApiContract.Instance, OpenApiConformance.Recorder) { InnerHandler = new SocketsHttpHandler() });
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    private Task<CreateTicketResponse?> CreateAsync(CreateTicketRequest body) =>
        Client.V2.Ticketing.Ticket.Create["james"]["16910"].PostAsync(body, c =>
        {
            c.QueryParameters.Type = PostTypeQueryParameterType.Template;
            c.QueryParameters.Module = "ticketing";
        });

    [Fact]
    public async Task Discover_create_read_and_update_with_if_match()
    {
        // Discover the ticket type's fields and the offer to create it from.
        var types = await Client.V2.Ticketing.TicketType.GetAsync();
        var hardware = Assert.Single(types!, t => t.Id == "16910");
        var title = Assert.Single(hardware.Fields!, f => f.Name == "Title");
        var offers = await Client.V2.Ticketing.Tenant.Sc.Offers.GetAsync();
        var laptop = Assert.Single(offers!, o => o.ItemType == hardware.Id);

        // Create: field values keyed by the fields' UUIDs; the helper sends "ticketRelation": null.
        var created = await CreateAsync(CreateTicketRequests.Create(laptop.Id!, "New laptop",
            new Dictionary<string, object> { [title.Id!] = "Need a laptop", [NeededWithinField] = "<2week" }));
        Assert.Equal("CTC-0001", created!.ObjectId);

        // Read it back.
        var read = await Client.V2.Ticketing.Ticket[created.ObjectId].GetAsync();
        Assert.Equal("New laptop", read!.Ticket!.Summary);
        Assert.Equal("Need a laptop", read.Ticket.Data!.AdditionalData[TitleField]);
        Assert.Equal(created.Ticket!.Etag, read.Ticket.Etag);

        // Update with its etag in If-Match.
        var updated = await Client.V2.Ticketing.Ticket.Update[created.ObjectId].PatchAsync(
            new UpdateTicketRequest { Summary = "New laptop and dock" },
            c => c.Headers.Add("If-Match", $"\"{read.Ticket.Etag}\""));
        Assert.Equal("New laptop and dock", updated!.Ticket!.Summary);
        Assert.Equal(2, updated.Ticket.Version);
        Assert.NotEqual(read.Ticket.Etag, updated.Ticket.Etag);

        // The first etag is stale now: a typed 412, and nothing changed.
        var stale = await Assert.ThrowsAsync<EtagMismatchError>(() => Client.V2.Ticketing.Ticket.Update[created.ObjectId].PatchAsync(
            new UpdateTicketRequest { Summary = "Lost update" },
            c => c.Headers.Add("If-Match", $"\"{read.Ticket.Etag}\"")));
        Assert.Equal(412, stale.ResponseStatusCode);
        Assert.Equal("ETAG_MISMATCH", stale.Code);
        Assert.Equal("New laptop and dock", (await Client.V2.Ticketing.Ticket[created.ObjectId].GetAsync())!.Ticket!.Summary);
    }

    [Fact]
    public async Task Work_a_ticket_along_its_discovered_workflow_with_an_assignee_and_watchers()
    {
        Client = TicketingClientFactory.Create(new Uri(Api.BaseAddress, "/api"), TestApi.Tenant, TestApi.Realm,
            _ => Task.FromResult(Api.Token(roles: "ticket_agent")),
            transport: new OpenApiConformance.Handler(OpenApiContract.Instance, OpenApiConformance.Recorder) { InnerHandler = new SocketsHttpHandler() });
        var hardware = Assert.Single((await Client.V2.Ticketing.TicketType.GetAsync())!, t => t.Id == "16910");
        // The first move the workflow lists from the initial status (the default one also has Cancelled).
        var next = hardware.Workflow!.Transitions!.First(t => t.From == hardware.InitialStatus!.Type).To;

        var created = await CreateAsync(CreateTicketRequests.Create("23629", "New laptop", new Dictionary<string, object> { [TitleField] = "Need a laptop" }));
        var updated = await Client.V2.Ticketing.Ticket.Update[created!.ObjectId].PatchAsync(new UpdateTicketRequest
        {
            Etag = created.Ticket!.Etag.ToString(),
            StatusType = next,
            Assignee = new Assignee { Username = "agent.smith" },
            TicketBody = new UpdateTicketRequest_ticketBody { CcWatchers = ["lead@example.com"] },
        });

        Assert.Equal(("In Progress", StatusCategory.InProgressCategory), (updated!.Ticket!.StatusType, updated.Ticket.StatusCategory));
        Assert.Equal("agent.smith", updated.Ticket.Assignee!.Username);
        Assert.Equal(["lead@example.com"], updated.Ticket.Data!.CcWatchers!);
        Assert.Equal(TicketMetric_name.Time_to_first_response_seconds, Assert.Single(updated.Ticket.Metrics!).Name);
        Assert.Null(updated.Ticket.ResolvedAt);
    }

    [Fact]
    public async Task A_field_the_ticket_type_lacks_is_a_typed_validation_error_keyed_by_the_field()
    {
        const string unknownField = "00000000-0000-4000-8000-000000000001";

        var error = await Assert.ThrowsAsync<ValidationError>(() => CreateAsync(CreateTicketRequests.Create("23629", "New laptop",
            new Dictionary<string, object> { [TitleField] = "Need a laptop", [unknownField] = "x" })));

        Assert.Equal(400, error.ResponseStatusCode);
        Assert.Equal("INPUT_VALIDATION_FAILURE", error.Code);
        Assert.Equal([unknownField], error.ValidationResult!.Reason!.AdditionalData.Keys);
    }

    [Fact]
    public async Task A_validation_error_gives_the_servers_message_and_each_fields_reason_as_text()
    {
        const string unknownField = "00000000-0000-4000-8000-000000000001";

        var error = await Assert.ThrowsAsync<ValidationError>(() => CreateAsync(CreateTicketRequests.Create("23629", "New laptop",
            new Dictionary<string, object> { [TitleField] = "Need a laptop", [unknownField] = "x" })));

        Assert.Equal("There occured an error during ticket data validation", error.Message);
        var (field, reasons) = Assert.Single(error.Reasons);
        Assert.Equal(unknownField, field);
        Assert.StartsWith($"Field {unknownField} is not defined for ticket type ", Assert.Single(reasons));
    }

    [Fact]
    public async Task A_missing_ticket_is_a_not_found_error_whose_message_is_the_servers()
    {
        var error = await Assert.ThrowsAsync<NotFoundError>(() => Client.V2.Ticketing.Ticket["CTC-9999"].GetAsync());

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("Ticket not found", error.Message);
        Assert.Equal("Ticket not found", error.MessageEscaped);
    }

    [Fact]
    public async Task Upload_a_stream_with_the_helper_link_it_on_create_and_download_the_same_bytes()
    {
        var bytes = "%PDF-1.4 a laptop quote"u8.ToArray();

        var upload = await Client.V2.Ticketing.Attachment.UploadAsync(new MemoryStream(bytes), "laptop quote é.pdf", "application/pdf");

        Assert.Equal(("laptop quote é.pdf", "application/pdf", bytes.Length), (upload.Filename, upload.ContentType, upload.Size));
        var request = CreateTicketRequests.Create("23629", "New laptop", new Dictionary<string, object> { [TitleField] = "Need a laptop" });
        var created = await CreateAsync(request.LinkAttachment(upload.Id!.Value, "The vendor's quote"));
        var linked = created!.Ticket!.Attachments!.AdditionalData[upload.Id.Value.ToString()];
        Assert.Equal("The vendor's quote", linked switch
        {
            UntypedObject o => ((UntypedString)o.GetValue()["description"]).GetValue(),
            IParseNode n => n.GetChildNode("description")!.GetStringValue(),
            _ => linked?.GetType().Name,
        });
        var download = await Client.V2.Ticketing.Ticket[created.ObjectId].Attachment[upload.Id.Value.ToString()].GetAsync();
        using var copy = new MemoryStream();
        await download!.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Upload_a_file_from_disk_under_its_own_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"quote-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "two docks");
        try
        {
            var upload = await Client.V2.Ticketing.Attachment.UploadFileAsync(path, "text/plain");

            Assert.Equal((Path.GetFileName(path), "text/plain", 9), (upload.Filename, upload.ContentType, upload.Size));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task An_upload_the_server_refuses_is_a_typed_validation_error()
    {
        var error = await Assert.ThrowsAsync<ValidationError>(() =>
            Client.V2.Ticketing.Attachment.UploadAsync(new MemoryStream("x"u8.ToArray()), "...", "text/plain"));

        Assert.Equal(400, error.ResponseStatusCode);
        Assert.Equal(["x-filename"], error.Reasons.Keys);
        Assert.NotEmpty(Assert.Single(error.Reasons["x-filename"]));
    }

    [Fact]
    public async Task Without_the_helper_a_generated_request_leaves_out_ticket_relation_and_is_refused()
    {
        // Why CreateTicketRequests exists: Kiota writes no null property, and the contract requires the key.
        var plain = new CreateTicketRequest
        {
            Source = "api", Summary = "New laptop", Attachments = new(),
            TicketBody = new TicketBody { OfferId = "23629", AdditionalData = { [TitleField] = "Need a laptop" } },
        };

        var error = await Assert.ThrowsAsync<ValidationError>(() => CreateAsync(plain));

        Assert.Equal(["ticketRelation"], error.ValidationResult!.Reason!.AdditionalData.Keys);
    }

    [Fact]
    public async Task Relate_a_ticket_to_its_parent_then_delete_the_parent_as_an_agent()
    {
        var parent = await CreateAsync(CreateTicketRequests.Create("23629", "New laptop", new Dictionary<string, object> { [TitleField] = "Need a laptop" }));
        var child = await CreateAsync(CreateTicketRequests.Create("23629", "Dock for it", new Dictionary<string, object> { [TitleField] = "A dock" },
            relation: new TicketRelationRequest { ObjectId = parent!.ObjectId, Type = RelationType.Parent }));

        Assert.Equal((parent.ObjectId, RelationType.Parent, parent.Ticket!.Id),
            (child!.Ticket!.TicketRelation!.ObjectId, child.Ticket.TicketRelation.Type, child.Ticket.TicketRelation.Id));

        var agent = TicketingClientFactory.Create(new Uri(Api.BaseAddress, "/api"), TestApi.Tenant, TestApi.Realm,
            _ => Task.FromResult(Api.Token(roles: "ticket_agent")),
            transport: new OpenApiConformance.Handler(OpenApiContract.Instance, OpenApiConformance.Recorder) { InnerHandler = new SocketsHttpHandler() });
        var deleted = await agent.V2.Ticketing.Ticket[parent.ObjectId].DeleteAsync(c => c.Headers.Add("If-Match", $"\"{parent.Ticket.Etag}\""));
        Assert.Equal(1, deleted!.Ticket!.DeletedSeq);

        var gone = await Assert.ThrowsAsync<NotFoundError>(() => Client.V2.Ticketing.Ticket[parent.ObjectId].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task List_the_teams_queue_page_by_page()
    {
        foreach (var summary in new[] { "First laptop", "Second laptop", "Third laptop" })
            await CreateAsync(CreateTicketRequests.Create("23629", summary, new Dictionary<string, object> { [TitleField] = summary }));

        var seen = new List<string>();
        string? next = null;
        do
        {
            var page = await Client.V2.Ticketing.Ticket.List.GetAsync(c =>
            {
                c.QueryParameters.TeamId = ["james"];
                c.QueryParameters.PageSize = 2;
                c.QueryParameters.ContinuationToken = next;
            });
            Assert.True(page!.Success);
            Assert.InRange(page.Tickets!.Count, 1, 2);
            seen.AddRange(page.Tickets.Select(t => t.Summary!));
            next = page.ContinuationToken;
        } while (next is not null);

        // Newest first, each once, across two pages.
        Assert.Equal(["Third laptop", "Second laptop", "First laptop"], seen);
    }
}
