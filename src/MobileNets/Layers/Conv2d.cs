using System.Numerics.Tensors;
using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>How a convolution pads its input.</summary>
internal readonly record struct Padding(int Size, bool TfSame)
{
    public static Padding Same => new(0, true);
    public static Padding Symmetric(int size) => new(size, false);
}

/// <summary>
/// A convolution with BatchNorm already folded into its weights and bias, followed by an activation.
/// At construction it picks its kernel once: GEMM for 1x1 stride-1, the depthwise kernel when every
/// group has one input and one output channel, im2col + GEMM otherwise. Linear layers are 1x1
/// convolutions on a 1x1 map. An anti-aliased convolution runs at stride 1 and hands its output
/// to a fixed pool that takes the stride (<see cref="AntiAliasPool"/>).
/// </summary>
internal sealed class Conv2d : ILayer
{
    enum Kind { Pointwise, Depthwise, General, Direct, Indirect }

    readonly Kind _kind;
    readonly int _in, _out, _kernel, _stride, _dilation, _groups;
    readonly Padding _padding;
    readonly Activation _act;
    readonly PackedGemmWeights[]? _gemm;     // one per group
    readonly PackedDepthwiseWeights? _depthwise;
    readonly Conv2d? _antiAlias;
    readonly AntiAlias _antiAliasKind;

    public int InChannels => _in;

    /// <summary>The vector width this convolution's weights were packed for.</summary>
    public SimdWidth SimdWidth { get; }
    public int OutChannels => _out;
    public Activation Activation => _act;

    /// <param name="weights">PyTorch order [out][in/groups][k][k].</param>
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int dilation, int groups, Padding padding,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation act, SimdWidth width, AntiAlias antiAlias = AntiAlias.None)
    {
        if (antiAlias != AntiAlias.None && stride > 1)
        {
            _antiAlias = AntiAliasPool.Create(antiAlias, outChannels, stride, width);
            _antiAliasKind = antiAlias;
            stride = 1;
        }
        SimdWidth = width;
        _in = inChannels; _out = outChannels; _kernel = kernel; _stride = stride; _dilation = dilation; _groups = groups;
        _padding = padding; _act = act;
        if (groups == inChannels && groups == outChannels && groups > 1)
        {
            _kind = Kind.Depthwise;
            _depthwise = new PackedDepthwiseWeights(weights, outChannels, kernel, bias, width);
            return;
        }
        _kind = kernel == 1 && stride == 1 && groups == 1 && (padding.TfSame || padding.Size == 0) ? Kind.Pointwise
            : groups == 1 && inChannels <= 4 && width != SimdWidth.Scalar ? Kind.Direct
            : groups == 1 && width != SimdWidth.Scalar ? Kind.Indirect
            : Kind.General;
        int inG = inChannels / groups, outG = outChannels / groups, taps = kernel * kernel;
        _gemm = new PackedGemmWeights[groups];
        var reordered = new float[outG * taps * inG];
        for (int g = 0; g < groups; g++)
        {
            // [out][in][ky][kx] -> [out][(ky, kx, in)], the row order im2col produces.
            for (int o = 0; o < outG; o++)
                for (int i = 0; i < inG; i++)
                    for (int t = 0; t < taps; t++)
                        reordered[(o * taps + t) * inG + i] = weights[(((g * outG + o) * inG) + i) * taps + t];
            _gemm[g] = new PackedGemmWeights(reordered, outG, taps * inG, bias.IsEmpty ? default : bias.Slice(g * outG, outG), PanelWidthFor(outG, width),
                sliced: _kind == Kind.Pointwise);
        }
    }

    /// <summary>
    /// A panel is two vectors wide; a layer with at most 16 outputs (the stem) would leave half a
    /// 512-bit panel empty, so it packs for 256-bit vectors instead.
    /// </summary>
    static SimdWidth PanelWidthFor(int outputs, SimdWidth width) =>
        width == SimdWidth.V512 && outputs <= 16 ? SimdWidth.V256 : width;

    public ConvGeometry Geometry(FeatureShape input) => _padding.TfSame
        ? ConvGeometry.TfSame(input, _kernel, _stride, _dilation)
        : ConvGeometry.Symmetric(input, _kernel, _stride, _dilation, _padding.Size);

    /// <summary>The convolution's own output, before any anti-aliasing pool.</summary>
    FeatureShape ConvolvedShape(FeatureShape input)
    {
        var g = Geometry(input);
        return new FeatureShape(g.OutHeight, g.OutWidth, _out);
    }

    public FeatureShape OutputShape(FeatureShape input)
    {
        var o = ConvolvedShape(input);
        return _antiAlias == null ? o : _antiAlias.OutputShape(o);
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        var o = ConvolvedShape(input);
        long macs = (long)o.Size * (_in / _groups) * _kernel * _kernel;
        // Counted as timm's FLOP counters see it: a blur filter is a depthwise conv, an average pool is pooling.
        return _antiAlias == null || _antiAliasKind == AntiAlias.Average ? macs : macs + _antiAlias.MultiplyAccumulates(o);
    }

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch) =>
        Forward(x, shape, y, default, scratch);

    /// <summary>Convolution, activation, then <paramref name="residual"/> added when given.</summary>
    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, ReadOnlySpan<float> residual, Scratch scratch)
    {
        if (_antiAlias == null)
        {
            Convolve(x, shape, y, residual, scratch);
            return;
        }
        if (!residual.IsEmpty) throw new InvalidOperationException("an anti-aliased (strided) convolution takes no residual");
        int mark = scratch.Mark;
        var full = ConvolvedShape(shape);
        var convolved = scratch.Take(full.Size);
        Convolve(x, shape, convolved, default, scratch);
        _antiAlias.Forward(convolved, full, y, scratch);
        scratch.Release(mark);
    }

    /// <summary>Whether this is a plain depthwise convolution (no anti-aliasing), which <see cref="ForwardBand"/> can run on a band of rows.</summary>
    public bool IsBandableDepthwise => _kind == Kind.Depthwise && IsBandable;

    /// <summary>Whether <see cref="ForwardBand"/> can run this convolution on a band of rows (anti-aliased ones cannot).</summary>
    public bool IsBandable => _antiAlias == null;

    /// <summary>Whether this is a 1x1 stride-1 convolution, which runs on any run of pixels.</summary>
    public bool IsPointwise => _kind == Kind.Pointwise && _antiAlias == null;

    /// <summary>
    /// The convolution on a band of input rows held in <paramref name="band"/> (its first row is input
    /// row <paramref name="bandFirstRow"/> of <paramref name="full"/>), writing output rows
    /// [<paramref name="outFirstRow"/>, <paramref name="outEndRow"/>) to the start of <paramref name="y"/>.
    /// Lets an inverted residual keep its expanded tensor in cache a few rows at a time.
    /// </summary>
    public void ForwardBand(ReadOnlySpan<float> band, int bandRows, FeatureShape full, int bandFirstRow, int outFirstRow, int outEndRow, Span<float> y, Scratch scratch)
    {
        var g = Geometry(full);
        // Shift the frame: output row 0 of the band is outFirstRow, input row 0 is bandFirstRow.
        var shifted = g with { PadTop = g.PadTop + bandFirstRow - outFirstRow * g.Stride, OutHeight = outEndRow - outFirstRow };
        Convolve(band, full with { Height = bandRows }, y, default, scratch, shifted);
    }

    unsafe void Convolve(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, ReadOnlySpan<float> residual, Scratch scratch, ConvGeometry? geometry = null)
    {
        if (shape.Channels != _in) throw new InvalidOperationException($"convolution expects {_in} channels, got {shape.Channels}");
        var g = geometry ?? Geometry(shape);
        int outSize = g.OutHeight * g.OutWidth * _out;
        if (x.Length < shape.Size || y.Length < outSize || (!residual.IsEmpty && residual.Length < outSize))
            throw new ArgumentException("convolution buffers too small");
        bool fused = Activations.IsFusable(_act);
        int tasks = TaskCount(shape, g, scratch.Threads);
        int mark = scratch.Mark;
        int bandLength = _kind == Kind.General ? Band(g) * _kernel * _kernel * (_in / _groups) : 0;
        var im2col = scratch.Take(bandLength * tasks);
        fixed (float* px = x, py = y, pr = residual, pb = im2col)
        {
            var job = scratch.ConvJob;
            job.Conv = this; job.X = px; job.Shape = shape; job.Y = py; job.Geometry = g; job.Tasks = tasks;
            job.Act = fused ? _act : Activation.None;
            job.Residual = fused ? pr : null;
            job.Im2Col = pb; job.Im2ColLength = bandLength;
            scratch.Run(job, tasks);
            job.Conv = null;
        }
        scratch.Release(mark);
        if (!fused)
        {
            Activations.ApplyInPlace(_act, y[..outSize]);
            if (!residual.IsEmpty) TensorPrimitives.Add(y[..outSize], residual[..outSize], y[..outSize]);
        }
    }

    /// <summary>
    /// Few tasks for small layers: a hand-off costs about as much as 10k multiply-adds. (Splitting
    /// large layers into several tasks per thread measured no better on the 2-core VM: more, smaller
    /// GEMMs cost what the load balancing gained.)
    /// </summary>
    int TaskCount(FeatureShape s, ConvGeometry g, int threads)
    {
        if (threads <= 1) return 1;
        long macs = (long)g.OutHeight * g.OutWidth * _out * (_in / _groups) * _kernel * _kernel;
        return macs < 20_000 ? 1 : threads;
    }

    /// <summary>Output pixels gathered per im2col band: bounded scratch, rows still hot in cache for the GEMM.</summary>
    int Band(ConvGeometry g)
    {
        int rowLength = _kernel * _kernel * (_in / _groups);
        int pixels = g.OutHeight * g.OutWidth;
        return Math.Max(6, Math.Min(pixels, (1 << 15) / Math.Max(rowLength, 1) / 6 * 6));
    }

    /// <summary>One task's share: rows of output pixels, or column panels when there are too few rows.</summary>
    internal unsafe void ExecuteTask(ConvJob job, int task)
    {
        var g = job.Geometry;
        var s = job.Shape;
        int pixels = g.OutHeight * g.OutWidth;
        int outSize = pixels * _out;
        var y = new Span<float>(job.Y, outSize);
        var residual = job.Residual == null ? default : new ReadOnlySpan<float>(job.Residual, outSize);
        switch (_kind)
        {
            case Kind.Depthwise:
            {
                var (r0, r1) = Threading.WorkSplit.Range(g.OutHeight, job.Tasks, task, 1);
                DepthwiseConv.Run(_depthwise!, new ReadOnlySpan<float>(job.X, s.Size), s, y, g, job.Act, r0, r1);
                break;
            }
            case Kind.Pointwise:
            {
                var gemm = _gemm![0];
                // Few rows (7x7 maps) split unevenly in tiles of 6 and each thread would read all the
                // weights: split the panels instead, in pairs (the AVX-512 tile covers two).
                int panelGrain = gemm.Width == SimdWidth.V512 ? 2 : 1;
                if (pixels >= 6 * job.Tasks * 8 || gemm.Panels < job.Tasks * panelGrain)
                {
                    var (p0, p1) = Threading.WorkSplit.Range(pixels, job.Tasks, task, 6);
                    if (p1 <= p0) return;
                    Gemm.Run(gemm, new ReadOnlySpan<float>(job.X + (long)p0 * _in, (p1 - p0) * _in), p1 - p0, _in,
                        y.Slice(p0 * _out), _out, job.Act, residual.IsEmpty ? default : residual.Slice(p0 * _out));
                }
                else
                {
                    var (c0, c1) = Threading.WorkSplit.Range(gemm.Panels, job.Tasks, task, panelGrain);
                    Gemm.Run(gemm, new ReadOnlySpan<float>(job.X, s.Size), pixels, _in, y, _out, job.Act, residual, c0, c1);
                }
                break;
            }
            case Kind.Indirect:
            {
                var (p0, p1) = Threading.WorkSplit.Range(pixels, job.Tasks, task, 6);
                IndirectConv.Run(_gemm![0], new ReadOnlySpan<float>(job.X, s.Size), s, y, g, job.Act, residual, p0, p1);
                break;
            }
            case Kind.Direct:
            {
                var (p0, p1) = Threading.WorkSplit.Range(pixels, job.Tasks, task, 1);
                DirectConv.Run(_gemm![0], new ReadOnlySpan<float>(job.X, s.Size), s, y, g, job.Act, p0, p1);
                if (!residual.IsEmpty)
                    TensorPrimitives.Add(y.Slice(p0 * _out, (p1 - p0) * _out), residual.Slice(p0 * _out, (p1 - p0) * _out), y.Slice(p0 * _out, (p1 - p0) * _out));
                break;
            }
            default:
            {
                var (p0, p1) = Threading.WorkSplit.Range(pixels, job.Tasks, task, 6);
                var rows = new Span<float>(job.Im2Col + (long)task * job.Im2ColLength, job.Im2ColLength);
                RunIm2Col(new ReadOnlySpan<float>(job.X, s.Size), s, y, g, job.Act, residual, rows, p0, p1);
                break;
            }
        }
    }

    void RunIm2Col(ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act, ReadOnlySpan<float> residual,
        Span<float> rows, int pixelStart, int pixelEnd)
    {
        int inG = _in / _groups, outG = _out / _groups, rowLength = _kernel * _kernel * inG;
        int band = rows.Length / rowLength;
        for (int group = 0; group < _groups; group++)
            for (int p0 = pixelStart; p0 < pixelEnd; p0 += band)
            {
                int count = Math.Min(band, pixelEnd - p0);
                Im2Col.Gather(x, s, g, group * inG, inG, p0, count, rows);
                var yBand = y.Slice(p0 * _out + group * outG);
                var rBand = residual.IsEmpty ? default : residual.Slice(p0 * _out + group * outG);
                Gemm.Run(_gemm![group], rows, count, rowLength, yBand, _out, act, rBand);
            }
    }
}

/// <summary>A convolution's parallel job, reused per inference (held by its <see cref="Scratch"/>): pointers into pinned buffers.</summary>
internal sealed unsafe class ConvJob : Threading.IParallelWork
{
    public Conv2d? Conv;
    public float* X, Y, Residual, Im2Col;
    public int Im2ColLength, Tasks;
    public FeatureShape Shape;
    public ConvGeometry Geometry;
    public Activation Act;

    public void Execute(int index) => Conv!.ExecuteTask(this, index);
}
