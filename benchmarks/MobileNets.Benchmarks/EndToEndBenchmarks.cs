using BenchmarkDotNet.Attributes;
using MobileNets.Architectures;
using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Benchmarks;

/// <summary>Whole-network latency per architecture at batch 1 and 8, 224x224, random weights.</summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    ClassifierModel _model = null!;
    float[] _input = [], _logits = [];

    [Params("mobilenet_v3_large", "mobilenet_v3_small", "mobilenet_v2", "mobilenetv1_100", "mobilenetv4_conv_small", "mobilenetv4_hybrid_medium")]
    public string Arch { get; set; } = "";

    [Params(1, 8)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var arch = ArchitectureRegistry.Find(Arch);
        using var weights = new RandomWeights(arch.Build(arch.DefaultWidth, 1000));
        _model = ClassifierModel.Load(weights, arch.Id, threads: Threads);
        _input = new float[Batch * 3 * 224 * 224];
        for (int i = 0; i < _input.Length; i++) _input[i] = (i % 251) / 125f - 1f;
        _logits = new float[Batch * _model.NumClasses];
    }

    [Benchmark]
    public void Forward() => _model.Logits(_input, Batch, 224, 224, _logits);

    [GlobalCleanup]
    public void Cleanup() => _model.Network.Dispose();
}
