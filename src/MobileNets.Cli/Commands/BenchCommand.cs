using System.Diagnostics;
using System.Globalization;
using MobileNets.Architectures;
using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>bench</c>: latency of one architecture on random weights (speed does not depend on their
/// values): warm-up, then timed iterations; median, p90, min and managed bytes allocated per run.
/// The warm-up runs at least <c>--warmup</c> inferences and <see cref="MinimumWarmup"/> (none with
/// <c>--warmup 0</c>, for cold-start latency): the JIT
/// recompiles hot methods (tier 0 -> tier 1) in the background during the first second or so, and
/// timing then measured that compilation, on a thread competing with ours, not steady-state
/// latency (what BenchmarkDotNet's warm-up stage also waits out).
/// </summary>
internal static class BenchCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["arch", "width", "input-size", "batch", "threads", "iterations", "warmup", "classes"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    static readonly TimeSpan MinimumWarmup = TimeSpan.FromSeconds(2);

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'");
        var arch = ArchitectureRegistry.Find(a.Require("arch"));
        double width = a.Double("width", 0.05, 4) ?? arch.DefaultWidth;
        int size = a.Int("input-size", 16, 2048) ?? arch.DefaultInputSize;
        int batch = a.Int("batch", 1, 256) ?? 1;
        int threads = a.Int("threads", 1, 256) ?? 1;
        int iterations = a.Int("iterations", 1, 100_000) ?? 50;
        int warmup = a.Int("warmup", 0, 100_000) ?? 10;
        int classes = a.Int("classes", 1, 100_000) ?? 1000;

        using var weights = new RandomWeights(arch.Build(width, classes));
        var model = ClassifierModel.Load(weights, arch.Id, width, threads: threads);
        var input = new float[batch * 3 * size * size];
        var rng = new Random(1);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 4 - 2);

        var logits = new float[batch * model.NumClasses];
        long warmupStart = Stopwatch.GetTimestamp();
        // --warmup 0 asks for none at all (cold-start latency); otherwise warm up past tiering too.
        for (int i = 0; i < warmup || (warmup > 0 && Stopwatch.GetElapsedTime(warmupStart) < MinimumWarmup); i++)
            model.Logits(input, batch, size, size, logits);
        var times = new double[iterations];
        long allocated = 0;
        for (int i = 0; i < iterations; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long t0 = Stopwatch.GetTimestamp();
            model.Logits(input, batch, size, size, logits);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        model.Network.Dispose();
        Array.Sort(times);
        double median = times[iterations / 2], p90 = times[Math.Min(iterations - 1, (int)(iterations * 0.9))], min = times[0];
        long perRun = allocated / iterations;
        var inv = CultureInfo.InvariantCulture;
        if (a.Flag("json"))
            stdout.WriteLine(string.Create(inv,
                $"{{\"arch\": \"{arch.Id}\", \"threads\": {threads}, \"batch\": {batch}, \"median_ms\": {median:0.###}, \"p90_ms\": {p90:0.###}, \"min_ms\": {min:0.###}, \"allocated_bytes_per_run\": {perRun}}}"));
        else
            stdout.WriteLine(string.Create(inv,
                $"{arch.Id} width {width} {size}x{size} batch {batch} threads {threads}: median {median:0.000} ms, p90 {p90:0.000} ms, min {min:0.000} ms, {perRun} B allocated/run ({iterations} runs)"));
        return CommandLine.Ok;
    }
}
