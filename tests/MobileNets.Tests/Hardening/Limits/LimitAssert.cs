namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The shape every limit test has: one step over the limit is refused naming it, at the limit the file loads.</summary>
public static class LimitAssert
{
    /// <summary>
    /// <paramref name="load"/> under <paramref name="over"/> must throw <typeparamref name="T"/> with a one-line
    /// message naming <paramref name="limitName"/>; under <paramref name="at"/> it must succeed.
    /// </summary>
    public static void RefusedOverAcceptedAt<T>(Action<ModelFileLimits> load, ModelFileLimits over, ModelFileLimits at, string limitName)
        where T : Exception
    {
        var e = Assert.Throws<T>(() => load(over));
        Assert.Contains(limitName, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        load(at);
    }

    /// <inheritdoc cref="RefusedOverAcceptedAt{T}"/>
    public static void RefusedOverAcceptedAt(Action<ModelFileLimits> load, ModelFileLimits over, ModelFileLimits at, string limitName) =>
        RefusedOverAcceptedAt<ModelFormatException>(load, over, at, limitName);
}
