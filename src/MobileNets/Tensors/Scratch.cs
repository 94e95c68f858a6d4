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

    AlignedBuffer _arena = new(1 << 16, zeroed: false);
    int _top;

    public int Mark => _top;

    /// <summary>A span of <paramref name="length"/> floats starting on a 64-byte boundary.</summary>
    public Span<float> Take(int length)
    {
        int size = AlignedBuffer.RoundUp(length);
        if (_top + size > _arena.Length)
        {
            // Spans handed out earlier keep the old buffer alive; later inferences use the larger one.
            _arena = new AlignedBuffer(Math.Max(_arena.Length * 2, _top + size), zeroed: false);
        }
        var span = _arena.Span.Slice(_top, length);
        _top += size;
        return span;
    }

    public void Release(int mark) => _top = mark;
}
