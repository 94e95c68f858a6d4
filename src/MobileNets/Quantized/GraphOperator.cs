namespace MobileNets.Quantized;

/// <summary>An operator prepared at load (weights packed, parameters computed); runs against a context.</summary>
internal abstract class GraphOperator
{
    protected GraphOperator(int index) { Index = index; }

    /// <summary>Position in the subgraph's operator list (also the key of its scratch memory).</summary>
    public int Index { get; }

    /// <summary>A short description for profiles: the operator type and, where useful, its shape.</summary>
    public virtual string Describe => GetType().Name.Replace("Operator", "");

    public abstract void Execute(ExecutionContext context);
}
