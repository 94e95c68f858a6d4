using System.Diagnostics;
using MobileNets.Quantized;

namespace MobileNets.Benchmarks;

/// <summary>`tflite MODEL.tflite [iterations] [threads]`: median latency of the integer engine on one model (input: zeros).</summary>
internal static class TfLiteTiming
{
    public static void Run(string path, int iterations, int threads = 1)
    {
        using var model = TfLiteModel.Load(path, threads);
        var input = new byte[model.Inputs[0].ByteLength];
        // Warm up past the JIT's background tier-1 recompilation (the first second or two), as `bench` does.
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 20 || warmup.Elapsed < TimeSpan.FromSeconds(2); i++) model.Run(input);
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Run(input);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"{Path.GetFileName(path)}: median {times[iterations / 2]:0.000} ms, min {times[0]:0.000} ms ({iterations} runs, {threads} thread{(threads == 1 ? "" : "s")})");
        var profile = model.ProfileOperators(input, iterations);
        foreach (var group in profile.GroupBy(p => p.Operator).OrderByDescending(g => g.Sum(p => p.Milliseconds)))
            Console.WriteLine($"  {group.Key,-40} {group.Count(),4} ops {group.Sum(p => p.Milliseconds),8:0.000} ms (min {group.Sum(p => p.MinMilliseconds),6:0.000})");
    }
}
