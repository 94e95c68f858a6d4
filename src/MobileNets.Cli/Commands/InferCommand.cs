using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>infer</c>: tensor <c>input</c> (N,3,H,W float32) from a safetensors file through the model,
/// written as <c>logits</c> (N, classes) — the contract parity checks drive. Detection and
/// segmentation architectures (by <c>--arch</c> or the file's metadata) write their own outputs
/// (<see cref="DetectionInfer"/>, <see cref="SegmentationInfer"/>); a <c>.tflite</c> model takes its own
/// input tensor and writes its raw output (<see cref="TfLiteInfer"/>).
/// </summary>
internal static class InferCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["model", "arch", "width", "input", "output"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = [];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'");
        string modelPath = a.Require("model"), inputPath = a.Require("input"), outputPath = a.Require("output");
        var width = a.Double("width", 0.01, 8);

        var (file, published) = ModelPaths.Resolve(modelPath);
        if (file.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase)) return TfLiteInfer.Run(file, inputPath, outputPath);
        var (input, shape) = ReadInput(inputPath);
        string? arch = a.Get("arch") ?? published ?? ModelPaths.ArchitectureOf(file);
        if (DetectionInfer.Handles(arch)) return DetectionInfer.Run(file, arch, input, shape, outputPath);
        if (SegmentationInfer.Handles(arch)) return SegmentationInfer.Run(file, arch, input, shape, outputPath);
        var model = ClassifierModel.Load(file, arch, width);
        var logits = model.Logits(input, shape[0], shape[2], shape[3]);
        SafeTensorsWriter.Write(outputPath, [SafeTensorsWriter.Float32("logits", [shape[0], model.NumClasses], logits)]);
        return CommandLine.Ok;
    }

    /// <summary>The <c>input</c> tensor, checked to be N x 3 x H x W.</summary>
    public static (float[] Data, int[] Shape) ReadInput(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        var info = file.Get("input");
        if (info.Shape.Length != 4 || info.Shape[1] != 3 || info.Shape.Any(d => d == 0))
            throw new ModelFormatException($"{file.Source}: tensor 'input' must be N x 3 x H x W, got [{string.Join(",", info.Shape)}]");
        return (file.ReadFloat32(info), info.Shape);
    }
}
