using System.Collections.Concurrent;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// A bound network: layers run in order on one image's NHWC map. Inputs and outputs cross the
/// boundary once in PyTorch's NCHW order. Thread-safe: each concurrent call takes its own scratch.
/// </summary>
internal sealed class Network : IDisposable
{
    readonly ILayer[] _layers;   // an array: foreach over the interface would allocate an enumerator per call
    readonly ConcurrentBag<Scratch> _scratches = new();
    Scratch? _cachedScratch;

    public Network(IReadOnlyList<ILayer> layers, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _layers = [.. layers];
        Threads = threads;
        _pool = threads > 1 ? new Threading.WorkerPool(threads) : null;
    }

    readonly Threading.WorkerPool? _pool;

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads { get; }

    public IReadOnlyList<ILayer> Layers => _layers;

    public FeatureShape OutputShape(FeatureShape input)
    {
        foreach (var l in _layers) input = l.OutputShape(input);
        return input;
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        foreach (var l in _layers) { macs += l.MultiplyAccumulates(input); input = l.OutputShape(input); }
        return macs;
    }

    /// <summary>Runs a batch given as NCHW; returns the output NCHW (classifiers: N x classes).</summary>
    public float[] Forward(ReadOnlySpan<float> nchw, int batch, int height, int width, out FeatureShape outputShape)
    {
        outputShape = OutputShape(CheckInput(nchw, batch, height, width));
        var output = new float[batch * outputShape.Size];
        Forward(nchw, batch, height, width, output);
        return output;
    }

    static FeatureShape CheckInput(ReadOnlySpan<float> nchw, int batch, int height, int width)
    {
        if (batch <= 0 || height <= 0 || width <= 0 || (long)batch * 3 * height * width != nchw.Length)
            throw new ArgumentException($"input must be N x 3 x H x W with N, H, W positive (got {nchw.Length} values for {batch}x3x{height}x{width})");
        return new FeatureShape(height, width, 3);
    }

    /// <summary>Runs a batch into a caller-owned output (N x output size): no allocation after warm-up.</summary>
    public void Forward(ReadOnlySpan<float> nchw, int batch, int height, int width, Span<float> output, CancellationToken cancellation = default)
    {
        var inShape = CheckInput(nchw, batch, height, width);
        var outputShape = OutputShape(inShape);
        if (output.Length != batch * outputShape.Size) throw new ArgumentException($"output must hold {batch * outputShape.Size} values");
        // The common single-caller case reuses one cached scratch without touching the bag.
        var scratch = Interlocked.Exchange(ref _cachedScratch, null) ?? (_scratches.TryTake(out var s) ? s : new Scratch(_pool));
        try
        {
            for (int n = 0; n < batch; n++)
            {
                cancellation.ThrowIfCancellationRequested();
                ForwardOne(nchw.Slice(n * inShape.Size, inShape.Size), inShape, output.Slice(n * outputShape.Size, outputShape.Size), scratch);
            }
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _cachedScratch, scratch, null) != null) _scratches.Add(scratch);
        }
    }

    void ForwardOne(ReadOnlySpan<float> chw, FeatureShape shape, Span<float> outChw, Scratch scratch)
    {
        // Two maps of the largest size, used alternately; layers take their temporaries above them.
        int largest = shape.Size;
        var walk = shape;
        foreach (var layer in _layers) { walk = layer.OutputShape(walk); largest = Math.Max(largest, walk.Size); }
        int mark = scratch.Mark;
        var x = scratch.Take(largest);
        var y = scratch.Take(largest);
        Layout.ChwToHwc(chw, x, shape);
        foreach (var layer in _layers)
        {
            var next = layer.OutputShape(shape);
            layer.Forward(x[..shape.Size], shape, y[..next.Size], scratch);
            var t = x; x = y; y = t;
            shape = next;
        }
        Layout.HwcToChw(x[..shape.Size], outChw, shape);
        scratch.Release(mark);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool?.Dispose();
}
