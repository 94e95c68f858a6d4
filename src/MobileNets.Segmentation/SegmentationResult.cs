namespace MobileNets.Segmentation;

/// <summary>A class per pixel of the segmented image, with per-class pixel counts and optionally the logits.</summary>
public sealed class SegmentationResult
{
    /// <summary>Width of the class map (the input image's width).</summary>
    public int Width { get; }

    /// <summary>Height of the class map (the input image's height).</summary>
    public int Height { get; }

    /// <summary>Class index per pixel, row-major (argmax of the logits; ties go to the lower index).</summary>
    public int[] ClassMap { get; }

    /// <summary>Class names by index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How many pixels each class won, by class index.</summary>
    public IReadOnlyList<int> PixelCounts { get; }

    /// <summary>Logits as classes x Height x Width (class planes), when requested; otherwise null.</summary>
    public float[]? Logits { get; }

    /// <summary>Creates a result from a class map (e.g. for drawing a mask computed elsewhere).</summary>
    /// <param name="width">Map width.</param>
    /// <param name="height">Map height.</param>
    /// <param name="classMap">Width x Height class indices, row-major.</param>
    /// <param name="labels">Class names; every index in the map must name one.</param>
    /// <param name="logits">Optional classes x Height x Width logits.</param>
    public SegmentationResult(int width, int height, int[] classMap, IReadOnlyList<string> labels, float[]? logits = null)
    {
        ArgumentNullException.ThrowIfNull(classMap);
        ArgumentNullException.ThrowIfNull(labels);
        if (width <= 0 || height <= 0 || (long)width * height != classMap.Length)
            throw new ArgumentException($"class map has {classMap.Length} entries, expected {width} x {height}", nameof(classMap));
        if (logits != null && logits.Length != (long)labels.Count * width * height)
            throw new ArgumentException("logits must hold classes x height x width values", nameof(logits));
        var counts = new int[labels.Count];
        foreach (int c in classMap)
        {
            if ((uint)c >= (uint)labels.Count) throw new ArgumentException($"class {c} has no label", nameof(classMap));
            counts[c]++;
        }
        Width = width; Height = height; ClassMap = classMap; Labels = labels; PixelCounts = counts; Logits = logits;
    }

    /// <summary>The class of pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public int ClassAt(int x, int y) => ClassMap[y * Width + x];

    /// <summary>Classes present, most pixels first.</summary>
    public IEnumerable<int> PresentClasses() =>
        Enumerable.Range(0, PixelCounts.Count).Where(c => PixelCounts[c] > 0).OrderByDescending(c => PixelCounts[c]).ThenBy(c => c);
}
