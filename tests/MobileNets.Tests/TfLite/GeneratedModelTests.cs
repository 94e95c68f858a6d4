using System.Runtime.InteropServices;
using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// Small generated models (tools/reference/tflite_cases.py: int8 per-channel convolutions, depth
/// multipliers, dilation, pooling, resize modes, activations, (de)quantization, broadcasting, a
/// float32 graph) against TensorFlow Lite's outputs stored with them in Fixtures/TfLite.
/// </summary>
public class GeneratedModelTests
{
    public static TheoryData<string> Cases() => new(
        "int8_conv_dw_add", "int8_mobilenet_blocks", "uint8_mobilenet_blocks", "int8_maxpool_same_relu", "int8_mean_fc_softmax", "int8_dw_stride2_dilated", "int8_conv_5x5_valid", "int8_avgpool_same",
        "int8_maxpool_valid", "int8_logistic", "int8_hardswish", "int8_resize_half_pixel", "int8_resize_align_corners",
        "int8_resize_legacy", "int8_pad", "int8_concat", "int8_add_broadcast", "int8_mul_broadcast", "uint8_dw_multiplier3",
        "quantize_f32_int8", "dequantize_int8_f32", "int8_relu", "int8_relu6", "int8_squeeze",
        // ADD with an input-to-output scale ratio XNNPACK refuses: TFLite's fixed-point kernel.
        "int8_add_tflite_kernel",
        // A node XNNPACK cannot define: the whole model runs on TFLite's fixed-point kernels.
        "uint8_per_channel_bias_tflite_kernels",
        // Constant data placed after the flatbuffer (Buffer.offset/size, the >2 GB layout); TFLite ran the inline twin.
        "int8_conv_external_buffers");

    static (TfLiteModel Model, byte[] Input, SafeTensorInfo OutputInfo, byte[] Output) Load(string name)
    {
        using var f = SafeTensorsFile.Open(TfLiteTestData.Fixture($"{name}.safetensors"));
        var model = TfLiteModel.Load(f.ReadBytes(f.Get("model")), name);
        return (model, f.ReadBytes(f.Get("input")), f.Get("output"), f.ReadBytes(f.Get("output")));
    }

    /// <summary>Values as integers: ours in the tensor's type, TFLite's as stored (I32 when tfjs widened them).</summary>
    static int[] Ints(byte[] raw, TensorDType type) => type switch
    {
        TensorDType.I32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
        TensorDType.I8 => raw.Select(b => (int)(sbyte)b).ToArray(),
        _ => raw.Select(b => (int)b).ToArray(),
    };

    static void AssertSame(string what, int[] want, int[] got)
    {
        Assert.Equal(want.Length, got.Length);
        var differing = Enumerable.Range(0, want.Length).Where(i => want[i] != got[i]).ToArray();
        if (differing.Length > 0)
            Assert.Fail($"{what}: {differing.Length} of {want.Length} values differ, largest by {differing.Max(i => Math.Abs(want[i] - got[i]))}; " +
                        $"first at {differing[0]}: {got[differing[0]]} vs TFLite {want[differing[0]]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizedOutputMatchesTfLiteExactly(string name)
    {
        var (model, input, info, expected) = Load(name);
        var actual = model.Run(input);
        var type = model.Outputs[0].ElementType;
        if (type == TensorDType.F32)
        {
            // Dequantization is exact in float: (q - zp) * scale.
            Assert.Equal(expected, actual);
            return;
        }
        AssertSame("output", Ints(expected, info.DType), Ints(actual, type));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryIntermediateTensorMatchesTfLite(string name)
    {
        using var f = SafeTensorsFile.Open(TfLiteTestData.Fixture($"{name}.safetensors"));
        var model = TfLiteModel.Load(f.ReadBytes(f.Get("model")), name);
        var stored = f.Tensors.Where(t => t.Name.StartsWith("t:", StringComparison.Ordinal)).ToArray();
        if (stored.Length == 0) return; // single-operator model: the output test covers it
        var captured = model.RunAndCapture([f.ReadBytes(f.Get("input"))], stored.Select(t => t.Name[2..]).ToArray());
        for (int i = 0; i < stored.Length; i++)
        {
            var type = stored[i].DType == TensorDType.I32 ? TensorDType.I8 : stored[i].DType;
            AssertSame(stored[i].Name[2..], Ints(f.ReadBytes(stored[i]), stored[i].DType), Ints(captured[i], type));
        }
    }

    [Theory]
    [InlineData("uint8_per_channel_bias_tflite_kernels", true)]
    [InlineData("uint8_dw_multiplier3", false)]
    [InlineData("int8_conv_dw_add", false)]
    [InlineData("int8_add_tflite_kernel", false)]
    public void ChoosesTfLiteKernelsWhereTheDelegateFails(string name, bool expected)
    {
        // XNNPACK cannot define a uint8 convolution with a per-channel bias quantization, so TFLite
        // runs the whole model on its own fixed-point kernels; the engine must follow.
        Assert.Equal(expected, Load(name).Model.UsesTfLiteKernels);
    }

    [Fact]
    public void Float32GraphMatchesTfLite()
    {
        var (model, input, _, expected) = Load("float32_conv_dw_mean_fc_softmax");
        var actual = MemoryMarshal.Cast<byte, float>(model.Run(input));
        var want = MemoryMarshal.Cast<byte, float>(expected);
        Assert.Equal(want.Length, actual.Length);
        // Sums are ordered differently from XNNPACK's float kernels: agreement to float rounding.
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - actual[i]) <= 1e-5f, $"{i}: {actual[i]} vs {want[i]}");
    }

    [Fact]
    public void UnsupportedOperatorFailsAtLoadNamingIt()
    {
        var e = Assert.Throws<ModelFormatException>(() => TfLiteModel.Load(TfLiteTestData.Fixture("unsupported_operator.tflite")));
        Assert.Equal("unsupported_operator.tflite: unsupported TFLite operator SPLIT (op 0 in subgraph 0)", e.Message);
    }
}
