using System.Globalization;
using MobileNets.Weights;

namespace MobileNets.Architectures;

/// <summary>
/// Finds the width multiplier of a backbone from its weights' shapes, as the classifier loader does:
/// the file's <c>width</c> metadata when present, else the default width, the published ones, then a
/// 0.0025 grid (finer than any rounding window of make_divisible(8)), nearest the default first.
/// </summary>
internal static class WidthSearch
{
    static readonly double[] Published = [1.0, 0.75, 0.5, 0.35, 0.25, 1.25, 1.5, 2.0];

    public static NetworkSpec Find(IWeightSource scope, Func<double, NetworkSpec> build, string architecture)
    {
        if (scope.Metadata.TryGetValue("width", out var w) &&
            double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var given) && given > 0 && given <= 8)
        {
            var spec = build(given);
            var mismatch = WeightBinder.FirstMismatch(spec, scope);
            if (mismatch != null)
                throw new ModelFormatException($"{scope.Source}: weights do not fit {architecture} at width {Format(given)}: {mismatch}");
            return spec;
        }
        var grid = Enumerable.Range(1, 1600).Select(i => Math.Round(i * 0.0025, 4)).OrderBy(x => Math.Abs(x - 1.0)).ThenBy(x => x);
        foreach (var width in Published.Concat(grid).Distinct())
        {
            var spec = build(width);
            if (WeightBinder.FirstMismatch(spec, scope) == null) return spec;
        }
        var reason = WeightBinder.FirstMismatch(build(1.0), scope);
        throw new ModelFormatException($"{scope.Source}: weights fit no width of {architecture}; at width 1: {reason}");
    }

    static string Format(double w) => w.ToString("0.###", CultureInfo.InvariantCulture);
}
