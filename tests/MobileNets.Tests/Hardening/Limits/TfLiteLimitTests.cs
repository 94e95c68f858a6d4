using System.Text.RegularExpressions;
using MobileNets.Quantized;
using MobileNets.Tests.TfLite;
using MobileNets.Weights.TfLite;

namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The TFLite reader's settable limits: tensor count and activation memory.</summary>
public class TfLiteLimitTests
{
    static byte[] Model() => File.ReadAllBytes(TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite"));

    static Action<ModelFileLimits> Loader(byte[] data) => limits => TfLiteModel.Load(data, "v1", threads: 1, limits).Dispose();

    [Fact]
    public void OneTensorOverTheLimitIsRefused()
    {
        var data = Model();
        int tensors = TfLiteModelDefinition.Parse(data, "v1").Subgraphs.Sum(s => s.Tensors.Length);
        LimitAssert.RefusedOverAcceptedAt(Loader(data),
            ModelFileLimits.Default with { MaxTensors = tensors - 1 }, ModelFileLimits.Default with { MaxTensors = tensors }, "MaxTensors");
    }

    [Fact]
    public void ActivationsOneByteOverTheLimitAreRefused()
    {
        var data = Model();
        // The refusal at a limit of 1 byte says how many the model needs.
        var e = Assert.Throws<ModelFormatException>(() => Loader(data)(ModelFileLimits.Default with { MaxActivationBytes = 1 }));
        long needed = long.Parse(Regex.Match(e.Message, @"activations need (\d+) bytes").Groups[1].Value);
        LimitAssert.RefusedOverAcceptedAt(Loader(data),
            ModelFileLimits.Default with { MaxActivationBytes = needed - 1 }, ModelFileLimits.Default with { MaxActivationBytes = needed }, "MaxActivationBytes");
    }
}
