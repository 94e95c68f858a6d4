using System.Globalization;
using System.Text.Json;
using MobileNets.Imaging;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>classify IMAGE... [--model W] [--arch A] [--width X] [--top K] [--threads T] [--out annotated.png] [--json]</c>:
/// top-K classes per image; <c>--out</c> (one IMAGE only) writes the image with its predictions drawn on it.
/// </summary>
internal static class ClassifyCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["model", "arch", "width", "top", "threads", "out"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count == 0) throw new UsageException("classify needs at least one IMAGE");
        string? outPath = a.Get("out");
        if (outPath != null && a.Positionals.Count > 1) throw new UsageException("--out needs exactly one IMAGE");
        int top = a.Int("top", 1, 100_000) ?? 5;
        var options = new ClassifierOptions { Width = a.Double("width", 0.01, 8), Threads = a.Int("threads", 1, 1024) ?? Environment.ProcessorCount };
        using var classifier = ImageClassifier.Load(ModelPaths.ForClassifier(a.Get("model")), a.Get("arch"), options);
        var results = new List<(string Image, IReadOnlyList<Prediction> Predictions)>();
        foreach (var path in a.Positionals)
        {
            var image = ImageDecoder.DecodeFile(path, options.Decode);
            var predictions = classifier.Classify(image, top);
            if (outPath != null) PngEncoder.Save(ImageClassifier.Draw(image, predictions), outPath);
            results.Add((path, predictions));
        }

        if (a.Flag("json"))
        {
            stdout.WriteLine(Json(results));
            return CommandLine.Ok;
        }
        foreach (var (image, predictions) in results)
        {
            stdout.WriteLine(image);
            foreach (var p in predictions)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Index,5}  {p.Probability * 100,6:0.00}%  {p.Label}"));
        }
        return CommandLine.Ok;
    }

    static string Json(List<(string Image, IReadOnlyList<Prediction> Predictions)> results)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var (image, predictions) in results)
            {
                w.WriteStartObject();
                w.WriteString("image", image);
                w.WriteStartArray("predictions");
                foreach (var p in predictions)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", p.Index);
                    w.WriteString("label", p.Label);
                    w.WriteNumber("probability", p.Probability);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
