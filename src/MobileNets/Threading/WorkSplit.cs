namespace MobileNets.Threading;

/// <summary>How an operator divides its items among tasks.</summary>
internal static class WorkSplit
{
    /// <summary>Contiguous share <paramref name="task"/> of <paramref name="count"/> items, in multiples of <paramref name="grain"/>.</summary>
    public static (int Start, int End) Range(int count, int tasks, int task, int grain)
    {
        int chunks = (count + grain - 1) / grain;
        int per = (chunks + tasks - 1) / tasks;
        int start = Math.Min(count, task * per * grain), end = Math.Min(count, (task + 1) * per * grain);
        return (start, end);
    }
}
