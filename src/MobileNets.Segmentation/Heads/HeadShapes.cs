using MobileNets.Weights;

namespace MobileNets.Segmentation.Heads;

/// <summary>Head widths and class counts read from the weights' shapes.</summary>
internal static class HeadShapes
{
    public static int Dim(IWeightSource source, string tensor, int axis)
    {
        if (!source.TryGetShape(tensor, out var shape) || shape.Length <= axis)
            throw new ModelFormatException($"{source.Source}: tensor '{tensor}' is missing");
        return shape[axis];
    }
}
