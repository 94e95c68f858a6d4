using System.Globalization;

namespace MobileNets;

/// <summary>One class of a classification result.</summary>
/// <param name="Index">The model's output index (for 1001-class models, 0 is "background").</param>
/// <param name="Label">The class name.</param>
/// <param name="Probability">Softmax probability in [0, 1].</param>
public sealed record Prediction(int Index, string Label, float Probability)
{
    /// <summary>Like <c>tabby, tabby cat (91.3%)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} ({Probability * 100:0.0}%)");
}
