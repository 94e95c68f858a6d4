using System.Globalization;
using System.Text.Json;
using MobileNets.Architectures;
using MobileNets.Detection.Models;
using MobileNets.Hub;
using MobileNets.Segmentation.Models;
using MobileNets.Segmentation.Transforms;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>models [--json]</c>: every architecture id <c>--arch</c> accepts (classifiers, detection,
/// segmentation) with its library, default width and input size, then every name <c>pull</c> accepts
/// with its architecture and how a download is verified (pinned SHA-256, or trust on first use).
/// </summary>
internal static class ModelsCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = [];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["json"];

    /// <summary>One architecture id: what it does, whose naming it uses, its default width (null: read from the weights) and input size.</summary>
    sealed record ArchitectureRow(string Id, string Task, string Library, double? DefaultWidth, int InputSize);

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'");
        var architectures = Architectures();
        if (a.Flag("json"))
        {
            stdout.WriteLine(Json(architectures, ModelHub.Catalog));
            return CommandLine.Ok;
        }
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine("architectures (--arch):");
        foreach (var r in architectures)
            stdout.WriteLine(string.Create(inv, $"  {r.Id,-34} {r.Task,-14} {r.Library,-12} width {(r.DefaultWidth is double w ? w.ToString(inv) : "-"),-5} {r.InputSize}x{r.InputSize}"));
        stdout.WriteLine("published weights (pull NAME):");
        foreach (var e in ModelHub.Catalog)
            stdout.WriteLine($"  {e.Name,-52} {e.Architecture,-34} {Verification(e)}");
        return CommandLine.Ok;
    }

    static List<ArchitectureRow> Architectures()
    {
        var rows = ArchitectureRegistry.All
            .Select(x => new ArchitectureRow(x.Id, "classification", x.Library.ToString().ToLowerInvariant(), x.DefaultWidth, x.DefaultInputSize))
            .ToList();
        rows.Add(new(SsdLiteModel.ArchitectureId, "detection", "torchvision", null, 320));
        foreach (var id in SegmentationModel.Architectures)
            rows.Add(new(id, "segmentation", "torchvision", null, SegmentationTransform.ResizeShorter));
        return rows;
    }

    /// <summary>How a download of the entry is checked.</summary>
    static string Verification(ModelHubEntry e) =>
        e.IsHashPinned ? "SHA-256 pinned"
        : e.Sha256Prefix != null ? $"SHA-256 prefix {e.Sha256Prefix} pinned, trust on first use"
        : "trust on first use";

    static string Json(List<ArchitectureRow> architectures, IReadOnlyList<ModelHubEntry> catalog)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartArray("architectures");
            foreach (var r in architectures)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("task", r.Task);
                w.WriteString("library", r.Library);
                if (r.DefaultWidth is double width) w.WriteNumber("default_width", width); else w.WriteNull("default_width");
                w.WriteNumber("input_size", r.InputSize);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("published");
            foreach (var e in catalog)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                w.WriteString("architecture", e.Architecture);
                w.WriteString("url", e.Url);
                w.WriteBoolean("sha256_pinned", e.IsHashPinned);
                w.WriteString("verification", Verification(e));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
