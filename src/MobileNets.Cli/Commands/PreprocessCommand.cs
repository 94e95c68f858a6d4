using MobileNets.Architectures;
using MobileNets.Classification;
using MobileNets.Imaging;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>preprocess IMAGE --arch A [--model W] --output OUT.safetensors</c>: the tensor <c>input</c>
/// (1,3,H,W) exactly as <c>classify</c> feeds it to the model.
/// </summary>
internal static class PreprocessCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["arch", "model", "width", "output"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = [];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count != 1) throw new UsageException("preprocess needs exactly one IMAGE");
        string output = a.Require("output");
        string? model = a.Get("model");
        if (model == null && a.Get("arch") == null) throw new UsageException("missing required option --arch (or --model)");
        float[] tensor;
        EvalTransform transform;
        if (model != null)
        {
            using var classifier = ImageClassifier.Load(model, a.Get("arch"), new ClassifierOptions { Width = a.Double("width", 0.01, 8), Threads = 1 });
            transform = classifier.Transform;
            tensor = classifier.Preprocess(ImageDecoder.DecodeFile(a.Positionals[0]));
        }
        else
        {
            var arch = ArchitectureRegistry.Find(a.Require("arch"));
            transform = PretrainedTransforms.For(arch, new Dictionary<string, string>());
            tensor = transform.Apply(ImageDecoder.DecodeFile(a.Positionals[0]));
        }
        SafeTensorsWriter.Write(output, [SafeTensorsWriter.Float32("input", [1, 3, transform.CropHeight, transform.CropWidth], tensor)]);
        return CommandLine.Ok;
    }
}
