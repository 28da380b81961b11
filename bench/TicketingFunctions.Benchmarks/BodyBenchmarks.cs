using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Benchmarks;

/// <summary>The create body: validation against the sample catalog, then building the ticket and writing the response.</summary>
[MemoryDiagnoser]
public class BodyBenchmarks
{
    private CatalogIndex _catalog = null!;
    private TicketType _type = null!;
    private readonly Caller _caller = new(BenchHost.Tenant, BenchHost.Realm, "user@example.com", "user@example.com", "Jane", "Doe",
        new HashSet<string> { "ticket_user" }, new HashSet<string> { "tickets:read", "tickets:write" }, new HashSet<string> { "james" });
    private readonly CreateTicketContext _context = new("james", "16910", "template", "ticketing", false);
    private readonly MemoryStream _output = new();
    private Utf8JsonWriter _writer = null!;
    private long _number;

    [GlobalSetup]
    public async Task Setup()
    {
        var file = await CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, CancellationToken.None);
        _catalog = new CatalogIndex(file.Tenants.Single(t => t.TenantId == BenchHost.Tenant));
        _type = _catalog.FindType("16910")!;
        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder });
        if (Validate() is null) throw new InvalidOperationException("The body did not validate.");
    }

    /// <summary>Parse the body (UTF-8 bytes) and validate it: the values to store, with defaults applied.</summary>
    [Benchmark]
    public ValidatedTicket? Validate()
    {
        using var document = JsonDocument.Parse(BenchHost.CreateBody);
        return TicketValidator.Validate(document.RootElement, _catalog, _type, new ValidationErrors());
    }

    /// <summary>Build the ticket from validated values and serialize the create response (source-generated JSON).</summary>
    [Benchmark]
    public long BuildAndSerialize()
    {
        // A fresh input per call: the validated values become children of the ticket's data object.
        var input = new ValidatedTicket("api", "Hardware request - new laptop", "23629",
        [
            new("ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53", JsonValue.Create("Need a replacement laptop")),
            new("7f111983-1013-41be-a056-989fff018bb5", JsonValue.Create("<p>Current laptop battery no longer holds charge.</p>")),
            new("711ea9e6-1b73-4070-9eb2-941803f7f5d4", JsonValue.Create("<2week")),
        ], [], null);
        var number = ++_number;
        var ticket = TicketFactory.Create(input, _context, _type, _caller, new DisplayNumber(number, number), DateTimeOffset.UtcNow);
        _output.Position = 0;
        _writer.Reset();
        JsonSerializer.Serialize(_writer, new CreateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.CreateTicketResponse);
        return _output.Position;
    }
}
