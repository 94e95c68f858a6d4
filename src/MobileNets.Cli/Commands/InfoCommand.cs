using System.Globalization;
using System.Text.Json;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>info [--model W] [--arch A] [--width X] [--json]</c>: architecture, width, classes, parameters and
/// MACs of a model file (classifier, detector, segmenter or TFLite graph) at its input size; with
/// <c>--arch</c> alone, of a classifier architecture at its default (or <c>--width</c>) width with 1000 classes.
/// </summary>
internal static class InfoCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["model", "arch", "width"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'");
        var width = a.Double("width", 0.01, 8);
        ModelFacts facts;
        if (a.Get("model") is string model)
        {
            var (file, published) = ModelPaths.Resolve(model);
            facts = ModelFacts.OfFile(file, a.Get("arch") ?? published, width);
        }
        else facts = ModelFacts.OfArchitecture(a.Get("arch") ?? throw new UsageException("info needs --model W or --arch A"), width);

        if (a.Flag("json")) stdout.WriteLine(Json(facts));
        else Write(facts, stdout);
        return CommandLine.Ok;
    }

    static void Write(ModelFacts f, TextWriter stdout)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"architecture  {f.Architecture} ({f.Library})");
        if (f.Width is double width) stdout.WriteLine(string.Create(inv, $"width         {width}"));
        if (f.NumClasses is int classes) stdout.WriteLine($"classes       {classes}");
        stdout.WriteLine($"weights       {f.Weights}");
        stdout.WriteLine(string.Create(inv, $"parameters    {f.Parameters:N0} ({f.Parameters / 1e6:0.00} M)"));
        stdout.WriteLine(string.Create(inv, $"MACs          {f.MultiplyAccumulates:N0} ({f.MultiplyAccumulates / 1e6:0.0} M at {f.InputSize}x{f.InputSize})"));
    }

    /// <summary>One line, <c>"key": value</c> pairs separated by <c>", "</c> (the format scripts already parse).</summary>
    static string Json(ModelFacts f)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Text(string s) => $"\"{JsonEncodedText.Encode(s)}\"";
        string width = f.Width is double w ? w.ToString(inv) : "null";
        string classes = f.NumClasses is int c ? c.ToString(inv) : "null";
        return string.Create(inv,
            $"{{\"architecture\": {Text(f.Architecture)}, \"library\": {Text(f.Library)}, \"width\": {width}, \"num_classes\": {classes}, " +
            $"\"parameters\": {f.Parameters}, \"macs\": {f.MultiplyAccumulates}, \"input_size\": {f.InputSize}, \"weights\": {Text(f.Weights)}}}");
    }
}
