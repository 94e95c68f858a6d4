namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The shape every limit test has: one step over the limit is refused naming it, at the limit the file loads.</summary>
public static class LimitAssert
{
    /// <summary>
    /// <paramref name="load"/> under <paramref name="over"/> must throw <typeparamref name="TException"/> with a
    /// one-line message naming <paramref name="limitName"/>; under <paramref name="at"/> it must succeed.
    /// </summary>
    public static void RefusedOverAcceptedAt<TException, TLimits>(Action<TLimits> load, TLimits over, TLimits at, string limitName)
        where TException : Exception
    {
        var e = Assert.Throws<TException>(() => load(over));
        Assert.Contains(limitName, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        load(at);
    }

    /// <summary>The model file case: <see cref="ModelFileLimits"/> and <see cref="ModelFormatException"/>.</summary>
    public static void RefusedOverAcceptedAt(Action<ModelFileLimits> load, ModelFileLimits over, ModelFileLimits at, string limitName) =>
        RefusedOverAcceptedAt<ModelFormatException, ModelFileLimits>(load, over, at, limitName);
}
