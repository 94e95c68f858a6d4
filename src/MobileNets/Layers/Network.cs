using System.Collections.Concurrent;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// A bound network: layers run in order on one image's NHWC map. Inputs and outputs cross the
/// boundary once in PyTorch's NCHW order. Thread-safe: each concurrent call takes its own scratch.
/// </summary>
internal sealed class Network : IDisposable
{
    readonly LayerSequence _sequence;
    readonly ConcurrentBag<Scratch> _scratches = new();
    Scratch? _cachedScratch;

    public Network(IReadOnlyList<ILayer> layers, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _sequence = new LayerSequence(layers);
        Threads = threads;
        _pool = threads > 1 ? new Threading.WorkerPool(threads) : null;
    }

    readonly Threading.WorkerPool? _pool;

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads { get; }

    public IReadOnlyList<ILayer> Layers => _sequence.Layers;

    public FeatureShape OutputShape(FeatureShape input) => _sequence.OutputShape(input);

    public long MultiplyAccumulates(FeatureShape input) => _sequence.MultiplyAccumulates(input);

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
        var outShape = _sequence.OutputShape(shape);
        int mark = scratch.Mark;
        var x = scratch.Take(shape.Size);
        var y = scratch.Take(outShape.Size);
        Layout.ChwToHwc(chw, x, shape);
        _sequence.Forward(x, shape, y, scratch);
        Layout.HwcToChw(y, outChw, outShape);
        scratch.Release(mark);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool?.Dispose();
}
