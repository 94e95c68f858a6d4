using System.Globalization;
using MobileNets.Weights;

namespace MobileNets.Architectures;

/// <summary>Finds the width multiplier of a network from its weights' shapes (classifiers and head backbones alike).</summary>
internal static class WidthSearch
{
    static readonly double[] Published = [0.25, 0.35, 0.5, 0.75, 1.0, 1.1, 1.2, 1.25, 1.3, 1.4, 1.5, 2.0];

    /// <summary>
    /// The network at <paramref name="width"/> when given (else the file's <c>width</c> metadata),
    /// checked against the file; otherwise the first width whose every tensor shape fits: the default,
    /// the published ones, then a 0.0025 grid up to 4 nearest the default first (finer than any
    /// rounding window of make_divisible(8), and widths with identical shapes give identical networks).
    /// </summary>
    public static NetworkSpec Find(IWeightSource source, Func<double, NetworkSpec> build, string architecture,
        double defaultWidth = 1.0, double? width = null)
    {
        if (width == null && source.Metadata.TryGetValue("width", out var w))
        {
            if (!double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var fromMetadata) || !(fromMetadata > 0 && fromMetadata <= 8))
                throw new ModelFormatException($"{source.Source}: the file's width metadata is not a number in (0, 8]");
            width = fromMetadata;
        }
        if (width is double given)
        {
            if (!(given > 0 && given <= 8)) throw new ArgumentException($"width {Format(given)} is outside (0, 8]");
            var spec = build(given);
            var mismatch = WeightBinder.FirstMismatch(spec, source);
            if (mismatch != null)
                throw new ModelFormatException($"{source.Source}: weights do not fit {architecture} at width {Format(given)}: {mismatch}");
            return spec;
        }
        var grid = Enumerable.Range(1, 1600).Select(i => Math.Round(i * 0.0025, 4)).OrderBy(x => Math.Abs(x - defaultWidth)).ThenBy(x => x);
        foreach (var candidate in Published.Prepend(defaultWidth).Concat(grid).Distinct())
        {
            NetworkSpec spec;
            try { spec = build(candidate); }
            catch (ArgumentException) { continue; }
            if (WeightBinder.FirstMismatch(spec, source) == null) return spec;
        }
        var reason = WeightBinder.FirstMismatch(build(defaultWidth), source);
        throw new ModelFormatException($"{source.Source}: weights fit no width of {architecture}; at its default width {Format(defaultWidth)}: {reason}");
    }

    static string Format(double w) => w.ToString("0.###", CultureInfo.InvariantCulture);
}
