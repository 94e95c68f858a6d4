namespace MobileNets.Detection.Anchors;

/// <summary>
/// SSD's default boxes (SSD paper §2.2; torchvision anchor_utils.py <c>DefaultBoxGenerator</c>
/// without <c>steps</c>, with <c>clip</c>): per feature map k a scale s_k spaced evenly from
/// min_ratio to max_ratio (and 1 after the last), boxes (s_k, s_k), (s'_k, s'_k) with
/// s'_k = sqrt(s_k s_k+1), and (s_k sqrt(ar), s_k / sqrt(ar)) both ways per aspect ratio; centred on
/// every cell, in pixels of the network input, ordered (y, x, box) as the head's outputs are.
/// </summary>
internal sealed class DefaultBoxGenerator
{
    readonly float[][] _widthHeights;   // per map: (w, h) pairs as float32 fractions, clipped to [0, 1]

    /// <summary>ssdlite.py: <c>DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)</c>.</summary>
    public static DefaultBoxGenerator SsdLite => new([[2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3]], 0.2, 0.95);

    public DefaultBoxGenerator(int[][] aspectRatios, double minRatio, double maxRatio, bool clip = true)
    {
        int maps = aspectRatios.Length;
        var scales = new List<double>();
        if (maps > 1)
        {
            for (int k = 0; k < maps; k++) scales.Add(minRatio + (maxRatio - minRatio) * k / (maps - 1.0));
            scales.Add(1.0);
        }
        else scales.AddRange([minRatio, maxRatio]);

        _widthHeights = new float[maps][];
        for (int k = 0; k < maps; k++)
        {
            double s = scales[k], prime = Math.Sqrt(scales[k] * scales[k + 1]);
            var pairs = new List<double> { s, s, prime, prime };
            foreach (int ar in aspectRatios[k])
            {
                double sq = Math.Sqrt(ar), w = s * sq, h = s / sq;
                pairs.AddRange([w, h, h, w]);
            }
            // torch.as_tensor(wh_pairs, dtype=float32), then clamp(0, 1) when clipping.
            _widthHeights[k] = pairs.Select(v => clip ? Math.Clamp((float)v, 0f, 1f) : (float)v).ToArray();
        }
        AnchorsPerLocation = aspectRatios.Select(r => 2 + 2 * r.Length).ToArray();
    }

    /// <summary>Default boxes per location of each feature map (2 + 2 per aspect ratio).</summary>
    public int[] AnchorsPerLocation { get; }

    /// <summary>Default boxes (x1, y1, x2, y2) for feature maps of the given grid sizes on an image of the given size.</summary>
    public float[] Boxes(IReadOnlyList<(int Height, int Width)> grids, int imageHeight, int imageWidth)
    {
        if (grids.Count != _widthHeights.Length) throw new ArgumentException($"expected {_widthHeights.Length} feature maps, got {grids.Count}");
        var boxes = new List<float>();
        float sizeX = imageWidth, sizeY = imageHeight;
        for (int k = 0; k < grids.Count; k++)
        {
            var (fh, fw) = grids[k];
            var wh = _widthHeights[k];
            for (int y = 0; y < fh; y++)
            {
                float cy = (y + 0.5f) / fh;
                for (int x = 0; x < fw; x++)
                {
                    float cx = (x + 0.5f) / fw;
                    for (int p = 0; p < wh.Length; p += 2)
                    {
                        float halfW = 0.5f * wh[p], halfH = 0.5f * wh[p + 1];
                        boxes.AddRange([(cx - halfW) * sizeX, (cy - halfH) * sizeY, (cx + halfW) * sizeX, (cy + halfH) * sizeY]);
                    }
                }
            }
        }
        return [.. boxes];
    }
}
