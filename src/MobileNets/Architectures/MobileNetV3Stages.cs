namespace MobileNets.Architectures;

/// <summary>
/// Where torchvision's detection and segmentation builders cut MobileNetV3: <c>stage_indices</c> =
/// [0] + every block whose configured stride is 2 (<c>_is_cn</c>) + [last] (ssdlite.py
/// <c>_mobilenet_extractor</c>, lraspp.py <c>_lraspp_mobilenetv3</c>, deeplabv3.py
/// <c>_deeplabv3_mobilenetv3</c>). The configured stride counts even when dilation replaces it, so
/// the indices are read from the undilated table.
/// </summary>
internal static class MobileNetV3Stages
{
    public static int[] StageIndices(double width, bool small = false)
    {
        var features = Torchvision.TorchvisionMobileNetV3.Features(width, small);
        var indices = new List<int> { 0 };
        for (int i = 0; i < features.Count; i++)
            if (features[i] is InvertedResidualSpec { Depthwise.Stride: > 1 }) indices.Add(i);
        indices.Add(features.Count - 1);
        return [.. indices];
    }

    /// <summary>Output channels of layer <paramref name="index"/> of a features list.</summary>
    public static int OutChannels(IReadOnlyList<LayerSpec> features, int index) => features[index] switch
    {
        ConvBlockSpec c => c.Conv.Out,
        InvertedResidualSpec ir => ir.Project.Out,
        var other => throw new NotSupportedException($"layer {other.GetType().Name} has no output channels"),
    };
}
