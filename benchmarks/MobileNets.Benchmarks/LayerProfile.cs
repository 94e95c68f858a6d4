using System.Diagnostics;
using MobileNets.Architectures;
using MobileNets.Layers;
using MobileNets.Models;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Benchmarks;

/// <summary>`profile ARCH [size] [threads]`: median time per layer over repeated runs, to find the slow layer types.</summary>
internal static class LayerProfile
{
    public static void Run(string archId, int size, int threads = 1, int iterations = 50)
    {
        var arch = ArchitectureRegistry.Find(archId);
        using var weights = new RandomWeights(arch.Build(arch.DefaultWidth, 1000));
        var model = ClassifierModel.Load(weights, arch.Id);
        var layers = model.Network.Layers;
        var shape = new FeatureShape(size, size, 3);
        var inputs = new List<(FeatureShape, float[])>();
        var rng = new Random(1);
        var x = Enumerable.Range(0, shape.Size).Select(_ => (float)rng.NextDouble()).ToArray();
        using var pool = threads > 1 ? new Threading.WorkerPool(threads) : null;
        var scratch = new Scratch(pool);
        var times = new double[layers.Count][];
        // Outputs allocated once, as the network's own arena is: no first-touch page faults in the timings.
        var outputs = new float[layers.Count][];
        for (int l = 0; l < layers.Count; l++) times[l] = new double[iterations];
        {
            var s = shape;
            for (int l = 0; l < layers.Count; l++) { s = layers[l].OutputShape(s); outputs[l] = new float[s.Size]; }
        }
        for (int it = -10; it < iterations; it++)
        {
            var s = shape; var cur = x;
            for (int l = 0; l < layers.Count; l++)
            {
                var o = layers[l].OutputShape(s);
                var y = outputs[l];
                long t0 = Stopwatch.GetTimestamp();
                layers[l].Forward(cur, s, y, scratch);
                if (it >= 0) times[l][it] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                cur = y; s = o;
            }
        }
        // Each layer again, repeated on its own input: the difference from the in-network time is
        // what the layer pays for inputs and weights that the layers before it pushed out of cache.
        var hot = new double[layers.Count];
        {
            var s = shape; var cur = x;
            var rep = new double[21];
            for (int l = 0; l < layers.Count; l++)
            {
                for (int it = -3; it < rep.Length; it++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    layers[l].Forward(cur, s, outputs[l], scratch);
                    if (it >= 0) rep[it] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                Array.Sort(rep);
                hot[l] = rep[rep.Length / 2];
                cur = outputs[l]; s = layers[l].OutputShape(s);
            }
        }
        double total = 0, hotTotal = 0;
        var s2 = shape;
        for (int l = 0; l < layers.Count; l++)
        {
            Array.Sort(times[l]);
            double med = times[l][iterations / 2];
            total += med; hotTotal += hot[l];
            long macs = layers[l].MultiplyAccumulates(s2);
            var o = layers[l].OutputShape(s2);
            Console.WriteLine($"{l,3} {layers[l].GetType().Name,-18} {s2,-14} -> {o,-14} {med,8:0.000} ms {macs / 1e6,8:0.0} M  {macs / 1e6 / med,6:0.0} GMAC/s  hot {hot[l],7:0.000} ms");
            s2 = o;
        }
        Console.WriteLine($"sum of medians {total:0.000} ms (each layer repeated alone: {hotTotal:0.000} ms)");
        // The same network end to end (its own scratch and pool), for comparison with the sum above.
        var threaded = ClassifierModel.Load(weights, arch.Id, threads: threads);
        var nchw = new float[shape.Size];
        for (int i = 0; i < nchw.Length; i++) nchw[i] = (float)(rng.NextDouble() * 4 - 2);
        var logits = new float[threaded.NumClasses];
        var whole = new double[iterations];
        for (int it = -10; it < iterations; it++)
        {
            long t0 = Stopwatch.GetTimestamp();
            threaded.Logits(nchw, 1, size, size, logits);
            if (it >= 0) whole[it] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        threaded.Network.Dispose();
        Array.Sort(whole);
        Console.WriteLine($"end to end: median {whole[iterations / 2]:0.000} ms, min {whole[0]:0.000} ms");
    }
}
