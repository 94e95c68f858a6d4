namespace MobileNets.Threading;

/// <summary>A unit of parallel work: item <c>index</c> of a job, run on some worker.</summary>
internal interface IParallelWork
{
    void Execute(int index);
}

/// <summary>
/// A persistent pool of worker threads for intra-op parallelism. <c>Parallel.For</c> costs several
/// microseconds per dispatch, about 10% of a 3 ms model with ~110 operators; here each worker has
/// its own start signal and the last one to finish signals the caller, both spinning briefly before
/// blocking (so a loaded machine is not made worse by busy waiting). Threads claim items from a
/// shared counter, so when the VM deschedules a worker (steal time is common on shared machines)
/// the others take its items rather than wait for it; callers split an operator into a few items
/// per thread for that. Each item computes a fixed part of the output, so results do not depend on
/// which thread ran it. A pool of 1 thread runs everything on the caller. Concurrent
/// callers do not queue: whoever finds the pool busy runs its job alone, so a shared model never
/// deadlocks.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long a waiting thread spins before it blocks: longer than any gap inside one inference.</summary>
    static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 200;   // 5 ms: a blocked thread takes 0.3-2 ms to wake on a busy VM

    // The events only block: their own spin phase escalates to Sleep(1) and woke a worker up to 2 ms late.
    const int SpinCount = 1;

    readonly Thread[] _workers;
    readonly ManualResetEventSlim[] _start;
    readonly ManualResetEventSlim _done = new(false, SpinCount);
    readonly object _gate = new();
    IParallelWork? _work;
    int _count;
    int _next;      // the next unclaimed item
    int _pending;
    volatile bool _disposed;
    Exception? _failure;

    public int Threads { get; }

    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        _start = new ManualResetEventSlim[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _start[i] = new ManualResetEventSlim(false, SpinCount);
            int index = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"MobileNets worker {index}" };
            _workers[i].Start();
        }
    }

    /// <summary>Runs items 0..count-1 of <paramref name="work"/>, returning when all are done.</summary>
    public void Run(IParallelWork work, int count)
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1 || _disposed || !Monitor.TryEnter(_gate))
        {
            for (int i = 0; i < count; i++) work.Execute(i);
            return;
        }
        try
        {
            int helpers = Math.Min(_workers.Length, count - 1);
            _work = work;
            _count = count;
            _next = 0;
            _failure = null;
            _done.Reset();
            Volatile.Write(ref _pending, helpers);
            for (int w = 0; w < helpers; w++) _start[w].Set();

            Exception? callerFailure = null;
            try
            {
                RunItems(work);
            }
            catch (Exception e) { callerFailure = e; }

            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _pending) != 0)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline) { _done.Wait(); break; }
                Thread.SpinWait(16);
            }
            _work = null;
            if (callerFailure != null) throw callerFailure;
            if (_failure != null) throw new AggregateException("a worker failed", _failure);
        }
        finally { Monitor.Exit(_gate); }
    }

    void WorkerLoop(int index)
    {
        var start = _start[index - 1];
        while (true)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (!start.IsSet)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline) { start.Wait(); break; }
                Thread.SpinWait(16);
            }
            start.Reset();
            if (_disposed) return;
            try
            {
                RunItems(_work!);
            }
            catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    /// <summary>Claims and runs items until none are left.</summary>
    void RunItems(IParallelWork work)
    {
        for (int i = Interlocked.Increment(ref _next) - 1; i < _count; i = Interlocked.Increment(ref _next) - 1)
            work.Execute(i);
    }

    public void Dispose()
    {
        if (_disposed) return;
        lock (_gate)
        {
            _disposed = true;
            foreach (var s in _start) s.Set();
        }
        foreach (var t in _workers) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
