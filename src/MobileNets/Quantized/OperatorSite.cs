using System.Buffers.Binary;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// One operator of the model as seen while building the plan: its tensors and checks that raise
/// <see cref="ModelFormatException"/> naming the operator, e.g. "CONV_2D (op 3 in subgraph 0): ...".
/// </summary>
internal sealed class OperatorSite
{
    readonly GraphTensor[] _tensors;

    public OperatorSite(TfLiteModelDefinition model, TfLiteOperatorDef op, GraphTensor[] tensors, bool tfliteKernels)
    {
        Model = model; Op = op; _tensors = tensors; TfLiteKernels = tfliteKernels;
    }

    /// <summary>
    /// True when TFLite would not apply its XNNPACK delegate to this model, so its own kernels (fixed-point
    /// requantization) run every operator; see <see cref="DelegatePolicy"/>.
    /// </summary>
    public bool TfLiteKernels { get; }

    public TfLiteModelDefinition Model { get; }
    public TfLiteOperatorDef Op { get; }
    public int Index => Op.Index;
    public string Where => $"{Op.Name} (op {Op.Index} in subgraph 0)";

    public ModelFormatException Fail(string reason) => new($"{Model.Source}: {Where}: {reason}");

    public void Require(bool condition, string reason)
    {
        if (!condition) throw Fail(reason);
    }

    public T Options<T>() where T : TfLiteOptions =>
        Op.Options as T ?? throw Fail($"missing {typeof(T).Name}");

    public void RequireArity(int minInputs, int maxInputs, int outputs)
    {
        Require(Op.Inputs.Length >= minInputs && Op.Inputs.Length <= maxInputs,
            $"has {Op.Inputs.Length} inputs, expected {(minInputs == maxInputs ? $"{minInputs}" : $"{minInputs} to {maxInputs}")}");
        Require(Op.Outputs.Length == outputs, $"has {Op.Outputs.Length} outputs, expected {outputs}");
    }

    public bool HasInput(int i) => i < Op.Inputs.Length && Op.Inputs[i] >= 0;

    public GraphTensor Input(int i)
    {
        Require(HasInput(i), $"input {i} is missing");
        return _tensors[Op.Inputs[i]];
    }

    public GraphTensor Output(int i = 0) => _tensors[Op.Outputs[i]];

    /// <summary>An input that must be a constant (weights, bias, shape, axes).</summary>
    public GraphTensor ConstantInput(int i)
    {
        var t = Input(i);
        Require(t.IsConstant, $"{t.Describe} must be constant");
        return t;
    }

    public ReadOnlySpan<byte> RawBytes(GraphTensor t) => Model.BufferBytes(t.Def.BufferIndex);

    public int[] Int32Values(GraphTensor t)
    {
        Require(t.Type == TfLiteTensorType.Int32, $"{t.Describe} must be INT32");
        var raw = RawBytes(t);
        var v = new int[t.ElementCount];
        for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
        return v;
    }

    public void RequireShape(GraphTensor t, int[] expected)
    {
        Require(t.Shape.AsSpan().SequenceEqual(expected), $"{t.Describe} should have shape [{string.Join(",", expected)}]");
    }

    public void RequireRank(GraphTensor t, int rank) => Require(t.Shape.Length == rank, $"{t.Describe} must have rank {rank}");

    public void RequireQuantized8(GraphTensor t) =>
        Require(t.IsQuantized8, $"{t.Describe} must be a per-tensor quantized UINT8 or INT8 tensor");

    public void RequireSameType(GraphTensor a, GraphTensor b) =>
        Require(a.Type == b.Type, $"{a.Describe} and {b.Describe} must have the same type");

    /// <summary>True when the operator runs on quantized 8-bit tensors, false for float32; fails otherwise.</summary>
    public bool IsQuantized(GraphTensor input, GraphTensor output)
    {
        RequireSameType(input, output);
        if (input.Type == TfLiteTensorType.Float32) return false;
        RequireQuantized8(input);
        RequireQuantized8(output);
        return true;
    }
}
