using System.Globalization;
using System.Text.Json;
using MobileNets.Imaging;
using MobileNets.Segmentation;

namespace MobileNets.Cli.Commands;

/// <summary><c>segment IMAGE --model W [--arch A] [--alpha A] [--threads T] [--out overlay.png] [--json]</c>: a class per pixel.</summary>
internal static class SegmentCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["model", "arch", "out", "alpha", "threads"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count != 1) throw new UsageException("segment needs exactly one IMAGE");
        float alpha = (float)(a.Double("alpha", 0, 1) ?? 0.5);
        var options = new SegmenterOptions { Threads = a.Int("threads", 1, 1024) ?? Environment.ProcessorCount };
        using var segmenter = SemanticSegmenter.Load(a.Require("model"), a.Get("arch"), options);
        var image = ImageDecoder.DecodeFile(a.Positionals[0]);
        var result = segmenter.Segment(image);
        if (a.Get("out") is string outPath) PngEncoder.Save(SemanticSegmenter.Overlay(image, result, alpha), outPath);

        if (a.Flag("json"))
        {
            stdout.WriteLine(Json(a.Positionals[0], result));
            return CommandLine.Ok;
        }
        stdout.WriteLine($"{a.Positionals[0]}: {result.Width}x{result.Height}, {segmenter.Architecture}");
        foreach (int c in result.PresentClasses())
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c,3}  {100.0 * result.PixelCounts[c] / result.ClassMap.Length,6:0.00}%  {result.Labels[c]}"));
        return CommandLine.Ok;
    }

    static string Json(string path, SegmentationResult result)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("image", path);
            w.WriteNumber("width", result.Width);
            w.WriteNumber("height", result.Height);
            w.WriteStartArray("classes");
            foreach (int c in result.PresentClasses())
            {
                w.WriteStartObject();
                w.WriteNumber("index", c);
                w.WriteString("name", result.Labels[c]);
                w.WriteNumber("pixels", result.PixelCounts[c]);
                w.WriteNumber("fraction", (double)result.PixelCounts[c] / result.ClassMap.Length);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
