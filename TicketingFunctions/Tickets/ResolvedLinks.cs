using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets;

/// <summary>A ticket's attachments and relation as they will be stored, once resolved against the stores.</summary>
public sealed record ResolvedLinks(JsonObject Attachments, JsonObject? Relation);
