using MobileNets.Tests.Hardening;
using MobileNets.Weights.TfLite;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// A .tflite file's structure for the shared <see cref="ByteMutator"/>: the byte ranges of its
/// buffer, tensor and operator tables and of its constant buffers' data (chunks), and every byte
/// outside the bulk data of large buffers (the structure worth damaging).
/// </summary>
internal static class TfLiteLayout
{
    public static FuzzLayout Of(byte[] data)
    {
        var fb = new FlatBufferReader(data, "layout");
        var model = fb.Root("Model");
        var chunks = new List<FileChunk>();
        void Tables(FlatTable[] tables, string kind) =>
            chunks.AddRange(tables.Select((t, i) => new FileChunk(t.Extent.Position, t.Extent.Size, $"{kind} {i} table")));
        Tables(model.TableVector(4, "buffers"), "buffer");
        foreach (var subgraph in model.TableVector(2, "subgraphs"))
        {
            Tables(subgraph.TableVector(0, "tensors"), "tensor");
            Tables(subgraph.TableVector(3, "operators"), "operator");
        }
        var parsed = TfLiteModelDefinition.Parse(data, "layout");
        chunks.AddRange(parsed.Buffers.Select((b, i) => new FileChunk(b.Start, b.Length, $"buffer {i} data")).Where(c => c.Length > 0));

        var bulk = new bool[data.Length];
        foreach (var b in parsed.Buffers.Where(b => b.Length > 64)) Array.Fill(bulk, true, b.Start, b.Length);
        return new FuzzLayout(chunks, Enumerable.Range(0, data.Length).Where(i => !bulk[i]).ToArray());
    }
}
