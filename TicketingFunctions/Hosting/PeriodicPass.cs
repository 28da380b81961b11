namespace TicketingFunctions.Hosting;

/// <summary>
/// How the standalone host runs a Functions timer's work: once at once, then at every tick of the injected
/// <see cref="TimeProvider"/>. A failed pass is reported and the next tick runs it again; stopping the host ends it.
/// </summary>
public static class PeriodicPass
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> pass, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    await pass(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // The host is stopping (or never started): nothing to report.
        }
    }
}
