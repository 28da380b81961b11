namespace TicketingFunctions.Api;

/// <summary>Settings under <c>Limits__*</c>: how much a request body may carry.</summary>
public sealed class RequestLimits
{
    public const string SectionName = "Limits";

    public long MaxBodyBytes { get; set; } = 1024 * 1024;
    public int MaxDepth { get; set; } = 32;
    public int MaxTicketBodyKeys { get; set; } = 200;

    /// <summary>The longest string (value or key) anywhere in a body, in characters.</summary>
    public int MaxStringLength { get; set; } = 32 * 1024;
}
