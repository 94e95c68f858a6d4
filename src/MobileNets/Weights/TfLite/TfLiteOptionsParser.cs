namespace MobileNets.Weights.TfLite;

/// <summary>
/// Reads the BuiltinOptions union of an operator into a <see cref="TfLiteOptions"/> record. Field
/// indices and union type numbers follow schema.fbs (union BuiltinOptions is 1-based, NONE = 0).
/// </summary>
internal static class TfLiteOptionsParser
{
    /// <summary>The union member each supported builtin expects (0: takes no options).</summary>
    static int ExpectedUnionType(int code) => code switch
    {
        3 => 1,    // CONV_2D: Conv2DOptions
        4 => 2,    // DEPTHWISE_CONV_2D: DepthwiseConv2DOptions
        1 or 17 => 5, // AVERAGE_POOL_2D, MAX_POOL_2D: Pool2DOptions
        9 => 8,    // FULLY_CONNECTED: FullyConnectedOptions
        25 => 9,   // SOFTMAX: SoftmaxOptions
        2 => 10,   // CONCATENATION: ConcatenationOptions
        0 => 11,   // ADD: AddOptions
        23 => 15,  // RESIZE_BILINEAR: ResizeBilinearOptions
        22 => 17,  // RESHAPE: ReshapeOptions
        18 => 21,  // MUL: MulOptions
        40 => 27,  // MEAN: ReducerOptions
        43 => 30,  // SQUEEZE: SqueezeOptions
        56 => 40,  // ARG_MAX: ArgMaxOptions
        _ => 0,
    };

    public static TfLiteOptions? Parse(FlatBufferReader fb, FlatTable op, int code, string where)
    {
        int expected = ExpectedUnionType(code);
        if (expected == 0) return null;
        int type = op.UInt8(3, "builtin_options_type");
        FlatTable? t = null;
        if (type != 0)
        {
            if (type != expected) throw fb.Error($"{where} carries builtin options of union type {type}, expected {expected}");
            t = op.Table(4, "builtin_options");
        }
        // Absent options read as the schema defaults, like TFLite's ParseOpData.
        return code switch
        {
            3 => new Conv2DOptions(Padding(fb, t, 0, where), I(t, 1, "stride_w"), I(t, 2, "stride_h"), Act(fb, t, 3, where),
                                   I(t, 4, "dilation_w_factor", 1), I(t, 5, "dilation_h_factor", 1)),
            4 => new DepthwiseConv2DOptions(Padding(fb, t, 0, where), I(t, 1, "stride_w"), I(t, 2, "stride_h"), I(t, 3, "depth_multiplier"),
                                            Act(fb, t, 4, where), I(t, 5, "dilation_w_factor", 1), I(t, 6, "dilation_h_factor", 1)),
            1 or 17 => new Pool2DOptions(Padding(fb, t, 0, where), I(t, 1, "stride_w"), I(t, 2, "stride_h"), I(t, 3, "filter_width"),
                                         I(t, 4, "filter_height"), Act(fb, t, 5, where)),
            9 => new FullyConnectedOptions(Act(fb, t, 0, where), t?.UInt8(1, "weights_format") ?? 0, t?.Bool(2, "keep_num_dims") ?? false),
            25 => new SoftmaxOptions(t?.Float32(0, "beta") ?? 0f),
            2 => new ConcatenationOptions(I(t, 0, "axis"), Act(fb, t, 1, where)),
            0 or 18 => new ElementwiseOptions(Act(fb, t, 0, where)),
            23 => new ResizeBilinearOptions(t?.Bool(2, "align_corners") ?? false, t?.Bool(3, "half_pixel_centers") ?? false),
            22 => new ReshapeOptions(t?.Int32Vector(0, "new_shape") ?? []),
            40 => new ReducerOptions(t?.Bool(0, "keep_dims") ?? false),
            43 => new SqueezeOptions(t?.Int32Vector(0, "squeeze_dims") ?? []),
            56 => new ArgMaxOptions((TfLiteTensorType)(t?.Int8(0, "output_type") ?? 0)),
            _ => null,
        };
    }

    static int I(FlatTable? t, int index, string name, int defaultValue = 0) => t?.Int32(index, name, defaultValue) ?? defaultValue;

    static TfLitePadding Padding(FlatBufferReader fb, FlatTable? t, int index, string where)
    {
        int p = t?.UInt8(index, "padding") ?? 0;
        if (p > 1) throw fb.Error($"{where} has invalid padding {p}");
        return (TfLitePadding)p;
    }

    static TfLiteActivation Act(FlatBufferReader fb, FlatTable? t, int index, string where)
    {
        int a = t?.UInt8(index, "fused_activation_function") ?? 0;
        if (a > 5) throw fb.Error($"{where} has invalid fused activation {a}");
        return (TfLiteActivation)a;
    }
}
