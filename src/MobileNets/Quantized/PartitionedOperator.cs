using MobileNets.Threading;

namespace MobileNets.Quantized;

/// <summary>
/// An operator whose output divides into parts computed independently: part i of n always covers
/// the same slice of the output with the same arithmetic, so results do not depend on the thread
/// count. Before it hands parts out, the operator allocates every buffer a part touches (context
/// lookups inside a part then only read).
/// </summary>
internal interface IPartitionedOperator
{
    /// <summary>Computes part <paramref name="part"/> of <paramref name="parts"/> for batch item <paramref name="batch"/>.</summary>
    void RunPart(ExecutionContext context, int batch, int part, int parts);
}

/// <summary>
/// The pool's view of one partitioned operator run; a context holds one and reuses it for every
/// operator, so a run allocates nothing.
/// </summary>
internal sealed class PartJob : IParallelWork
{
    public IPartitionedOperator? Operator;
    public ExecutionContext? Context;
    public int Batch, Parts;

    public void Execute(int index) => Operator!.RunPart(Context!, Batch, index, Parts);
}
