using System.Diagnostics;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;

namespace MobileNets.Benchmarks;

/// <summary>
/// `kernels [filter] [copies]`: quick medians of single convolutions on the shapes MobileNet layers have, in
/// GMAC/s (cases whose name contains the filter). With several copies the runs rotate over that many
/// convolutions with their own weights, so the weights come from L3 or memory as they do in a network.
/// </summary>
internal static class KernelProbe
{
    public static void Run(string filter, int copies = 1)
    {
        if (filter.Length == 0)
        {
            var s0 = new FeatureShape(224, 224, 3);
            var w = new float[16 * 27];
            var conv = new Conv2d(3, 16, 3, 2, 1, 1, Padding.Symmetric(1), w, new float[16], Activation.HardSwish, SimdConfig.Best);
            var x = new float[s0.Size]; var y = new float[112 * 112 * 16];
            var g = conv.Geometry(s0);
            var packed = new PackedGemmWeights(new float[16 * 27], 16, 27, new float[16], SimdWidth.V256);
            for (int i = 0; i < 20; i++) DirectConv.Run(packed, x, s0, y, g, Activation.HardSwish, 0, 112 * 112);
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < 100; i++) DirectConv.Run(packed, x, s0, y, g, Activation.HardSwish, 0, 112 * 112);
            Console.WriteLine($"direct stem alone: {Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 10:0.0} us");
        }
        var cases = new (string Name, int H, int Cin, int Cout, int K, int Stride, int Groups)[]
        {
            ("stem 3x3 s2 3->16", 224, 3, 16, 3, 2, 1),
            ("stem 3x3 s2 3->32", 224, 3, 32, 3, 2, 1),
            ("full 3x3 s2 32->32", 112, 32, 32, 3, 2, 1),
            ("full 3x3 s2 32->96", 56, 32, 96, 3, 2, 1),
            ("full 3x3 s2 32->128", 112, 32, 128, 3, 2, 1),
            ("pw 112 16->64", 112, 16, 64, 1, 1, 1),
            ("dw3 s2 112 64", 112, 64, 64, 3, 2, 64),
            ("pw 56 64->24", 56, 64, 24, 1, 1, 1),
            ("pw 56 24->72", 56, 24, 72, 1, 1, 1),
            ("dw3 s1 56 72", 56, 72, 72, 3, 1, 72),
            ("pw 56 72->24", 56, 72, 24, 1, 1, 1),
            ("dw5 s2 56 72", 56, 72, 72, 5, 2, 72),
            ("pw 28 40->120", 28, 40, 120, 1, 1, 1),
            ("dw5 s1 28 120", 28, 120, 120, 5, 1, 120),
            ("pw 14 112->672", 14, 112, 672, 1, 1, 1),
            ("dw5 s1 7 960", 7, 960, 960, 5, 1, 960),
            ("pw 7 960->160", 7, 960, 160, 1, 1, 1),
            ("fc 960->1280", 1, 960, 1280, 1, 1, 1),
            ("v1 pw 112 32->64", 112, 32, 64, 1, 1, 1),
            ("v1 pw 56 128->128", 56, 128, 128, 1, 1, 1),
            ("v4s dw5 s1 28 64", 28, 64, 64, 5, 1, 64),
            ("v4s pw 28 64->192", 28, 64, 192, 1, 1, 1),
            ("v4s dw5 s2 28 192", 28, 192, 192, 5, 2, 192),
            ("v4s pw 14 192->96", 14, 192, 96, 1, 1, 1),
            ("dw3 s1 112 32", 112, 32, 32, 3, 1, 32),
            ("dw3 s1 56 128", 56, 128, 128, 3, 1, 128),
            ("dw3 s1 28 256", 28, 256, 256, 3, 1, 256),
            ("dw3 s1 14 512", 14, 512, 512, 3, 1, 512),
            ("dw3 s1 7 1024", 7, 1024, 1024, 3, 1, 1024),
            ("pw 56 128->128", 56, 128, 128, 1, 1, 1),
            ("pw 28 256->256", 28, 256, 256, 1, 1, 1),
            ("pw 14 512->512", 14, 512, 512, 1, 1, 1),
            ("pw 7 1024->1024", 7, 1024, 1024, 1, 1, 1),
            ("pw 7 256->1024", 7, 256, 1024, 1, 1, 1),
            ("pw 7 1024->256", 7, 1024, 256, 1, 1, 1),
            ("pw 7 1008->256", 7, 1008, 256, 1, 1, 1),
            ("pw 14 1024->256", 14, 1024, 256, 1, 1, 1),
            ("v4m pw 14 160->640", 14, 160, 640, 1, 1, 1),
            ("tail pw 28 120->40", 28, 120, 40, 1, 1, 1),
            ("tail pw 28 120->48", 28, 120, 48, 1, 1, 1),
            ("tail pw 28 120->64", 28, 120, 64, 1, 1, 1),
            ("tail pw 56 72->16", 56, 72, 16, 1, 1, 1),
            ("tail pw 56 72->32", 56, 72, 32, 1, 1, 1),
            ("tail pw 14 480->112", 14, 480, 112, 1, 1, 1),
            ("tail pw 14 480->128", 14, 480, 128, 1, 1, 1),
            ("v4m pw 14 640->160", 14, 640, 160, 1, 1, 1),
            ("v4m dw3 s1 14 640", 14, 640, 640, 3, 1, 640),
            ("v4m pw 7 256->1024", 7, 256, 1024, 1, 1, 1),
            ("v4m pw 7 1024->256", 7, 1024, 256, 1, 1, 1),
        };
        var rng = new Random(1);
        foreach (var c in cases.Where(c => c.Name.Contains(filter)))
        {
            var s = new FeatureShape(c.H, c.H, c.Cin);
            var w = new float[c.Cout * (c.Cin / c.Groups) * c.K * c.K];
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble() - 0.5f;
            var convs = Enumerable.Range(0, copies).Select(_ => new Conv2d(c.Cin, c.Cout, c.K, c.Stride, 1, c.Groups, Padding.Symmetric(c.K / 2), w, new float[c.Cout], Activation.HardSwish, SimdConfig.Best)).ToArray();
            var conv = convs[0];
            // Random input: untouched zero pages all map one physical page and would flatter memory-bound kernels.
            var x = new float[s.Size];
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
            var y = new float[conv.OutputShape(s).Size];
            var scratch = new Scratch();
            var times = new double[200];
            for (int i = 0; i < 20; i++) conv.Forward(x, s, y, scratch);
            for (int i = 0; i < times.Length; i++)
            {
                conv = convs[i % copies];
                long t0 = Stopwatch.GetTimestamp();
                conv.Forward(x, s, y, scratch);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(times);
            double med = times[times.Length / 2];
            long macs = conv.MultiplyAccumulates(s);
            Console.WriteLine($"{c.Name,-22} {med * 1000,8:0.0} us  {macs / 1e6,7:0.00} M  {macs / 1e6 / med,6:0.0} GMAC/s  min {times[0] * 1000,7:0.0} p10 {times[times.Length / 10] * 1000,7:0.0} ({(x.Length + y.Length) * 4 / 1024} KiB in+out)");
        }
    }
}
