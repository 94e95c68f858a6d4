namespace MobileNets.Detection;

/// <summary>One detected object: a box in the caller's image pixels, its class and its score.</summary>
/// <param name="X1">Left edge, in pixels of the input image.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="Label">Class index (COCO numbering for the 91-class models; 0 is the background and never reported).</param>
/// <param name="Name">Class name.</param>
/// <param name="Score">Softmax probability of the class, in (0, 1].</param>
public sealed record Detection(float X1, float Y1, float X2, float Y2, int Label, string Name, float Score)
{
    /// <summary>Box width in pixels.</summary>
    public float Width => X2 - X1;

    /// <summary>Box height in pixels.</summary>
    public float Height => Y2 - Y1;
}
