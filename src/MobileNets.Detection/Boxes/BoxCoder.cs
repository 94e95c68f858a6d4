namespace MobileNets.Detection.Boxes;

/// <summary>
/// Decodes box regressions against reference boxes (Faster R-CNN parametrization; torchvision
/// detection/_utils.py <c>BoxCoder.decode_single</c>), in float32 step for step: codes divided by
/// the weights, dw and dh clamped at log(1000 / 16) before exp, corners from centre +/- half size.
/// </summary>
internal sealed class BoxCoder(float wx, float wy, float ww, float wh)
{
    /// <summary>ssd.py: <c>BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))</c>.</summary>
    public static BoxCoder Ssd => new(10f, 10f, 5f, 5f);

    /// <summary>_utils.py default <c>bbox_xform_clip</c>.</summary>
    public static readonly float ScaleClip = (float)Math.Log(1000.0 / 16);

    /// <summary>Boxes (x1, y1, x2, y2) from codes (dx, dy, dw, dh) and reference boxes, 4 floats each.</summary>
    public void Decode(ReadOnlySpan<float> codes, ReadOnlySpan<float> references, Span<float> boxes)
    {
        if (codes.Length != references.Length || boxes.Length < codes.Length) throw new ArgumentException("codes, references and boxes must match");
        for (int i = 0; i < codes.Length; i += 4)
        {
            float width = references[i + 2] - references[i];
            float height = references[i + 3] - references[i + 1];
            float cx = references[i] + 0.5f * width;
            float cy = references[i + 1] + 0.5f * height;

            float dx = codes[i] / wx, dy = codes[i + 1] / wy;
            float dw = MathF.Min(codes[i + 2] / ww, ScaleClip), dh = MathF.Min(codes[i + 3] / wh, ScaleClip);

            float predCx = dx * width + cx, predCy = dy * height + cy;
            float predW = MathF.Exp(dw) * width, predH = MathF.Exp(dh) * height;
            float halfW = 0.5f * predW, halfH = 0.5f * predH;
            boxes[i] = predCx - halfW;
            boxes[i + 1] = predCy - halfH;
            boxes[i + 2] = predCx + halfW;
            boxes[i + 3] = predCy + halfH;
        }
    }
}
