using System.Collections.Concurrent;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// A TFLite model ready to run on the CPU with integer-only arithmetic for quantized graphs, as
/// TFLite computes it through XNNPACK (and its own kernels for the operators XNNPACK does not
/// take). Subgraph 0 is executed. Loading validates the file and every operator; unsupported
/// operators or types fail at load with <see cref="ModelFormatException"/>. <see cref="Run(ReadOnlySpan{byte})"/>
/// is thread-safe: each call uses its own pooled buffers. Loaded for several threads, one inference
/// splits its large convolutions among them (results are the same bytes at any thread count);
/// <see cref="Dispose"/> stops those threads.
/// </summary>
internal sealed class TfLiteModel : IDisposable
{
    readonly GraphTensor[] _tensors;
    readonly GraphOperator[] _operators;
    readonly GraphTensor[] _inputs, _outputs;
    readonly ConcurrentBag<ExecutionContext> _contexts = new();
    readonly OperatorParallelism _parallelism;

    public string Source { get; }

    /// <summary>
    /// True when the model is computed as TFLite's own kernels compute it (fixed-point requantization)
    /// because TFLite's XNNPACK delegate would fail on it; false for the usual XNNPACK arithmetic.
    /// </summary>
    public bool UsesTfLiteKernels { get; }
    public IReadOnlyList<TfLiteTensorInfo> Inputs { get; }
    public IReadOnlyList<TfLiteTensorInfo> Outputs { get; }

    /// <summary>Parameters, multiply-accumulates and weight quantization scheme of the graph.</summary>
    public TfLiteModelSummary Summary { get; }

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads => _parallelism.Threads;

    /// <summary>How operators are split among the threads (tests force splits of small models through it).</summary>
    internal OperatorParallelism Parallelism => _parallelism;

    TfLiteModel(string source, bool tfliteKernels, GraphTensor[] tensors, GraphOperator[] operators, GraphTensor[] inputs, GraphTensor[] outputs, int threads,
        TfLiteModelSummary summary)
    {
        _parallelism = new OperatorParallelism(threads);
        Source = source; UsesTfLiteKernels = tfliteKernels; Summary = summary; _tensors = tensors; _operators = operators; _inputs = inputs; _outputs = outputs;
        Inputs = inputs.Select(Info).ToArray();
        Outputs = outputs.Select(Info).ToArray();
    }

    /// <summary>Loads a model file for one thread.</summary>
    public static TfLiteModel Load(string path) => Load(path, threads: 1);

    /// <summary>Loads a model file whose inferences may use up to <paramref name="threads"/> threads (the caller's included).</summary>
    /// <param name="path">The .tflite file.</param>
    /// <param name="threads">Threads one inference may use.</param>
    /// <param name="limits">Tensor count and activation memory; <see cref="ModelFileLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    /// <exception cref="ModelFormatException">The file cannot be read, is malformed, over a limit or uses unsupported operators.</exception>
    public static TfLiteModel Load(string path, int threads, ModelFileLimits? limits = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
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
        return Load(data, Path.GetFileName(path), threads, limits);
    }

    /// <summary>Loads a model held in memory for one thread; <paramref name="source"/> names it in errors.</summary>
    public static TfLiteModel Load(byte[] data, string source) => Load(data, source, threads: 1);

    /// <summary>Loads a model held in memory whose inferences may use up to <paramref name="threads"/> threads.</summary>
    /// <param name="data">The .tflite file's bytes.</param>
    /// <param name="source">Names the model in errors.</param>
    /// <param name="threads">Threads one inference may use.</param>
    /// <param name="limits">Tensor count and activation memory; <see cref="ModelFileLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    /// <exception cref="ModelFormatException">The data is malformed, over a limit or uses unsupported operators.</exception>
    public static TfLiteModel Load(byte[] data, string source, int threads, ModelFileLimits? limits = null)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        limits ??= ModelFileLimits.Default;
        var model = TfLiteModelDefinition.Parse(data, source, limits);
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
        if (activationBytes > limits.MaxActivationBytes)
            throw new ModelFormatException($"{source}: activations need {activationBytes} bytes, over the MaxActivationBytes limit of {limits.MaxActivationBytes}");
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
        return new TfLiteModel(source, tfliteKernels, tensors, operators, graph.Inputs.Select(i => tensors[i]).ToArray(), graph.Outputs.Select(i => tensors[i]).ToArray(), threads,
            TfLiteModelSummary.Of(model));
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
        if (!_contexts.TryTake(out var context)) context = new ExecutionContext(_tensors, _operators.Length, _parallelism);
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

    /// <summary>
    /// Benchmark support, single input: per operator, mean and minimum milliseconds over
    /// <paramref name="iterations"/> runs (the minimum resists a noisy machine), at the model's thread count.
    /// </summary>
    internal (string Operator, double Milliseconds, double MinMilliseconds)[] ProfileOperators(byte[] input, int iterations)
    {
        var context = new ExecutionContext(_tensors, _operators.Length, _parallelism);
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

    /// <summary>Stops the worker threads and drops the pooled buffers; a later run works on the caller's thread alone.</summary>
    public void Dispose()
    {
        _parallelism.Dispose();
        _contexts.Clear();
    }
}
