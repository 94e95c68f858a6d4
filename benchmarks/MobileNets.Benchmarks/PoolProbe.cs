using System.Diagnostics;
using MobileNets.Threading;

namespace MobileNets.Benchmarks;

/// <summary>`pool`: cost of one WorkerPool hand-off with trivial work (back to back, and after a pause).</summary>
internal static class PoolProbe
{
    sealed class Nothing : IParallelWork { public int Count; public void Execute(int index) => Interlocked.Increment(ref Count); }

    public static void Run()
    {
        using var pool = new WorkerPool(2);
        var work = new Nothing();
        for (int i = 0; i < 1000; i++) pool.Run(work, 2);
        foreach (int gapMicroseconds in new[] { 0, 20, 100, 1000 })
        {
            var times = new double[2000];
            for (int i = 0; i < times.Length; i++)
            {
                if (gapMicroseconds > 0) { var until = Stopwatch.GetTimestamp() + gapMicroseconds * Stopwatch.Frequency / 1_000_000; while (Stopwatch.GetTimestamp() < until) { } }
                long t0 = Stopwatch.GetTimestamp();
                pool.Run(work, 2);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(times);
            Console.WriteLine($"gap {gapMicroseconds,5} us: median hand-off {times[times.Length / 2]:0.00} us, p90 {times[(int)(times.Length * 0.9)]:0.00} us");
        }
    }
}
