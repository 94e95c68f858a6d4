using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// The expand 1x1 -> depthwise -> [SE] -> project 1x1 core that MobileNetV2/V3's inverted residual and
/// MobileNetV4's universal inverted bottleneck share (either convolution of the first two may be
/// absent). The projection adds an optional residual. Large expanded maps run in bands of rows.
/// </summary>
internal sealed class Bottleneck
{
    readonly Conv2d? _expand;
    readonly Conv2d? _depthwise;
    readonly SqueezeExcite? _se;
    readonly Conv2d _project;

    public Bottleneck(Conv2d? expand, Conv2d? depthwise, SqueezeExcite? se, Conv2d project)
    {
        _expand = expand; _depthwise = depthwise; _se = se; _project = project;
    }

    internal Conv2d? Expand => _expand;
    internal Conv2d? Depthwise => _depthwise;
    internal SqueezeExcite? SqueezeExcite => _se;
    internal Conv2d Project => _project;

    public FeatureShape OutputShape(FeatureShape input)
    {
        var s = input;
        if (_expand != null) s = _expand.OutputShape(s);
        if (_depthwise != null) s = _depthwise.OutputShape(s);
        return _project.OutputShape(s);
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        var s = input;
        if (_expand != null) { macs += _expand.MultiplyAccumulates(s); s = _expand.OutputShape(s); }
        if (_depthwise != null) { macs += _depthwise.MultiplyAccumulates(s); s = _depthwise.OutputShape(s); }
        if (_se != null) macs += _se.MultiplyAccumulates(s);
        return macs + _project.MultiplyAccumulates(s);
    }

    /// <summary>Expanded maps larger than this (an L2 cache) are produced a band of rows at a time.</summary>
    internal const int BandThresholdBytes = 1024 * 1024;
    /// <summary>Expanded rows per band: about a quarter of an L2 cache.</summary>
    const int BandBytes = 256 * 1024;
    /// <summary>Fewest output pixels a band computes (8 of the GEMM's 6-row tiles).</summary>
    const int MinBandPixels = 48;

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, ReadOnlySpan<float> residual, Scratch scratch)
    {
        if (_expand != null && _depthwise != null && _expand.IsBandable && _depthwise.IsBandable
            && 4L * _expand.OutputShape(shape).Size > BandThresholdBytes)
        {
            ForwardInBands(x, shape, y, residual, scratch);
            return;
        }
        // One spatial convolution straight into the projection: the fused form (k x k expansion) or
        // the depthwise-separable one (no expansion).
        var first = _depthwise == null ? _expand : _expand == null ? _depthwise : null;
        if (first != null && _se == null && !first.IsPointwise && first.IsBandable
            && 4L * first.OutputShape(shape).Size > BandThresholdBytes)
        {
            ForwardPairInBands(first, x, shape, y, residual, scratch);
            return;
        }
        int mark = scratch.Mark;
        ReadOnlySpan<float> h = x;
        var s = shape;
        if (_expand != null)
        {
            var es = _expand.OutputShape(s);
            var e = scratch.Take(es.Size);
            _expand.Forward(h, s, e, scratch);
            h = e; s = es;
        }
        if (_depthwise != null)
        {
            var ds = _depthwise.OutputShape(s);
            var d = scratch.Take(ds.Size);
            _depthwise.Forward(h, s, d, scratch);
            _se?.Apply(d, ds, scratch);
            h = d; s = ds;
        }
        _project.Forward(h, s, y, residual, scratch);
        scratch.Release(mark);
    }

    /// <summary>
    /// One spatial convolution into the projection (timm's EdgeResidual 'er', a full k x k expansion;
    /// or the depthwise-separable block of V1 and V2's first block): the first convolution computes a
    /// band of output rows from the input rows it needs, and the projection runs on the band while it
    /// is in cache, so the map between them (56x56x128 = 1.6 MB in MobileNetV4-Hybrid-Medium,
    /// 112x112x32 in V1 and V2) never goes out to memory and back.
    /// </summary>
    void ForwardPairInBands(Conv2d expand, ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, ReadOnlySpan<float> residual, Scratch scratch)
    {
        var g = expand.Geometry(shape);
        int mid = expand.OutChannels, outChannels = _project.OutChannels;
        int outRowsPerBand = Math.Max(MinBandRows(g.OutWidth), BandBytes * scratch.Threads / (4 * g.OutWidth * mid));
        int mark = scratch.Mark;
        var band = scratch.Take(outRowsPerBand * g.OutWidth * mid);
        for (int r0 = 0; r0 < g.OutHeight; r0 += outRowsPerBand)
        {
            int r1 = Math.Min(g.OutHeight, r0 + outRowsPerBand);
            ExpandRows(expand, x, shape, r0, r1, band, scratch);
            int pixels = (r1 - r0) * g.OutWidth;
            _project.Forward(band[..(pixels * mid)], new FeatureShape(r1 - r0, g.OutWidth, mid),
                y.Slice(r0 * g.OutWidth * outChannels, pixels * outChannels),
                residual.IsEmpty ? default : residual.Slice(r0 * g.OutWidth * outChannels, pixels * outChannels), scratch);
        }
        scratch.Release(mark);
    }

    /// <summary>
    /// Output rows [<paramref name="r0"/>, <paramref name="r1"/>) of <paramref name="conv"/> on the whole
    /// input <paramref name="x"/>, into <paramref name="y"/>: a 1x1 convolution reads just those rows,
    /// a k x k one the input rows they need.
    /// </summary>
    static void ExpandRows(Conv2d conv, ReadOnlySpan<float> x, FeatureShape shape, int r0, int r1, Span<float> y, Scratch scratch)
    {
        int inRowFloats = shape.Width * shape.Channels;
        if (conv.IsPointwise)
        {
            var rows = shape with { Height = r1 - r0 };
            conv.Forward(x.Slice(r0 * inRowFloats, rows.Size), rows, y, scratch);
            return;
        }
        var g = conv.Geometry(shape);
        int span = (g.Kernel - 1) * g.Dilation;
        int first = Math.Max(0, r0 * g.Stride - g.PadTop);
        int end = Math.Min(shape.Height, (r1 - 1) * g.Stride - g.PadTop + span + 1);
        conv.ForwardBand(x.Slice(first * inRowFloats, (end - first) * inRowFloats), end - first, shape, first, r0, r1, y, scratch);
    }

    /// <summary>
    /// Fewest output rows per band: <see cref="MinBandPixels"/> pixels. Wide rows with a 5x5 stride-2
    /// depthwise would otherwise give one-row bands, and the per-band convolutions would be too small
    /// to run well.
    /// </summary>
    static int MinBandRows(int outWidth) => (MinBandPixels + outWidth - 1) / outWidth;

    /// <summary>
    /// Expand and depthwise a band of rows at a time so the expanded tensor (e.g. 112x112x96 = 4.8 MB
    /// in MobileNetV2) never leaves the cache; with no SE the projection runs on each band too.
    /// The halo rows a k x k depthwise shares between bands are kept (moved to the top of the band
    /// buffer), not recomputed. Same arithmetic as the unfused path, only in another order over rows.
    /// </summary>
    void ForwardInBands(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, ReadOnlySpan<float> residual, Scratch scratch)
    {
        var expand = _expand!;
        var depthwise = _depthwise!;
        int mid = expand.OutChannels, dc = depthwise.OutChannels;
        var expandedShape = expand.OutputShape(shape);
        var g = depthwise.Geometry(expandedShape);
        var dwShape = new FeatureShape(g.OutHeight, g.OutWidth, dc);
        int span = (g.Kernel - 1) * g.Dilation;
        int rowBytes = 4 * expandedShape.Width * mid;
        // Threads split each band's convolutions, each core caching its share: with more threads a band
        // can hold more rows, and fewer bands mean fewer hand-offs to the workers.
        int bandBytes = BandBytes * scratch.Threads;
        int outRowsPerBand = Math.Max(MinBandRows(g.OutWidth), (bandBytes / rowBytes - span) / g.Stride);

        int mark = scratch.Mark;
        var band = scratch.Take(((outRowsPerBand - 1) * g.Stride + span + 1) * expandedShape.Width * mid);
        // With SE the whole depthwise output is needed before the projection; without, a band of it.
        var dw = _se != null ? scratch.Take(dwShape.Size) : scratch.Take(outRowsPerBand * g.OutWidth * dc);
        int haveFirst = 0, haveEnd = 0;   // expanded input rows [haveFirst, haveEnd) sit at the top of the band
        int rowFloats = expandedShape.Width * mid;
        for (int r0 = 0; r0 < g.OutHeight; r0 += outRowsPerBand)
        {
            int r1 = Math.Min(g.OutHeight, r0 + outRowsPerBand);
            int first = Math.Max(0, r0 * g.Stride - g.PadTop);
            int end = Math.Min(expandedShape.Height, (r1 - 1) * g.Stride - g.PadTop + span + 1);
            int rows = end - first;
            int kept = first < haveEnd && first >= haveFirst ? haveEnd - first : 0;
            if (kept > 0) band.Slice((first - haveFirst) * rowFloats, kept * rowFloats).CopyTo(band);
            if (rows > kept) ExpandRows(expand, x, shape, first + kept, end, band.Slice(kept * rowFloats), scratch);
            haveFirst = first; haveEnd = end;
            var dwOut = _se != null ? dw.Slice(r0 * g.OutWidth * dc) : dw;
            depthwise.ForwardBand(band, rows, expandedShape, first, r0, r1, dwOut, scratch);
            if (_se == null)
            {
                int pixels = (r1 - r0) * g.OutWidth;
                int outChannels = _project.OutChannels;
                _project.Forward(dw[..(pixels * dc)], new FeatureShape(r1 - r0, g.OutWidth, dc),
                    y.Slice(r0 * g.OutWidth * outChannels, pixels * outChannels),
                    residual.IsEmpty ? default : residual.Slice(r0 * g.OutWidth * outChannels, pixels * outChannels), scratch);
            }
        }
        if (_se != null)
        {
            _se.Apply(dw, dwShape, scratch);
            _project.Forward(dw, dwShape, y, residual, scratch);
        }
        scratch.Release(mark);
    }
}
