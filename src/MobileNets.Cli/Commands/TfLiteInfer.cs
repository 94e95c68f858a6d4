using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>infer</c> for a <c>.tflite</c> model: tensor <c>input</c> is the model's own input tensor (type
/// and shape, e.g. U8 [1,H,W,3]); tensor <c>output</c> is its raw output in its own type.
/// </summary>
internal static class TfLiteInfer
{
    public static int Run(string modelPath, string inputPath, string outputPath)
    {
        using var model = TfLiteModel.Load(modelPath);
        var expected = model.Inputs[0];
        byte[] input;
        using (var file = SafeTensorsFile.Open(inputPath))
        {
            var info = file.Get("input");
            if (info.DType != expected.ElementType || !info.Shape.SequenceEqual(expected.Shape))
                throw new ModelFormatException(
                    $"{file.Source}: tensor 'input' is {TensorDTypes.Name(info.DType)} [{string.Join(",", info.Shape)}] but the model takes {TensorDTypes.Name(expected.ElementType)} [{string.Join(",", expected.Shape)}]");
            input = file.ReadBytes(info);
        }
        var output = model.Run(input);
        var o = model.Outputs[0];
        SafeTensorsWriter.Write(outputPath, [new SafeTensorsWriter.Entry("output", o.ElementType, o.Shape, output)]);
        return CommandLine.Ok;
    }
}
