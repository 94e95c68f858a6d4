using System.Diagnostics;
using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Benchmarks;

/// <summary>
/// `dw H C K STRIDE`: one depthwise kernel call on aligned buffers (as the network's arena gives it),
/// repeated hot; median time and GMAC/s. Below the convolution layer: no job hand-off, no activation.
/// </summary>
internal static class DwProbe
{
    public static void Run(int h, int c, int k, int stride)
    {
        var s = new FeatureShape(h, h, c);
        var rng = new Random(1);
        var w = Enumerable.Range(0, c * k * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var packed = new PackedDepthwiseWeights(w, c, k, new float[c], SimdConfig.Best);
        var conv = new Layers.Conv2d(c, c, k, stride, 1, c, Layers.Padding.Symmetric(k / 2), w, new float[c], Activation.None, SimdConfig.Best);
        var g = conv.Geometry(s);
        var x = new AlignedBuffer(s.Size);
        var y = new AlignedBuffer(g.OutHeight * g.OutWidth * c);
        for (int i = 0; i < s.Size; i++) x.Span[i] = (float)rng.NextDouble();
        var t = new double[400];
        for (int it = -50; it < t.Length; it++)
        {
            long t0 = Stopwatch.GetTimestamp();
            DepthwiseConv.Run(packed, x.Span, s, y.Span, g, Activation.None);
            if (it >= 0) t[it] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(t);
        Console.WriteLine($"dw{k} s{stride} {h}x{h}x{c}: {t[t.Length / 2]:0.0} us, {(double)g.OutHeight * g.OutWidth * c * k * k / t[t.Length / 2] / 1000:0.0} GMAC/s");
    }
}
