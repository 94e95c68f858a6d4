using System.Diagnostics;
namespace MobileNets.Benchmarks;
/// <summary>
/// `softmax`: the attention's row softmax (784 rows of 49, Hybrid-Medium's 14x14 blocks) against a
/// per-row softmax and a bare exp over the same values. Each case runs twice: the first pass may
/// still time tier-0 code.
/// </summary>
internal static class SoftmaxProbe
{
    static double Time(float[] src, float[] x, Action<float[]> f)
    {
        var t = new double[300];
        for (int it = -300; it < t.Length; it++)
        {
            src.CopyTo(x, 0);
            long t0 = Stopwatch.GetTimestamp();
            f(x);
            if (it >= 0) t[it] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(t);
        return t[t.Length / 2];
    }

    public static void Run()
    {
        foreach (var spread in new[] { 1f, 30f, 1f, 30f })
        {
            var rng = new Random(1);
            var src = Enumerable.Range(0, 784 * 49).Select(_ => (float)(rng.NextDouble() * 2 - 1) * spread).ToArray();
            var x = new float[src.Length];
            Console.WriteLine($"spread {spread}: rows {Time(src, x, a => MobileNets.Kernels.Softmax.Rows(a, 784, 49, 0.125f, MobileNets.Kernels.SimdConfig.Best)):0.0} us, per-row InPlace {Time(src, x, a => { for (int r = 0; r < 784; r++) MobileNets.Kernels.Softmax.InPlace(a.AsSpan(r * 49, 49)); }):0.0} us, exp alone {Time(src, x, a => System.Numerics.Tensors.TensorPrimitives.Exp(a, a)):0.0} us");
        }
    }
}
