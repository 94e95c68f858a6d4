using MobileNets.Threading;

namespace MobileNets.Quantized;

/// <summary>
/// The threads a <see cref="TfLiteModel"/> may use for one inference: the float engine's persistent
/// <see cref="WorkerPool"/> (none at 1 thread, so no other thread ever runs), shared by every
/// <see cref="ExecutionContext"/> of the model. Concurrent inferences do not queue for it: whoever
/// finds the pool busy runs its operators alone.
/// </summary>
internal sealed class OperatorParallelism : IDisposable
{
    readonly WorkerPool? _pool;

    public OperatorParallelism(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _pool = threads > 1 ? new WorkerPool(threads) : null;
    }

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads { get; }

    /// <summary>
    /// Tests only: split every operator that can be split, however small, so the equality tests
    /// cover uneven splits on the tiny generated models too.
    /// </summary>
    internal bool SplitEverything { get; set; }

    /// <summary>
    /// How many parts an operator of <paramref name="multiplyAccumulates"/> runs in: one below
    /// <paramref name="minimum"/> (a hand-off would cost more than it saves), else one per thread,
    /// never more than the <paramref name="units"/> it can be divided into.
    /// </summary>
    public int Parts(long multiplyAccumulates, long minimum, int units)
    {
        if (Threads == 1 || (multiplyAccumulates < minimum && !SplitEverything)) return 1;
        return Math.Clamp(units, 1, Threads);
    }

    /// <summary>Runs items 0..count-1 of <paramref name="work"/> on the pool (or inline).</summary>
    public void Run(IParallelWork work, int count)
    {
        if (_pool == null) { for (int i = 0; i < count; i++) work.Execute(i); return; }
        _pool.Run(work, count);
    }

    /// <summary>Stops the worker threads; later runs execute on the caller alone.</summary>
    public void Dispose() => _pool?.Dispose();
}
