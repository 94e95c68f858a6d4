using System.Diagnostics;
using System.Globalization;
using MobileNets.Architectures;
using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Benchmarks;

/// <summary>
/// `soak [MODEL|ARCH] [--runs N] [--minutes M] [--size S] [--threads T]`: the long version of the
/// LongRunTests. Runs inferences into a caller-owned buffer until N runs or M minutes, printing heap,
/// working set and GC counts every 10 s; exits 1 if, after warm-up, the managed heap grew by more than
/// 10 MB or the working set by more than 50 MB, or the logits changed. Defaults: the
/// mobilenetv1_125 test fixture, 1,000,000 runs, no time limit, 32 x 32, 1 thread.
/// </summary>
internal static class Soak
{
    const long HeapBound = 10 << 20, WorkingSetBound = 50 << 20;

    public static int Run(string[] args)
    {
        string model = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0]
            : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "tests", "MobileNets.Tests", "Fixtures", "Classifiers", "mobilenetv1_125.safetensors");
        long runs = Option(args, "--runs", 1_000_000);
        double minutes = Option(args, "--minutes", double.PositiveInfinity);
        int size = (int)Option(args, "--size", 32), threads = (int)Option(args, "--threads", 1);

        var classifier = File.Exists(model) ? ClassifierModel.Load(model, threads: threads) : RandomModel(model, threads);
        Console.WriteLine($"soak: {classifier.Architecture.Id} width {classifier.Width.ToString(CultureInfo.InvariantCulture)}, {size}x{size}, {threads} thread(s), up to {runs:N0} runs / {minutes} min");
        var rng = new Random(1);
        var input = Enumerable.Range(0, 3 * size * size).Select(_ => (float)rng.NextDouble()).ToArray();
        var first = new float[classifier.NumClasses];
        var logits = new float[classifier.NumClasses];
        classifier.Logits(input, 1, size, size, first);
        for (int i = 0; i < 1000; i++) classifier.Logits(input, 1, size, size, logits);

        using var process = Process.GetCurrentProcess();
        long heap0 = GC.GetTotalMemory(true);
        process.Refresh();
        long ws0 = process.WorkingSet64, peakWs = ws0;
        int gc0 = GC.CollectionCount(0), gc2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        var nextReport = TimeSpan.FromSeconds(10);
        var limit = double.IsInfinity(minutes) ? TimeSpan.MaxValue : TimeSpan.FromMinutes(minutes);
        long done = 0;
        bool stable = true;
        while (done < runs && clock.Elapsed < limit)
        {
            classifier.Logits(input, 1, size, size, logits);
            done++;
            if ((done & 1023) != 0) continue;
            stable &= logits.AsSpan().SequenceEqual(first);
            if (clock.Elapsed < nextReport) continue;
            nextReport += TimeSpan.FromSeconds(10);
            process.Refresh();
            peakWs = Math.Max(peakWs, process.WorkingSet64);
            Console.WriteLine($"{clock.Elapsed:hh\\:mm\\:ss}  {done,12:N0} runs  {clock.Elapsed.TotalMilliseconds / done:F3} ms/run  heap {GC.GetTotalMemory(false) / 1e6:F1} MB  ws {process.WorkingSet64 / 1e6:F1} MB  gen0 {GC.CollectionCount(0) - gc0}  gen2 {GC.CollectionCount(2) - gc2}");
        }
        clock.Stop();
        stable &= logits.AsSpan().SequenceEqual(first);
        long heapGrowth = GC.GetTotalMemory(true) - heap0;
        process.Refresh();
        long wsGrowth = process.WorkingSet64 - ws0;
        classifier.Network.Dispose();
        Console.WriteLine($"soak: {done:N0} runs in {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalMilliseconds / done:F3} ms/run); heap {heapGrowth / 1e6:+0.00;-0.00} MB, working set {wsGrowth / 1e6:+0.0;-0.0} MB (peak {peakWs / 1e6:F1} MB), gen0 {GC.CollectionCount(0) - gc0}, gen2 {GC.CollectionCount(2) - gc2}, logits {(stable ? "unchanged" : "CHANGED")}");
        bool ok = stable && heapGrowth < HeapBound && wsGrowth < WorkingSetBound;
        Console.WriteLine(ok ? "soak: PASS" : $"soak: FAIL (bounds: heap {HeapBound >> 20} MB, working set {WorkingSetBound >> 20} MB, logits unchanged)");
        return ok ? 0 : 1;
    }

    static ClassifierModel RandomModel(string arch, int threads)
    {
        var info = ArchitectureRegistry.Find(arch);
        using var weights = new RandomWeights(info.Build(info.DefaultWidth, 1000));
        return ClassifierModel.Load(weights, info.Id, threads: threads);
    }

    static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    static long Option(string[] args, string name, long fallback) => (long)Option(args, name, (double)fallback);
}
