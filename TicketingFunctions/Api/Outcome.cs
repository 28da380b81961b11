namespace TicketingFunctions.Api;

/// <summary>What a service returns: a value, or the contract's refusal.</summary>
public readonly record struct Outcome<T>(T? Value, ApiError? Error)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(ApiError error) => new(default, error);
}
