namespace MobileNets.Tensors;

/// <summary>
/// A per-inference bump allocator for intermediate feature maps. Layers take spans and give them
/// back in reverse order (<see cref="Mark"/> / <see cref="Release"/>); after the first inference
/// at a given input size the arena is large enough and nothing more is allocated.
/// </summary>
internal sealed class Scratch
{
    readonly Threading.WorkerPool? _pool;

    public Scratch(Threading.WorkerPool? pool = null) { _pool = pool; }

    /// <summary>Threads a layer may split its work across.</summary>
    public int Threads => _pool?.Threads ?? 1;

    readonly Dictionary<(int N, int K, Kernels.SimdWidth Width, int Slot), Kernels.PackedGemmWeights> _packs = new();

    /// <summary>Panels for an operand packed during inference (attention keys and values), reused across calls.</summary>
    public Kernels.PackedGemmWeights Pack(int slot, int n, int k, Kernels.SimdWidth width)
    {
        if (!_packs.TryGetValue((n, k, width, slot), out var pack))
            _packs[(n, k, width, slot)] = pack = new Kernels.PackedGemmWeights(n, k, width);
        return pack;
    }

    /// <summary>The convolution job object, reused by every convolution of this inference.</summary>
    public Layers.ConvJob ConvJob { get; } = new();

    /// <summary>The attention job object, reused by every attention layer of this inference.</summary>
    public Layers.AttentionJob AttentionJob { get; } = new();

    /// <summary>Runs <paramref name="count"/> items on the pool (or inline).</summary>
    public void Run(Threading.IParallelWork work, int count)
    {
        if (_pool == null || count <= 1) { for (int i = 0; i < count; i++) work.Execute(i); return; }
        _pool.Run(work, count);
    }

    float[] _arena = new float[1 << 16];
    int _top;

    public int Mark => _top;

    public Span<float> Take(int length)
    {
        if (_top + length > _arena.Length)
        {
            // Spans handed out earlier keep the old array alive; later inferences use the larger one.
            _arena = new float[Math.Max(_arena.Length * 2, _top + length)];
        }
        var span = _arena.AsSpan(_top, length);
        _top += length;
        return span;
    }

    public void Release(int mark) => _top = mark;
}
