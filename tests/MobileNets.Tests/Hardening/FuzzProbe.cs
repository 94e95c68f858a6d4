using System.Diagnostics;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// One measured attempt: its wall time, the bytes it allocated on this thread
/// (<c>GC.GetAllocatedBytesForCurrentThread</c>, which counts every allocation, freed or not) and what
/// it threw. The fuzz tests and the regression corpus measure through it.
/// </summary>
public static class FuzzProbe
{
    public static (TimeSpan Elapsed, long Allocated, Exception? Error) Attempt(Action<byte[]> attempt, byte[] bytes)
    {
        Exception? error = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try { attempt(bytes); }
        catch (Exception e) { error = e; }
        clock.Stop();
        return (clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before, error);
    }
}
