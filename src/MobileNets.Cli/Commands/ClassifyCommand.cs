using System.Globalization;
using System.Text.Json;
using MobileNets.Imaging;

namespace MobileNets.Cli.Commands;

/// <summary><c>classify IMAGE... [--model W] [--arch A] [--width X] [--top K] [--threads T] [--json]</c>: top-K classes per image.</summary>
internal static class ClassifyCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, ["model", "arch", "width", "top", "threads"], ["json"]);
        if (a.Positionals.Count == 0) throw new UsageException("classify needs at least one IMAGE");
        int top = a.Int("top", 1, 100_000) ?? 5;
        var options = new ClassifierOptions { Width = a.Double("width", 0.01, 8), Threads = a.Int("threads", 1, 1024) ?? Environment.ProcessorCount };
        using var classifier = ImageClassifier.Load(ModelPaths.ForClassifier(a.Get("model")), a.Get("arch"), options);
        var results = new List<(string Image, IReadOnlyList<Prediction> Predictions)>();
        foreach (var image in a.Positionals)
            results.Add((image, classifier.Classify(ImageDecoder.DecodeFile(image, options.Decode), top)));

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
