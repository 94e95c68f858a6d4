using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// ADD and MUL with NumPy-style broadcasting. Quantized ADD follows XNNPACK's qu8/qs8 vadd
/// (<see cref="QuantizedAddParams"/>), or TFLite's fixed-point kernel where the delegate refuses the
/// scales (<see cref="TfLiteAddParams"/>). Quantized MUL follows XNNPACK's
/// fp32 vmul: (a - za)(b - zb) times a_scale·b_scale/out_scale, rounded to nearest-even.
/// </summary>
internal sealed class ElementwiseOperator : GraphOperator
{
    readonly bool _isAdd, _quantized;
    readonly GraphTensor _a, _b, _output;
    readonly int[] _aStrides, _bStrides, _outShape;
    readonly QuantizedAddParams? _add;
    readonly TfLiteAddParams? _tfliteAdd;
    // quantized mul
    readonly float _productScale;
    readonly int _min, _max;
    readonly float _fmin, _fmax;

    ElementwiseOperator(OperatorSite site, bool isAdd, GraphTensor a, GraphTensor b, GraphTensor output, TfLiteActivation act) : base(site.Index)
    {
        _isAdd = isAdd; _a = a; _b = b; _output = output;
        _outShape = output.Shape;
        _aStrides = BroadcastStrides(site, a, output);
        _bStrides = BroadcastStrides(site, b, output);
        _quantized = site.IsQuantized(a, output);
        (_fmin, _fmax) = ActivationRange.Float(act, site.Where);
        if (!_quantized)
        {
            site.RequireSameType(a, b);
            return;
        }
        site.RequireQuantized8(b);
        site.RequireSameType(a, b);
        (_min, _max) = ActivationRange.Xnnpack(output, act, site.Where);
        if (isAdd)
        {
            float aRatio = a.Scale / output.Scale, bRatio = b.Scale / output.Scale;
            // xnnpack_delegate.cc (CheckTensorsInputOutputScale) leaves ADD to TFLite outside these ratios.
            if (!site.TfLiteKernels && aRatio >= 1f / 1024 && aRatio < 256f && bRatio >= 1f / 1024 && bRatio < 256f)
                _add = new QuantizedAddParams(aRatio, bRatio, a.ZeroPoint, b.ZeroPoint, output.ZeroPoint, _min, _max);
            else
            {
                var (min, max) = ActivationRange.TfLite(output, act, site.Where);
                site.Require(2.0 * Math.Max(a.Scale, b.Scale) / ((1 << 20) * (double)output.Scale) < 1, "input scales are too large for the output scale");
                _tfliteAdd = new TfLiteAddParams(a.Scale, b.Scale, output.Scale, a.ZeroPoint, b.ZeroPoint, output.ZeroPoint, min, max);
            }
        }
        else
        {
            _productScale = a.Scale * b.Scale / output.Scale;
            site.Require(_productScale >= 1f / 65536 && _productScale < 256f, "input-product-to-output scale outside [2^-16, 2^8)");
        }
    }

    public static GraphOperator Build(OperatorSite site, bool isAdd)
    {
        site.RequireArity(2, 2, 1);
        var act = site.Options<ElementwiseOptions>().Activation;
        return new ElementwiseOperator(site, isAdd, site.Input(0), site.Input(1), site.Output(), act);
    }

    /// <summary>Element strides of an input aligned to the output's trailing dimensions (0 where broadcast).</summary>
    static int[] BroadcastStrides(OperatorSite site, GraphTensor input, GraphTensor output)
    {
        int rank = output.Shape.Length;
        site.Require(input.Shape.Length <= rank, $"{input.Describe} does not broadcast to {output.Describe}");
        var strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1, i = input.Shape.Length - 1; d >= 0; d--, i--)
        {
            int dim = i >= 0 ? input.Shape[i] : 1;
            site.Require(dim == output.Shape[d] || dim == 1, $"{input.Describe} does not broadcast to {output.Describe}");
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return strides;
    }

    public override void Execute(ExecutionContext context)
    {
        var a = context.Data(_a);
        var b = context.Data(_b);
        var y = context.Data(_output);
        int count = _output.ElementCount;
        bool same = _a.ElementCount == count && _b.ElementCount == count;
        if (same && _add != null)
        {
            QuantizedAdd.Run(_add, a, b, y);
            return;
        }
        Span<int> index = stackalloc int[_outShape.Length];
        int ai = 0, bi = 0;
        for (int i = 0; i < count; i++)
        {
            if (same) { ai = i; bi = i; }
            if (_quantized) y[i] = Quantized(a[ai], b[bi]);
            else
            {
                float fa = MemoryMarshal.Cast<byte, float>(a)[ai], fb = MemoryMarshal.Cast<byte, float>(b)[bi];
                MemoryMarshal.Cast<byte, float>(y)[i] = Math.Clamp(_isAdd ? fa + fb : fa * fb, _fmin, _fmax);
            }
            if (!same) Advance(index, ref ai, ref bi);
        }
    }

    void Advance(Span<int> index, ref int ai, ref int bi)
    {
        for (int d = _outShape.Length - 1; d >= 0; d--)
        {
            index[d]++; ai += _aStrides[d]; bi += _bStrides[d];
            if (index[d] < _outShape[d]) return;
            ai -= _aStrides[d] * index[d]; bi -= _bStrides[d] * index[d]; index[d] = 0;
        }
    }

    byte Quantized(int a, int b)
    {
        if (_add != null) return _add.Add(a, b);
        if (_tfliteAdd != null) return _tfliteAdd.Add(a, b);
        return Requantization.Fp32((a - _a.ZeroPoint) * (b - _b.ZeroPoint), _productScale, _output.ZeroPoint, _min, _max);
    }
}
