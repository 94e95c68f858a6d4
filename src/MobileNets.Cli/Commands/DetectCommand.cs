using System.Globalization;
using System.Text.Json;
using MobileNets.Detection;
using MobileNets.Imaging;

namespace MobileNets.Cli.Commands;

/// <summary><c>detect IMAGE --model W [--arch A] [--threshold T] [--threads T] [--out annotated.png] [--json]</c>: objects in an image.</summary>
internal static class DetectCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["model", "arch", "threshold", "threads", "out"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count != 1) throw new UsageException("detect needs exactly one IMAGE");
        float threshold = (float)(a.Double("threshold", 0, 1) ?? 0.5);
        var options = new DetectorOptions { Threads = a.Int("threads", 1, 1024) ?? Environment.ProcessorCount };
        using var detector = ObjectDetector.Load(a.Require("model"), a.Get("arch"), options);
        var image = ImageDecoder.DecodeFile(a.Positionals[0]);
        var detections = detector.Detect(image, threshold);
        if (a.Get("out") is string outPath) PngEncoder.Save(ObjectDetector.Draw(image, detections), outPath);

        if (a.Flag("json"))
        {
            stdout.WriteLine(Json(a.Positionals[0], image, detections));
            return CommandLine.Ok;
        }
        stdout.WriteLine($"{a.Positionals[0]}: {detections.Count} detection(s) with score >= {threshold.ToString(CultureInfo.InvariantCulture)}");
        foreach (var d in detections)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {d.Score * 100,6:0.00}%  {d.Name,-16} [{d.X1:0.0}, {d.Y1:0.0}, {d.X2:0.0}, {d.Y2:0.0}]"));
        return CommandLine.Ok;
    }

    static string Json(string path, RgbImage image, IReadOnlyList<Detection.Detection> detections)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("image", path);
            w.WriteNumber("width", image.Width);
            w.WriteNumber("height", image.Height);
            w.WriteStartArray("detections");
            foreach (var d in detections)
            {
                w.WriteStartObject();
                w.WriteNumber("label", d.Label);
                w.WriteString("name", d.Name);
                w.WriteNumber("score", d.Score);
                w.WriteStartArray("box");
                foreach (var v in new[] { d.X1, d.Y1, d.X2, d.Y2 }) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
