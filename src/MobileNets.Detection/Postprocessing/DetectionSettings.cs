namespace MobileNets.Detection.Postprocessing;

/// <summary>
/// Post-processing thresholds; the defaults are <c>ssdlite320_mobilenet_v3_large</c>'s
/// (ssdlite.py <c>defaults</c>): score 0.001, NMS IoU 0.55, 300 candidates per class, 300 detections.
/// </summary>
internal sealed record DetectionSettings(float ScoreThreshold = 0.001f, double NmsThreshold = 0.55, int TopKCandidates = 300, int DetectionsPerImage = 300)
{
    public static DetectionSettings SsdLite { get; } = new();
}
