using MobileNets.Kernels;
using MobileNets.Kernels.Reference;

namespace MobileNets.Tests.Architectures;

/// <summary><see cref="MultiQueryAttention"/> and <see cref="Softmax"/> against their scalar twins.</summary>
public class AttentionKernelTests
{
    static float[] Random(Random rng, int n, float amplitude = 1f) =>
        Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * amplitude).ToArray();

    [Theory]
    [InlineData(1, 1, 1, 1, 1f)]
    [InlineData(7, 5, 3, 3, 0.44721f)]
    [InlineData(13, 17, 50, 9, 0.2425f)]
    [InlineData(4 * 49, 64, 49, 64, 0.125f)]   // hybrid-medium stage 3: 7x7 queries x 4 heads
    [InlineData(3 * 8, 48, 37, 48, 0.1443f)]
    public void MatchesReferenceOnAwkwardShapes(int rows, int keyDim, int keys, int valueDim, float scale)
    {
        var rng = new Random(rows * 31 + keyDim);
        var q = Random(rng, rows * keyDim, 2f);
        var k = Random(rng, keys * keyDim, 2f);
        var v = Random(rng, keys * valueDim);
        var o = new float[rows * valueDim];
        MultiQueryAttention.Run(q, rows, keyDim, k, v, keys, valueDim, scale, o, new float[keys + 3]);
        var expected = ReferenceAttention.Run(q, rows, keyDim, k, v, keys, valueDim, scale);
        for (int i = 0; i < o.Length; i++) Assert.True(Math.Abs(o[i] - expected[i]) <= 2e-6f, $"o[{i}] = {o[i]}, expected {expected[i]}");
    }

    public static TheoryData<int> Widths => MobileNets.Tests.Kernels.SimdWidths.Available();

    [Theory, MemberData(nameof(Widths))]
    public void MatrixProductFormMatchesReferenceOnAwkwardShapes(int width)
    {
        foreach (var (rows, keyDim, keys, valueDim, scale) in new[] { (1, 1, 1, 1, 1f), (7, 5, 3, 3, 0.44721f), (13, 17, 50, 9, 0.2425f), (4 * 49, 64, 49, 64, 0.125f), (4 * 196, 64, 49, 64, 0.125f), (3 * 8, 48, 37, 48, 0.1443f) })
        {
            var rng = new Random(rows * 31 + keyDim);
            var q = Random(rng, rows * keyDim, 2f);
            var k = Random(rng, keys * keyDim, 2f);
            var v = Random(rng, keys * valueDim);
            var o = new float[rows * valueDim];
            var simd = (SimdWidth)width;
            MultiQueryAttention.RunAsProducts(q, rows, keyDim, k, v, keys, valueDim, scale, o, new float[rows * keys],
                new PackedGemmWeights(keys, keyDim, simd), new PackedGemmWeights(valueDim, keys, simd));
            var expected = ReferenceAttention.Run(q, rows, keyDim, k, v, keys, valueDim, scale);
            MobileNets.Tests.Kernels.SimdWidths.AssertClose(expected, o, 2e-6f, $"{simd} rows={rows} d={keyDim} keys={keys} dv={valueDim}");
        }
    }

    /// <summary>Threads run query-row ranges (multiples of 6, and a short last one) over one packing: the same numbers as one pass.</summary>
    [Theory, MemberData(nameof(Widths))]
    public void RowRangesMatchOnePass(int width)
    {
        int rows = 4 * 49, keyDim = 64, keys = 49, valueDim = 64;
        var rng = new Random(5);
        var q = Random(rng, rows * keyDim, 2f);
        var k = Random(rng, keys * keyDim, 2f);
        var v = Random(rng, keys * valueDim);
        var simd = (SimdWidth)width;
        var whole = new float[rows * valueDim];
        MultiQueryAttention.RunAsProducts(q, rows, keyDim, k, v, keys, valueDim, 0.125f, whole, new float[rows * keys],
            new PackedGemmWeights(keys, keyDim, simd), new PackedGemmWeights(valueDim, keys, simd));
        var packedKeys = new PackedGemmWeights(keys, keyDim, simd);
        var packedValues = new PackedGemmWeights(valueDim, keys, simd);
        MultiQueryAttention.PackKeysAndValues(k, v, keys, keyDim, valueDim, packedKeys, packedValues);
        var split = new float[rows * valueDim];
        var scores = new float[rows * keys];
        foreach (var (r0, r1) in new[] { (0, 60), (60, 126), (126, rows) })
            MultiQueryAttention.ProductRows(q, r0, r1, keyDim, keys, valueDim, 0.125f, split, scores, packedKeys, packedValues);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void LargeLogitsStayFiniteAndPickTheBestKey()
    {
        // Logits of several hundred overflow exp() unless the maximum is subtracted first.
        float[] q = [30f, 0f], k = [30f, 0f, 29f, 0f, -30f, 0f], v = [1f, 2f, 3f];
        var o = new float[1];
        MultiQueryAttention.Run(q, 1, 2, k, v, 3, 1, 1f, o, new float[3]);
        var expected = ReferenceAttention.Run(q, 1, 2, k, v, 3, 1, 1f);
        Assert.True(float.IsFinite(o[0]));
        Assert.Equal(expected[0], o[0], 5);
        Assert.True(o[0] < 1.01f);
    }

    [Fact]
    public void SoftmaxSumsToOneAndMatchesTheDefinition()
    {
        float[] x = [1000f, 999f, -5f, 0.5f, 1000f];
        var p = (float[])x.Clone();
        Softmax.InPlace(p);
        double max = x.Max(), sum = x.Sum(v => Math.Exp(v - max));
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Exp(x[i] - max) / sum, p[i], 6);
        Assert.Equal(1.0, p.Sum(), 5);
    }

    /// <summary>
    /// The attention's row softmax (vector loops per row, one exp call) against its twin, a scaled copy
    /// softmaxed row by row: row lengths under, at and past a vector with tails, large logits, a NaN row.
    /// </summary>
    [Theory, MemberData(nameof(Widths))]
    public void RowSoftmaxMatchesPerRowSoftmax(int width)
    {
        var rng = new Random(11);
        foreach (var (rows, columns) in new[] { (1, 1), (3, 5), (7, 16), (5, 17), (784, 49), (6, 64), (2, 100) })
            foreach (var amplitude in new[] { 1f, 400f })
            {
                var x = Random(rng, rows * columns, amplitude);
                if (rows > 2) x[columns + 1] = float.NaN;
                var expected = x.Select(v => v * 0.125f).ToArray();
                for (int r = 0; r < rows; r++) Softmax.InPlace(expected.AsSpan(r * columns, columns));
                var actual = (float[])x.Clone();
                Softmax.Rows(actual, rows, columns, 0.125f, (SimdWidth)width);
                for (int i = 0; i < x.Length; i++)
                    Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : Math.Abs(expected[i] - actual[i]) <= 1e-6f,
                        $"{(SimdWidth)width} {rows}x{columns} amplitude {amplitude}: [{i}] = {actual[i]}, expected {expected[i]}");
            }
    }

    [Fact]
    public void ChannelAffineScalesAndShiftsEveryPixel()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9], scale = [2, -1, 0.5f], shift = [1, 0, -1];
        var y = new float[9];
        ChannelAffine.Run(x, 3, scale, shift, y);
        Assert.Equal([3f, -2f, 0.5f, 9f, -5f, 2f, 15f, -8f, 3.5f], y);
    }
}
