using System.Text.Json.Serialization;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>Source-generated metadata for the record the local folder store keeps beside each file (<c>&lt;id&gt;.json</c>).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AttachmentRecord))]
public sealed partial class AttachmentRecordJsonContext : JsonSerializerContext;
