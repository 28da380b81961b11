using Microsoft.Kiota.Abstractions.Serialization;

namespace TicketingFunctions.Client.Models;

/// <summary>
/// The per-field reasons of a 400 as plain strings. The server's <c>validationResult.reason</c> maps each refused key
/// to its messages; the map is open-ended, so Kiota keeps it as untyped <c>AdditionalData</c> nodes.
/// </summary>
public partial class ValidationError
{
    /// <summary>
    /// Field, parameter or header → why it was refused, e.g. <c>ticketRelation</c> → <c>["Field ticketRelation is required"]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reasons =>
        ValidationResult?.Reason?.AdditionalData.ToDictionary(r => r.Key, r => Messages(r.Value)) ?? [];

    private static IReadOnlyList<string> Messages(object? value) => value switch
    {
        UntypedArray messages => messages.GetValue().SelectMany(Messages).ToList(),
        UntypedString message => message.GetValue() is { } text ? [text] : [],
        string message => [message],
        null or UntypedNull => [],
        _ => [value.ToString() ?? string.Empty],
    };
}
