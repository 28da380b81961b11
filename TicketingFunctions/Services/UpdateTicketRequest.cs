using TicketingFunctions.Api;

namespace TicketingFunctions.Services;

/// <summary>An update request as the function read it; <see cref="IfMatch"/> is the If-Match header as parsed.</summary>
public sealed record UpdateTicketRequest(string ObjectId, IfMatch IfMatch, Stream Body, long? ContentLength = null, string? ContentType = null);
