namespace TicketingFunctions.Attachments;

/// <summary>
/// The upload body is not a well-formed upload (a multipart part with no closing boundary, part headers cut off, a
/// second part): the client's fault, answered 400 keyed <c>body</c>. Thrown from the read, so a store that is
/// streaming the bytes keeps nothing.
/// </summary>
public sealed class MalformedUploadException(string reason) : Exception(reason);
