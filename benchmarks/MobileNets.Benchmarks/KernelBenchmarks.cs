using BenchmarkDotNet.Attributes;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;

namespace MobileNets.Benchmarks;

/// <summary>Single layers on the shapes real MobileNets have (MobileNetV3-Large unless noted).</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    public record Shape(string Name, int Size, int In, int Out, int Kernel, int Stride, int Groups)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Shape> Shapes() =>
    [
        new("dw3x3 s1 56x56x72", 56, 72, 72, 3, 1, 72),
        new("dw3x3 s2 112x112x64", 112, 64, 64, 3, 2, 64),
        new("dw5x5 s1 28x28x120", 28, 120, 120, 5, 1, 120),
        new("dw5x5 s2 14x14x672", 14, 672, 672, 5, 2, 672),
        new("pw 56x56 24->72", 56, 24, 72, 1, 1, 1),
        new("pw 14x14 112->672", 14, 112, 672, 1, 1, 1),
        new("pw 7x7 960->160", 7, 960, 160, 1, 1, 1),
        new("fc 1x1 960->1280", 1, 960, 1280, 1, 1, 1),
        new("stem 3x3 s2 3->16", 224, 3, 16, 3, 2, 1),
        new("full 3x3 s2 32->96 (V4)", 56, 32, 96, 3, 2, 1),
    ];

    [ParamsSource(nameof(Shapes))]
    public Shape Case { get; set; } = null!;

    Conv2d _conv = null!;
    FeatureShape _shape;
    float[] _x = [], _y = [];
    readonly Scratch _scratch = new();

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var w = new float[Case.Out * (Case.In / Case.Groups) * Case.Kernel * Case.Kernel];
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble() - 0.5f;
        _conv = new Conv2d(Case.In, Case.Out, Case.Kernel, Case.Stride, 1, Case.Groups, Padding.Symmetric(Case.Kernel / 2), w, new float[Case.Out], Activation.HardSwish, SimdConfig.Best);
        _shape = new FeatureShape(Case.Size, Case.Size, Case.In);
        _x = new float[_shape.Size];
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)rng.NextDouble();
        _y = new float[_conv.OutputShape(_shape).Size];
    }

    [Benchmark]
    public void Convolution() => _conv.Forward(_x, _shape, _y, _scratch);
}

/// <summary>Squeeze-excitation and Mobile MQA attention blocks at the sizes their models use.</summary>
[MemoryDiagnoser]
public class BlockBenchmarks
{
    SqueezeExcite _se = null!;
    float[] _map = [];
    readonly FeatureShape _seShape = new(14, 14, 672);
    readonly Scratch _scratch = new();

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)rng.NextDouble() - 0.5f; return a; }
        var reduce = new Conv2d(672, 168, 1, 1, 1, 1, Padding.Symmetric(0), R(672 * 168), R(168), Activation.ReLU, SimdConfig.Best);
        var expand = new Conv2d(168, 672, 1, 1, 1, 1, Padding.Symmetric(0), R(672 * 168), R(672), Activation.HardSigmoid, SimdConfig.Best);
        _se = new SqueezeExcite(reduce, expand);
        _map = R(_seShape.Size);
    }

    [Benchmark]
    public void SqueezeExcite14x14x672() => _se.Apply(_map, _seShape, _scratch);
}
