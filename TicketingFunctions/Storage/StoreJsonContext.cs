using System.Text.Json.Serialization;

namespace TicketingFunctions.Storage;

/// <summary>
/// Source-generated metadata for the documents only the stores write (tickets come from
/// <see cref="Tickets.TicketJsonContext"/>, catalogs from <see cref="Catalog.CatalogJsonContext"/>), and for the scalars the Cosmos SDK hands its serializer: patch Increment values
/// and query parameters, and the arrays it reads query pages into. With these contexts, <see cref="StoreJson.Options"/> needs no reflection-built metadata; a
/// type neither knows fails loudly instead of silently falling back to reflection.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CatalogDocument))]
[JsonSerializable(typeof(CounterDocument))]
[JsonSerializable(typeof(HistoryArchiveDocument))]
[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSerializable(typeof(TicketEventState))]
[JsonSerializable(typeof(TenantRegistryDocument))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(EventDocument))]
[JsonSerializable(typeof(EventDocument[]))]
[JsonSerializable(typeof(HistoryArchiveDocument[]))]
[JsonSerializable(typeof(System.Text.Json.JsonElement[]))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Tickets.TicketComment[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
