namespace MobileNets.Detection.Boxes;

/// <summary>Box helpers of torchvision: ops/boxes.py <c>clip_boxes_to_image</c>, transform.py <c>resize_boxes</c>.</summary>
internal static class BoxOps
{
    /// <summary>Clamps x to [0, width] and y to [0, height].</summary>
    public static void Clip(Span<float> boxes, int height, int width)
    {
        for (int i = 0; i < boxes.Length; i += 4)
        {
            boxes[i] = Math.Clamp(boxes[i], 0f, width);
            boxes[i + 1] = Math.Clamp(boxes[i + 1], 0f, height);
            boxes[i + 2] = Math.Clamp(boxes[i + 2], 0f, width);
            boxes[i + 3] = Math.Clamp(boxes[i + 3], 0f, height);
        }
    }

    /// <summary>Scales boxes from an image of size <paramref name="from"/> to one of size <paramref name="to"/> (ratios in float32, as torch computes them).</summary>
    public static (float X1, float Y1, float X2, float Y2) Resize(float x1, float y1, float x2, float y2, (int Height, int Width) from, (int Height, int Width) to)
    {
        float ratioH = (float)to.Height / from.Height, ratioW = (float)to.Width / from.Width;
        return (x1 * ratioW, y1 * ratioH, x2 * ratioW, y2 * ratioH);
    }
}
