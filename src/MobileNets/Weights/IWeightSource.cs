namespace MobileNets.Weights;

/// <summary>Named tensors from a weight file, whatever its format.</summary>
internal interface IWeightSource : IDisposable
{
    string Source { get; }
    IReadOnlyDictionary<string, string> Metadata { get; }
    IEnumerable<string> Names { get; }
    bool TryGetShape(string name, out int[] shape);
    float[] ReadFloat32(string name);
}

/// <summary>A safetensors file as a weight source.</summary>
internal sealed class SafeTensorsWeightSource(SafeTensorsFile file) : IWeightSource
{
    public string Source => file.Source;
    public IReadOnlyDictionary<string, string> Metadata => file.Metadata;
    public IEnumerable<string> Names => file.Tensors.Select(t => t.Name);

    public bool TryGetShape(string name, out int[] shape)
    {
        bool found = file.TryGet(name, out var info);
        shape = found ? info.Shape : [];
        return found;
    }

    public float[] ReadFloat32(string name) => file.ReadFloat32(name);
    public void Dispose() => file.Dispose();
}
