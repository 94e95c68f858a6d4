using System.Text;

namespace MobileNets.Weights.TfLite;

/// <summary>
/// A parsed .tflite file (schema.fbs, root table Model): subgraphs, tensors, operators with their
/// options, and the locations of constant buffers inside <see cref="Data"/>. Parsing validates the
/// structure (every offset, index and length); whether the operators can run is decided later by
/// the interpreter.
/// </summary>
internal sealed class TfLiteModelDefinition
{
    /// <summary>Largest rank accepted for a tensor.</summary>
    public const int MaxRank = 8;

    public string Source { get; }
    public byte[] Data { get; }
    public uint Version { get; }
    public string Description { get; }
    public TfLiteSubgraphDef[] Subgraphs { get; }
    public TfLiteBufferDef[] Buffers { get; }

    TfLiteModelDefinition(string source, byte[] data, uint version, string description, TfLiteSubgraphDef[] subgraphs, TfLiteBufferDef[] buffers)
    {
        Source = source; Data = data; Version = version; Description = description; Subgraphs = subgraphs; Buffers = buffers;
    }

    /// <summary>The bytes of a constant buffer (empty for buffer 0 and for activation tensors).</summary>
    public ReadOnlySpan<byte> BufferBytes(int index) => Data.AsSpan(Buffers[index].Start, Buffers[index].Length);

    /// <summary>Parses and validates <paramref name="data"/>; <paramref name="limits"/> (tensor count) default to <see cref="ModelFileLimits.Default"/>.</summary>
    public static TfLiteModelDefinition Parse(byte[] data, string source, ModelFileLimits? limits = null)
    {
        limits ??= ModelFileLimits.Default;
        if (data.Length < 8) throw new ModelFormatException($"{source}: not a TFLite model (file of {data.Length} bytes is shorter than a flatbuffer header)");
        if (Encoding.ASCII.GetString(data, 4, 4) != "TFL3")
            throw new ModelFormatException($"{source}: not a TFLite model (file identifier is not TFL3)");
        var fb = new FlatBufferReader(data, source);
        var model = fb.Root("Model");
        uint version = model.UInt32(0, "version");
        if (version != 3) throw fb.Error($"unsupported TFLite schema version {version} (expected 3)");

        var codes = model.TableVector(1, "operator_codes").Select((t, i) => ParseOperatorCode(fb, t)).ToArray();
        var buffers = model.TableVector(4, "buffers").Select((t, i) => ParseBuffer(fb, t, i)).ToArray();
        string description = model.String(3, "description") ?? "";
        var subgraphTables = model.TableVector(2, "subgraphs");
        if (subgraphTables.Length == 0) throw fb.Error("model has no subgraphs");
        var subgraphs = new TfLiteSubgraphDef[subgraphTables.Length];
        int tensorBudget = limits.MaxTensors;
        for (int s = 0; s < subgraphs.Length; s++)
            subgraphs[s] = ParseSubgraph(fb, subgraphTables[s], s, codes, buffers, limits.MaxTensors, ref tensorBudget);
        return new TfLiteModelDefinition(source, data, version, description, subgraphs, buffers);
    }

    static (int Code, string? Custom, int Version) ParseOperatorCode(FlatBufferReader fb, FlatTable t)
    {
        // TFLite's GetBuiltinCode (schema_utils.cc): the larger of the deprecated byte field and the int32 field.
        int deprecated = t.Int8(0, "deprecated_builtin_code");
        int code = Math.Max(deprecated, t.Int32(3, "builtin_code"));
        if (code < 0) throw fb.Error($"{t.What} has invalid builtin code {code}");
        return (code, t.String(1, "custom_code"), t.Int32(2, "version", 1));
    }

    static TfLiteBufferDef ParseBuffer(FlatBufferReader fb, FlatTable t, int index)
    {
        var (start, count) = t.ByteVector(0, "data");
        ulong offset = t.UInt64(1, "offset"), size = t.UInt64(2, "size");
        // schema.fbs: offset/size locate data outside the flatbuffer (models over 2 GB); valid only if offset > 1.
        if (offset > 1)
        {
            if (count != 0) throw fb.Error($"buffer {index} has both inline data and an external offset");
            if (offset > (ulong)fb.Length || size > (ulong)fb.Length - offset)
                throw fb.Error($"buffer {index} at offset {offset} with {size} bytes lies outside the {fb.Length}-byte file");
            return new TfLiteBufferDef((int)offset, (int)size);
        }
        return new TfLiteBufferDef(start, count);
    }

    static TfLiteSubgraphDef ParseSubgraph(FlatBufferReader fb, FlatTable t, int s,
        (int Code, string? Custom, int Version)[] codes, TfLiteBufferDef[] buffers, int maxTensors, ref int tensorBudget)
    {
        // Counted before any per-tensor structure exists: the limit holds for all subgraphs together.
        int declared = t.VectorCount(0, "tensors");
        if (declared > tensorBudget)
            throw fb.Error($"subgraph {s} declares {declared} tensors, which takes the model over the MaxTensors limit of {maxTensors}");
        tensorBudget -= declared;
        var tensorTables = t.TableVector(0, "tensors");
        var tensors = new TfLiteTensorDef[tensorTables.Length];
        for (int i = 0; i < tensors.Length; i++) tensors[i] = ParseTensor(fb, tensorTables[i], i, s, buffers.Length);
        int[] inputs = CheckIndices(fb, t.Int32Vector(1, "inputs"), tensors.Length, $"subgraph {s} inputs", allowOmitted: false);
        int[] outputs = CheckIndices(fb, t.Int32Vector(2, "outputs"), tensors.Length, $"subgraph {s} outputs", allowOmitted: false);
        var opTables = t.TableVector(3, "operators");
        var ops = new TfLiteOperatorDef[opTables.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            var o = opTables[i];
            uint opcode = o.UInt32(0, "opcode_index");
            if (opcode >= codes.Length) throw fb.Error($"op {i} in subgraph {s} has opcode index {opcode} but the model has {codes.Length} operator codes");
            var (code, custom, version) = codes[opcode];
            int[] opInputs = CheckIndices(fb, o.Int32Vector(1, "inputs"), tensors.Length, $"op {i} in subgraph {s} inputs", allowOmitted: true);
            int[] opOutputs = CheckIndices(fb, o.Int32Vector(2, "outputs"), tensors.Length, $"op {i} in subgraph {s} outputs", allowOmitted: false);
            var options = TfLiteOptionsParser.Parse(fb, o, code, $"op {i} ({TfLiteOperatorNames.Name(code)}) in subgraph {s}");
            ops[i] = new TfLiteOperatorDef(i, code, custom, version, opInputs, opOutputs, options);
        }
        return new TfLiteSubgraphDef(s, t.String(4, "name") ?? "", tensors, inputs, outputs, ops);
    }

    static TfLiteTensorDef ParseTensor(FlatBufferReader fb, FlatTable t, int i, int s, int bufferCount)
    {
        string name = t.String(3, "name") ?? $"tensor{i}";
        string where = $"tensor {i} '{name}' in subgraph {s}";
        int[] shape = t.Int32Vector(0, "shape");
        if (shape.Length > MaxRank) throw fb.Error($"{where} has rank {shape.Length} (limit {MaxRank})");
        foreach (int d in shape)
            if (d < 0) throw fb.Error($"{where} has negative dimension {d}");
        var type = (TfLiteTensorType)t.Int8(1, "type");
        uint buffer = t.UInt32(2, "buffer");
        if (buffer >= bufferCount) throw fb.Error($"{where} refers to buffer {buffer} but the model has {bufferCount} buffers");
        if (t.Has(6)) throw fb.Error($"{where} is sparse, which is not supported");
        TfLiteQuantization? q = null;
        if (t.Table(4, "quantization") is FlatTable qt)
        {
            if (qt.UInt8(4, "details_type") != 0) throw fb.Error($"{where} uses custom quantization details, which are not supported");
            float[] scales = qt.Float32Vector(2, "scale");
            long[] zeroPoints = qt.Int64Vector(3, "zero_point");
            int dim = qt.Int32(6, "quantized_dimension");
            if (scales.Length > 0)
            {
                if (zeroPoints.Length != scales.Length)
                    throw fb.Error($"{where} has {scales.Length} quantization scales but {zeroPoints.Length} zero points");
                if (scales.Length > 1 && (dim < 0 || dim >= shape.Length || shape[dim] != scales.Length))
                    throw fb.Error($"{where} has {scales.Length} per-channel scales that do not match dimension {dim} of shape [{string.Join(",", shape)}]");
                foreach (float sc in scales)
                    if (!float.IsFinite(sc) || sc <= 0) throw fb.Error($"{where} has invalid quantization scale {sc}");
                q = new TfLiteQuantization(scales, zeroPoints, dim);
            }
        }
        return new TfLiteTensorDef(i, name, type, shape, (int)buffer, q, t.Bool(5, "is_variable"));
    }

    static int[] CheckIndices(FlatBufferReader fb, int[] indices, int tensorCount, string what, bool allowOmitted)
    {
        foreach (int k in indices)
            if (k >= tensorCount || k < (allowOmitted ? -1 : 0))
                throw fb.Error($"{what} refer to tensor {k} but the subgraph has {tensorCount} tensors");
        return indices;
    }
}
