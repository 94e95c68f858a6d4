using MobileNets.Kernels.Quantized;
using MobileNets.Kernels.Quantized.Reference;

namespace MobileNets.Tests.TfLite;

/// <summary>Every SIMD path of the 8-bit kernels against its scalar twin on awkward shapes.</summary>
public class QuantizedKernelTwinTests
{
    public static TheoryData<string> Paths() => ["Avx512", "Vnni", "Avx2", "Vector128", "Scalar"];

    static readonly QuantizedGemm.Path[] AllPaths =
        [QuantizedGemm.Path.Avx512, QuantizedGemm.Path.Vnni, QuantizedGemm.Path.Avx2, QuantizedGemm.Path.Vector128, QuantizedGemm.Path.Scalar];

    /// <summary>Random fp32 requantization, or every third time TFLite's fixed-point one.</summary>
    static QuantizedOutputStage RandomStage(Random rng, int channels, int padded)
    {
        var scale = new float[padded];
        for (int c = 0; c < channels; c++) scale[c] = (float)(rng.NextDouble() * 0.02 + 1e-4);
        int zp = rng.Next(0, 256), min = rng.Next(0, 60), max = rng.Next(190, 256);
        var fixedPoint = rng.Next(3) == 0 ? scale.Take(channels).Select(s => FixedPointMultiplier.From(s)).ToArray() : null;
        return new QuantizedOutputStage { Scale = scale, ZeroPoint = zp, Min = min, Max = max, FixedPoint = fixedPoint };
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void GemmMatchesScalarTwin(string pathName)
    {
        var path = Enum.Parse<QuantizedGemm.Path>(pathName);
        if (path == QuantizedGemm.Path.Avx512 && !DepthwisePixelAvx512.IsSupported) Assert.Skip("AVX-512 is not available");
        if (path == QuantizedGemm.Path.Vnni && !System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) Assert.Skip("AVX-VNNI is not available");
        if (path == QuantizedGemm.Path.Avx2 && !System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Skip("AVX2 is not available");
        var rng = new Random(1234);
        int cases = 0;
        foreach (int depth in new[] { 1, 3, 7, 17, 33, 96 })
            foreach (int channels in new[] { 1, 3, 7, 17, 33 })
                foreach (int rows in new[] { 1, 2, 3, 5, 9 })
                {
                    var weights = new sbyte[channels * depth];
                    foreach (ref var v in weights.AsSpan()) v = (sbyte)rng.Next(-128, 128);
                    var bias = Enumerable.Range(0, channels).Select(_ => rng.Next(-20000, 20000)).ToArray();
                    int weightZero = rng.Next(3) == 0 ? 0 : rng.Next(-128, 128), inputZero = rng.Next(0, 256);
                    var w = new QuantizedGemmWeights(weights, channels, depth, bias, weightZero, inputZero);
                    var stage = RandomStage(rng, channels, w.PaddedChannels);
                    int stride = depth + rng.Next(0, 5);
                    var a = new byte[(rows - 1) * stride + Math.Max(w.PaddedDepth, depth + 31)];
                    rng.NextBytes(a);
                    int outStride = channels + rng.Next(0, 3);
                    var expected = new byte[(rows - 1) * outStride + channels];
                    var actual = new byte[expected.Length];
                    ReferenceQuantizedGemm.Run(w, stage, a, stride, rows, expected, outStride);
                    QuantizedGemm.Run(w, stage, a, stride, rows, actual, outStride, path);
                    for (int m = 0; m < rows; m++)
                        Assert.Equal(expected.AsSpan(m * outStride, channels), actual.AsSpan(m * outStride, channels));
                    cases++;
                }
        Assert.Equal(150, cases);
    }

    public static TheoryData<int, int, int, int, int, int, int> DepthwiseShapes() => new()
    {
        // channels, multiplier, input size, kernel, stride, dilation, padding (1 = SAME)
        { 1, 1, 1, 3, 1, 1, 1 }, { 3, 1, 2, 3, 1, 1, 1 }, { 7, 1, 5, 3, 2, 1, 1 }, { 17, 1, 7, 3, 2, 1, 0 },
        { 33, 1, 6, 5, 1, 2, 1 }, { 8, 1, 9, 3, 2, 2, 1 }, { 3, 2, 5, 3, 1, 1, 1 }, { 5, 3, 4, 3, 2, 1, 1 },
        { 1, 7, 2, 1, 1, 1, 0 }, { 16, 1, 1, 1, 1, 1, 0 },
        // Rows with interior pixels between the borders (pointer-stepping path), channel tails of the 16- and 8-wide kernels.
        { 24, 1, 12, 3, 1, 1, 1 }, { 40, 1, 13, 3, 2, 1, 1 }, { 8, 1, 11, 3, 2, 1, 0 }, { 19, 1, 14, 5, 1, 2, 1 },
        { 16, 2, 10, 3, 2, 3, 1 }, { 32, 1, 9, 7, 1, 1, 1 }, { 48, 1, 12, 1, 2, 1, 0 }, { 5, 1, 16, 3, 2, 1, 1 },
        // Kernels wider than the input: no interior column at all.
        { 17, 1, 3, 5, 1, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(DepthwiseShapes))]
    public void DepthwiseMatchesScalarTwin(int channels, int multiplier, int size, int kernel, int stride, int dilation, int same)
    {
        var rng = new Random(channels * 1000 + size * 10 + kernel);
        int height = size, width = size + 1, outC = channels * multiplier;
        int effective = (kernel - 1) * dilation + 1;
        int oh = same == 1 ? (height + stride - 1) / stride : (height - effective + stride) / stride;
        int ow = same == 1 ? (width + stride - 1) / stride : (width - effective + stride) / stride;
        int padTop = same == 1 ? Math.Max((oh - 1) * stride + effective - height, 0) / 2 : 0;
        int padLeft = same == 1 ? Math.Max((ow - 1) * stride + effective - width, 0) / 2 : 0;
        var geo = new ConvolutionGeometry(height, width, oh, ow, kernel, kernel, stride, stride, dilation, dilation, padTop, padLeft);
        var input = new byte[height * width * channels + 64];
        rng.NextBytes(input);
        int taps = kernel * kernel, inputZero = rng.Next(256);
        var centered = Enumerable.Range(0, taps * outC).Select(_ => rng.Next(-255, 256)).ToArray();
        var bias = Enumerable.Range(0, outC).Select(_ => rng.Next(-5000, 5000)).ToArray();
        var weights = new DepthwiseWeights(centered, taps, outC, bias, inputZero);
        var stage = RandomStage(rng, outC, weights.PaddedChannels);

        var expected = new byte[oh * ow * outC];
        ReferenceQuantizedDepthwise.Run(input, channels, multiplier, inputZero, centered, bias, stage, geo, expected);
        var expanded = new byte[height * width * outC + 64];
        QuantizedDepthwise.ExpandChannels(input, height * width, channels, multiplier, expanded);
        foreach (var path in AllPaths)
        {
            var actual = new byte[expected.Length];
            QuantizedDepthwise.Run(weights, stage, geo, expanded, actual, path);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void AddMatchesScalarTwin()
    {
        var rng = new Random(77);
        foreach (int length in new[] { 1, 3, 7, 17, 33, 100 })
        {
            var p = new QuantizedAddParams((float)(rng.NextDouble() * 2 + 0.01), (float)(rng.NextDouble() * 2 + 0.01),
                rng.Next(256), rng.Next(256), rng.Next(256), rng.Next(0, 40), rng.Next(200, 256));
            var a = new byte[length]; var b = new byte[length];
            rng.NextBytes(a); rng.NextBytes(b);
            var simd = new byte[length];
            QuantizedAdd.Run(p, a, b, simd);
            var scalar = new byte[length];
            QuantizedAdd.Run(p, a, b, scalar, simd: false);
            Assert.Equal(scalar, simd);
            for (int i = 0; i < length; i++) Assert.Equal(p.Add(a[i], b[i]), simd[i]);
        }
    }

    [Fact]
    public void AddParametersFollowXnnpack()
    {
        // Ratios 0.75 and 0.5: the larger has exponent -1, so shift 21 and multipliers 0.75·2^21, 0.5·2^21.
        var p = new QuantizedAddParams(0.75f, 0.5f, 10, 20, 5, 0, 255);
        Assert.Equal(21, p.Shift);
        Assert.Equal(1572864, p.AMultiplier);
        Assert.Equal(1048576, p.BMultiplier);
        Assert.Equal((1 << 20) - 1572864 * 10 - 1048576 * 20, p.Bias);
        // (14-10)·0.75 + (22-20)·0.5 = 4 -> 4 + 5.
        Assert.Equal(9, p.Add(14, 22));
    }

    [Fact]
    public void FixedPointMultiplierFollowsTfLite()
    {
        // QuantizeMultiplier: 0.75 = 0.75 * 2^0 -> round(0.75 * 2^31); 1.0 = 0.5 * 2^1.
        Assert.Equal(new FixedPointMultiplier(0x60000000, 0), FixedPointMultiplier.From(0.75));
        Assert.Equal(new FixedPointMultiplier(1 << 30, 1), FixedPointMultiplier.From(1.0));
        Assert.Equal(new FixedPointMultiplier(1 << 30, -5), FixedPointMultiplier.From(1.0 / 64));
        Assert.Equal(1 << 29, FixedPointMultiplier.DoublingHighMul(1 << 30, 1 << 30));
        Assert.Equal(int.MaxValue, FixedPointMultiplier.DoublingHighMul(int.MinValue, int.MinValue));
        // RoundingDivideByPOT rounds halves away from zero.
        Assert.Equal(3, FixedPointMultiplier.RoundingDivideByPowerOfTwo(5, 1));
        Assert.Equal(-3, FixedPointMultiplier.RoundingDivideByPowerOfTwo(-5, 1));
        Assert.Equal(-2, FixedPointMultiplier.RoundingDivideByPowerOfTwo(-7, 2));
        // 14465 * 0.0115793301 = 167.495: fp32 gives 167, TFLite's fixed point rounds twice and gives 168.
        var m = FixedPointMultiplier.From((double)0.015686275f * 0.009291802f / 0.012587409f);
        Assert.Equal(168, m.Apply(14465));
        Assert.Equal(167, Requantization.Fp32(14465, 0.015686275f * 0.009291802f / 0.012587409f, 0, 0, 255));
    }

    [Fact]
    public void RequantizationRoundsHalfToEvenAndClamps()
    {
        // 5 * 0.5 = 2.5 -> 2 and 7 * 0.5 = 3.5 -> 4 (lrintf), plus the zero point.
        Assert.Equal(12, Requantization.Fp32(5, 0.5f, 10, 0, 255));
        Assert.Equal(14, Requantization.Fp32(7, 0.5f, 10, 0, 255));
        Assert.Equal(-2 + 10, Requantization.Fp32(-5, 0.5f, 10, 0, 255));
        Assert.Equal(255, Requantization.Fp32(100000, 1f, 10, 0, 255));
        Assert.Equal(3, Requantization.Fp32(-100000, 1f, 10, 3, 255));
        // RELU6 bound for scale 6/255, zero point 0: lrintf(6 / scale) = 255.
        Assert.Equal(255, Requantization.QuantizeBound(6f, 6f / 255, 0, 0, 255));
        Assert.Equal(0, Requantization.QuantizeBound(float.NegativeInfinity, 0.1f, 7, 0, 255));
    }
}
