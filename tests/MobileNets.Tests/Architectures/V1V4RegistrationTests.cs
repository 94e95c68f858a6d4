using MobileNets.Architectures;
using MobileNets.Weights;

namespace MobileNets.Tests.Architectures;

/// <summary>
/// Every MobileNetV1, MobileNetV4 and MnasNet id resolves and, at its default width with 1000 classes,
/// names exactly as many parameters as timm / torchvision report (<c>sum(p.numel() for p in model.parameters())</c>,
/// recorded from timm 1.0.29.dev0 and torchvision 0.14).
/// </summary>
public class V1V4RegistrationTests
{
    [Theory]
    [InlineData("mobilenetv1_100", 4231976)]
    [InlineData("mobilenetv1_100h", 5282600)]
    [InlineData("mobilenetv1_125", 6270840)]
    [InlineData("mobilenetv4_conv_small_035", 1905384)]
    [InlineData("mobilenetv4_conv_small_050", 2238952)]
    [InlineData("mobilenetv4_conv_small", 3774024)]
    [InlineData("mobilenetv4_conv_medium", 9715512)]
    [InlineData("mobilenetv4_conv_large", 32590864)]
    [InlineData("mobilenetv4_conv_blur_medium", 9715512)]
    [InlineData("mobilenetv4_conv_aa_medium", 9715512)]
    [InlineData("mobilenetv4_conv_aa_large", 32590864)]
    [InlineData("mobilenetv4_hybrid_medium", 11074648)]
    [InlineData("mobilenetv4_hybrid_medium_075", 7313528)]
    [InlineData("mobilenetv4_hybrid_large", 37764624)]
    [InlineData("mobilenetv4_hybrid_large_075", 22754984)]
    [InlineData("mnasnet_050", 2218512)]
    [InlineData("mnasnet_075", 3170208)]
    [InlineData("mnasnet_100", 4383312)]
    [InlineData("mnasnet_140", 7115728)]
    [InlineData("mnasnet_small", 2030264)]
    [InlineData("semnasnet_050", 2082006)]
    [InlineData("semnasnet_075", 2912278)]
    [InlineData("semnasnet_100", 3887038)]
    [InlineData("semnasnet_140", 6105992)]
    [InlineData("mnasnet0_5", 2218512)]
    [InlineData("mnasnet0_75", 3170208)]
    [InlineData("mnasnet1_0", 4383312)]
    [InlineData("mnasnet1_3", 6282256)]
    public void ParameterCountEqualsTheReference(string id, long expected)
    {
        var arch = ArchitectureRegistry.Find(id);
        var spec = arch.Build(arch.DefaultWidth, 1000);
        var tensors = spec.Convolutions().SelectMany(WeightBinder.ExpectedTensors).Concat(spec.Norms().SelectMany(WeightBinder.ExpectedTensors));
        long parameters = tensors
            .Where(t => !t.Name.EndsWith(".running_mean") && !t.Name.EndsWith(".running_var"))
            .Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        Assert.Equal(expected, parameters);
    }

    [Theory]
    [InlineData("mobilenetv4_conv_small_035", 0.35, 224)]
    [InlineData("mobilenetv4_conv_medium", 1.0, 256)]
    [InlineData("mobilenetv4_conv_aa_large", 1.0, 448)]
    [InlineData("mobilenetv4_hybrid_large", 1.0, 384)]
    [InlineData("mnasnet1_3", 1.3, 224)]
    public void DefaultWidthAndInputSizeFollowTimmsFirstPretrainedConfig(string id, double width, int inputSize)
    {
        var arch = ArchitectureRegistry.Find(id);
        Assert.Equal((width, inputSize), (arch.DefaultWidth, arch.DefaultInputSize));
    }

    [Fact]
    public void MobileNetV4KeepsItsHeadAndFixesItsStemBelowWidthOne()
    {
        var spec = ArchitectureRegistry.Find("mobilenetv4_hybrid_medium_075").Build(0.75, 1000);
        var convs = spec.Convolutions().ToList();
        Assert.Equal(32, convs.First().Out);                                   // conv_stem, not 24
        var head = convs.Single(c => c.Name == "conv_head");
        Assert.Equal((720, 1280, "norm_head", false), (head.In, head.Out, head.Norm, head.Bias));
    }
}
