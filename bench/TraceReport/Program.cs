using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// TraceReport <trace.nettrace> [requests]
// Sampled allocations (GCAllocationTick, about one per 100 KB) from a gc-verbose trace: the share of bytes per
// allocated type and per allocating method, the method being the first frame on the stack that is the app's or
// ASP.NET Core's rather than the base library's. With [requests], also bytes per request (sampled bytes / requests).
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: TraceReport <trace.nettrace> [requests]");
    return 2;
}

var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
using var log = new TraceLog(etlx);
var byType = new Dictionary<string, long>();
var bySite = new Dictionary<string, long>();
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick) continue;
    var bytes = tick.AllocationAmount64;
    total += bytes;
    var type = tick.TypeName ?? "?";
    byType[type] = byType.GetValueOrDefault(type) + bytes;
    var site = Site(e.CallStack());
    var key = $"{site}  ←  {type}";
    bySite[key] = bySite.GetValueOrDefault(key) + bytes;
}
File.Delete(etlx);

if (total == 0)
{
    Console.WriteLine("no allocation samples in the trace");
    return 1;
}
Console.WriteLine($"sampled allocations: {total / 1024.0 / 1024.0:F1} MB" +
    (args.Length > 1 && long.TryParse(args[1], out var requests) && requests > 0 ? $", {total / (double)requests / 1024:F1} KB per request over {requests} requests" : ""));
Console.WriteLine("by type:");
foreach (var (name, bytes) in byType.OrderByDescending(p => p.Value).Take(25))
    Console.WriteLine($"  {100.0 * bytes / total,5:F1}%  {name}");
Console.WriteLine("by allocating method (first frame of the app or ASP.NET Core) and type:");
foreach (var (name, bytes) in bySite.OrderByDescending(p => p.Value).Take(40))
    Console.WriteLine($"  {100.0 * bytes / total,5:F1}%  {name}");
return 0;

static string Site(TraceCallStack? stack)
{
    string? first = null;
    for (var frame = stack; frame is not null; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(method)) continue;
        first ??= method;
        if (method.StartsWith("TicketingFunctions", StringComparison.Ordinal)
            || method.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || method.StartsWith("Microsoft.Extensions", StringComparison.Ordinal)
            || method.StartsWith("AngleSharp", StringComparison.Ordinal)
            || method.StartsWith("Ganss", StringComparison.Ordinal))
            return Trim(method);
    }
    return Trim(first ?? "?");
}

static string Trim(string method)
{
    var paren = method.IndexOf('(');
    return paren > 0 ? method[..paren] : method;
}
