namespace MobileNets.Weights;

/// <summary>
/// The tensors of a weight file under one name prefix (<c>backbone.</c>, <c>head.</c>, ...), so
/// that a <see cref="WeightBinder"/> binding one part of a model is strict about that part: every
/// tensor under the prefix must be consumed. <see cref="EnsureCovered"/> checks that the scopes of a
/// model together cover the whole file. Names are not rewritten, so errors name the file's tensor.
/// </summary>
internal sealed class WeightScope(IWeightSource file, string prefix) : IWeightSource
{
    public string Prefix => prefix;
    public string Source => file.Source;
    public IReadOnlyDictionary<string, string> Metadata => file.Metadata;
    public IEnumerable<string> Names => file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal));

    public bool TryGetShape(string name, out int[] shape)
    {
        if (name.StartsWith(prefix, StringComparison.Ordinal)) return file.TryGetShape(name, out shape);
        shape = [];
        return false;
    }

    public float[] ReadFloat32(string name) =>
        name.StartsWith(prefix, StringComparison.Ordinal) ? file.ReadFloat32(name) : throw new KeyNotFoundException(name);

    /// <summary>The file itself stays open: its owner disposes it.</summary>
    public void Dispose() { }

    /// <summary>Fails naming the first tensor of <paramref name="file"/> that no scope covers.</summary>
    public static void EnsureCovered(IWeightSource file, params string[] prefixes)
    {
        var stray = file.Names.FirstOrDefault(n => !prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)));
        if (stray != null) throw new ModelFormatException($"{file.Source}: unexpected tensor '{stray}'");
    }
}
