using System.Collections;

namespace TicketingFunctions.Api;

/// <summary>
/// A log scope holding one named value, as <c>BeginScope(new Dictionary&lt;string, object&gt; { [name] = value })</c>
/// would, without a dictionary per request. Logging providers read it as key/value pairs (Application Insights:
/// custom dimensions); the console shows <c>name:value</c>.
/// </summary>
public sealed class LogScope(string name, object value) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => 1;

    public KeyValuePair<string, object> this[int index] =>
        index == 0 ? new(name, value) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return new(name, value);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{name}:{value}";
}
