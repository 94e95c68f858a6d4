using System.Collections.Concurrent;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// A TFLite model ready to run on the CPU with integer-only arithmetic for quantized graphs, as
/// TFLite computes it through XNNPACK (and its own kernels for the operators XNNPACK does not
/// take). Subgraph 0 is executed. Loading validates the file and every operator; unsupported
/// operators or types fail at load with <see cref="ModelFormatException"/>. <see cref="Run(ReadOnlySpan{byte})"/>
/// is thread-safe: each call uses its own pooled buffers.
/// </summary>
internal sealed class TfLiteModel : IDisposable
{
    readonly GraphTensor[] _tensors;
    readonly GraphOperator[] _operators;
    readonly GraphTensor[] _inputs, _outputs;
    readonly ConcurrentBag<ExecutionContext> _contexts = new();

    /// <summary>Most memory one inference may need for activation tensors.</summary>
    public const long MaxActivationBytes = 1L << 30;

    public string Source { get; }

    /// <summary>
    /// True when the model is computed as TFLite's own kernels compute it (fixed-point requantization)
    /// because TFLite's XNNPACK delegate would fail on it; false for the usual XNNPACK arithmetic.
    /// </summary>
    public bool UsesTfLiteKernels { get; }
    public IReadOnlyList<TfLiteTensorInfo> Inputs { get; }
    public IReadOnlyList<TfLiteTensorInfo> Outputs { get; }

    TfLiteModel(string source, bool tfliteKernels, GraphTensor[] tensors, GraphOperator[] operators, GraphTensor[] inputs, GraphTensor[] outputs)
    {
        Source = source; UsesTfLiteKernels = tfliteKernels; _tensors = tensors; _operators = operators; _inputs = inputs; _outputs = outputs;
        Inputs = inputs.Select(Info).ToArray();
        Outputs = outputs.Select(Info).ToArray();
    }

    public static TfLiteModel Load(string path)
    {
        byte[] data;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > Array.MaxLength) throw new ModelFormatException($"{Path.GetFileName(path)}: {length}-byte model is too large to load");
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot open '{path}': {e.Message}", e);
        }
        return Load(data, Path.GetFileName(path));
    }

    public static TfLiteModel Load(byte[] data, string source)
    {
        var model = TfLiteModelDefinition.Parse(data, source);
        var graph = model.Subgraphs[0];
        var tensors = graph.Tensors.Select(t => new GraphTensor(t, source)).ToArray();
        foreach (var t in tensors)
        {
            var bytes = model.BufferBytes(t.Def.BufferIndex);
            if (bytes.Length == 0) continue;
            if (bytes.Length != t.ByteLength)
                throw new ModelFormatException($"{source}: {t.Describe} has a {bytes.Length}-byte buffer but needs {t.ByteLength}");
            var constant = new byte[t.ByteLength + ExecutionContext.Slack];
            bytes.CopyTo(constant);
            if (t.SignedOffset != 0) for (int i = 0; i < t.ByteLength; i++) constant[i] ^= 0x80;
            t.Constant = constant;
        }
        long activationBytes = tensors.Where(t => !t.IsConstant).Sum(t => (long)t.ByteLength);
        if (activationBytes > MaxActivationBytes)
            throw new ModelFormatException($"{source}: activations need {activationBytes} bytes, over the {MaxActivationBytes}-byte limit");
        var produced = new bool[tensors.Length];
        foreach (int i in graph.Inputs) produced[i] = true;
        foreach (var t in tensors) if (t.IsConstant) produced[t.Index] = true;
        bool tfliteKernels = DelegatePolicy.DelegateFails(graph, tensors);
        var operators = new GraphOperator[graph.Operators.Length];
        foreach (var op in graph.Operators)
        {
            var site = new OperatorSite(model, op, tensors, tfliteKernels);
            foreach (int i in op.Inputs)
                if (i >= 0 && !produced[i]) throw site.Fail($"reads {tensors[i].Describe} before any operator writes it");
            foreach (int o in op.Outputs)
            {
                if (tensors[o].IsConstant || graph.Inputs.Contains(o)) throw site.Fail($"writes {tensors[o].Describe}, which is a constant or graph input");
                produced[o] = true;
            }
            operators[op.Index] = OperatorFactory.Build(site);
        }
        foreach (int o in graph.Outputs)
            if (!produced[o]) throw new ModelFormatException($"{source}: output {tensors[o].Describe} is never written");
        foreach (int i in graph.Inputs)
            if (tensors[i].IsConstant) throw new ModelFormatException($"{source}: input {tensors[i].Describe} is a constant");
        return new TfLiteModel(source, tfliteKernels, tensors, operators, graph.Inputs.Select(i => tensors[i]).ToArray(), graph.Outputs.Select(i => tensors[i]).ToArray());
    }

    static TfLiteTensorInfo Info(GraphTensor t)
    {
        var q = t.Def.Quantization;
        return new TfLiteTensorInfo(t.Name, TfLiteTensorTypes.ToDType(t.Type), (int[])t.Shape.Clone(),
            q?.Scales.ToArray() ?? [], q?.ZeroPoints.ToArray() ?? [], q?.QuantizedDimension ?? 0);
    }

    /// <summary>Runs a single-input model; returns the raw little-endian bytes of output 0 in its own type.</summary>
    public byte[] Run(ReadOnlySpan<byte> input)
    {
        if (_inputs.Length != 1) throw new ArgumentException($"{Source} has {_inputs.Length} inputs; use Run(ReadOnlySpan<byte>[])");
        return Execute([input.ToArray()], firstOnly: true)[0];
    }

    /// <summary>Runs the model on one raw buffer per input; returns every output's raw bytes.</summary>
    public byte[][] Run(IReadOnlyList<byte[]> inputs) => Execute(inputs, firstOnly: false);

    /// <summary>
    /// Runs the model and returns the raw bytes of the named tensors (any tensor of subgraph 0, e.g.
    /// intermediate activations), each in its own type; for tests and diagnostics.
    /// </summary>
    public byte[][] RunAndCapture(IReadOnlyList<byte[]> inputs, params string[] tensorNames)
    {
        var captured = tensorNames.Select(n => _tensors.FirstOrDefault(t => t.Name == n)
            ?? throw new ArgumentException($"{Source} has no tensor '{n}'")).ToArray();
        return Execute(inputs, firstOnly: false, captured);
    }

    byte[][] Execute(IReadOnlyList<byte[]> inputs, bool firstOnly, GraphTensor[]? captured = null)
    {
        if (inputs.Count != _inputs.Length) throw new ArgumentException($"{Source} needs {_inputs.Length} inputs, got {inputs.Count}");
        if (!_contexts.TryTake(out var context)) context = new ExecutionContext(_tensors, _operators.Length);
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                var t = _inputs[i];
                if (inputs[i].Length != t.ByteLength)
                    throw new ArgumentException($"input {i} '{t.Name}' needs {t.ByteLength} bytes ({TfLiteTensorTypes.Name(t.Type)} {t.Def.ShapeText}), got {inputs[i].Length}");
                var dst = context.Data(t);
                inputs[i].CopyTo(dst);
                if (t.SignedOffset != 0) Flip(dst);
            }
            foreach (var op in _operators) op.Execute(context);
            var wanted = captured ?? (firstOnly ? _outputs[..1] : _outputs);
            var results = new byte[wanted.Length][];
            for (int i = 0; i < wanted.Length; i++)
            {
                var t = wanted[i];
                results[i] = context.Data(t).ToArray();
                if (t.SignedOffset != 0) Flip(results[i]);
            }
            return results;
        }
        finally { _contexts.Add(context); }
    }

    /// <summary>Benchmark support: the summed time of each operator over <paramref name="iterations"/> runs (single input).</summary>
    /// <summary>Per operator: mean and minimum milliseconds over the runs (the minimum resists a noisy machine).</summary>
    internal (string Operator, double Milliseconds, double MinMilliseconds)[] ProfileOperators(byte[] input, int iterations)
    {
        var context = new ExecutionContext(_tensors, _operators.Length);
        input.CopyTo(context.Data(_inputs[0]));
        var ticks = new long[_operators.Length];
        var least = Enumerable.Repeat(long.MaxValue, _operators.Length).ToArray();
        for (int r = 0; r < iterations; r++)
            for (int i = 0; i < _operators.Length; i++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                _operators[i].Execute(context);
                long dt = System.Diagnostics.Stopwatch.GetTimestamp() - t0;
                ticks[i] += dt;
                least[i] = Math.Min(least[i], dt);
            }
        double ms = 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        return _operators.Select((op, i) => (op.Describe, ticks[i] * ms / iterations, least[i] * ms)).ToArray();
    }

    static void Flip(Span<byte> data)
    {
        for (int i = 0; i < data.Length; i++) data[i] ^= 0x80;
    }

    public void Dispose() => _contexts.Clear();
}
