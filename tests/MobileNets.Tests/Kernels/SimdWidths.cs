using System.Runtime.Intrinsics;
using MobileNets.Kernels;

namespace MobileNets.Tests.Kernels;

/// <summary>Every vector width this machine can run, plus the scalar path.</summary>
public static class SimdWidths
{
    public static TheoryData<int> Available()
    {
        var data = new TheoryData<int> { (int)SimdWidth.Scalar };
        if (Vector128.IsHardwareAccelerated) data.Add((int)SimdWidth.V128);
        if (Vector256.IsHardwareAccelerated) data.Add((int)SimdWidth.V256);
        if (Vector512.IsHardwareAccelerated) data.Add((int)SimdWidth.V512);
        return data;
    }

    public static float[] Random(Random rng, int n, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>max|a - b| &lt;= tol * max(1, max|b|): magnitude-scaled, as TensorPrimitives' tests do.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = 1f, err = 0f;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = MathF.Max(scale, MathF.Abs(expected[i]));
            float e = MathF.Abs(expected[i] - actual[i]);
            if (!(e <= err)) { err = e; worst = i; }
        }
        Assert.True(err <= tol * scale, $"{what}: max error {err} at {worst} (expected {(worst >= 0 ? expected[worst] : 0)}, got {(worst >= 0 ? actual[worst] : 0)}), scale {scale}");
    }
}
