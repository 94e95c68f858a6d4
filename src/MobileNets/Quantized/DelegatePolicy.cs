using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// Whether TFLite's XNNPACK delegate takes a model. The delegate first claims nodes by type checks
/// (xnnpack_delegate.cc, Visit*Node); if XNNPACK then refuses to define a claimed node, TFLite logs
/// "Restored original execution plan after delegate application failure" and runs the whole model
/// on its own kernels, which requantize with fixed-point multipliers instead of XNNPACK's fp32.
/// Known cases (checked against the TFLite build used for the references, tools/reference):
/// a UINT8 CONV_2D or DEPTHWISE_CONV_2D whose INT32 bias has per-channel scales (XNNPACK has no
/// quint8-filter/qcint32-bias combination, src/subgraph/*convolution-2d.c validate_datatypes_with_bias),
/// and a quantized CONCATENATION of 2 to 4 inputs whose scale or zero point differs from the
/// output's (src/subgraph/concatenate.c, "mismatching quantization").
/// </summary>
internal static class DelegatePolicy
{
    public static bool DelegateFails(TfLiteSubgraphDef graph, GraphTensor[] tensors) =>
        graph.Operators.Any(op => ConvolutionWithPerChannelBias(op, tensors) || ConcatenationRequantizes(op, tensors));

    static bool ConvolutionWithPerChannelBias(TfLiteOperatorDef op, GraphTensor[] tensors) =>
        op.BuiltinCode is (int)TfLiteBuiltin.Conv2D or (int)TfLiteBuiltin.DepthwiseConv2D
        && op.Inputs.Length >= 3 && op.Inputs[0] >= 0 && op.Inputs[2] >= 0
        && tensors[op.Inputs[0]].Type == TfLiteTensorType.UInt8
        && tensors[op.Inputs[2]].Def.Quantization is { Scales.Length: > 1 };

    static bool ConcatenationRequantizes(TfLiteOperatorDef op, GraphTensor[] tensors)
    {
        if (op.BuiltinCode != (int)TfLiteBuiltin.Concatenation || op.Inputs.Length is < 2 or > 4 || op.Outputs.Length != 1) return false;
        var output = tensors[op.Outputs[0]];
        if (!output.IsQuantized8) return false;
        return op.Inputs.Any(i => i >= 0 && tensors[i].IsQuantized8 && (tensors[i].Scale != output.Scale || tensors[i].ZeroPoint != output.ZeroPoint));
    }
}
