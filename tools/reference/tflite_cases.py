"""Small TFLite models with random weights, written by tflite_writer, covering what the real models
in shared/data do not: int8 with per-channel weights, depth multipliers, dilation, strides on odd
sizes, pooling with padding, resize modes, lookup-table activations, (de)quantization, broadcasting
and float32 graphs. Each case returns (name, model bytes, input array)."""
import numpy as np
from tflite_writer import Graph

RELU, RELU6 = 1, 3
SAME, VALID = 0, 1


def qparams(lo, hi, dtype):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zp = int(round(-lo / scale)) + (-128 if dtype == 'i8' else 0)
    return float(scale), int(np.clip(zp, -128 if dtype == 'i8' else 0, 127 if dtype == 'i8' else 255))


def dequant(q, scale, zp): return (q.astype(np.float32) - zp) * np.float32(scale)


def out_size(n, k, s, d, pad):
    eff = (k - 1) * d + 1
    return (n + s - 1) // s if pad == SAME else (n - eff + s) // s


def conv_float(x, w, b, stride, pad, dil=1, depthwise=False, mult=1):
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    oh, ow = out_size(h, kh, stride, dil, pad), out_size(wd, kw, stride, dil, pad)
    eff_h, eff_w = (kh - 1) * dil + 1, (kw - 1) * dil + 1
    pt = max((oh - 1) * stride + eff_h - h, 0) // 2 if pad == SAME else 0
    pl = max((ow - 1) * stride + eff_w - wd, 0) // 2 if pad == SAME else 0
    oc = w.shape[3] if depthwise else w.shape[0]
    y = np.zeros((n, oh, ow, oc), np.float32) + b
    for oy in range(oh):
        for ox in range(ow):
            for ky in range(kh):
                for kx in range(kw):
                    iy, ix = oy * stride - pt + ky * dil, ox * stride - pl + kx * dil
                    if 0 <= iy < h and 0 <= ix < wd:
                        px = x[0, iy, ix]
                        if depthwise: y[0, oy, ox] += np.repeat(px, mult) * w[0, ky, kx]
                        else: y[0, oy, ox] += w[:, ky, kx, :] @ px
    return y


class Builder:
    """Builds a quantized graph while simulating it in float to pick each output's range."""
    def __init__(self, rng, dtype='i8'):
        self.g, self.rng, self.dtype, self.values = Graph(), rng, dtype, {}

    def input(self, shape, lo=-2.0, hi=2.0):
        scale, zp = qparams(lo, hi, self.dtype)
        t = self.g.tensor('input', self.dtype, shape, scale, zp)
        info = np.iinfo(np.int8 if self.dtype == 'i8' else np.uint8)
        q = self.rng.integers(info.min, info.max + 1, size=shape).astype(np.int8 if self.dtype == 'i8' else np.uint8)
        self.values[t] = (dequant(q, scale, zp), scale, zp)
        return t, q

    def activation_tensor(self, name, y, shape=None):
        scale, zp = qparams(float(y.min()), float(y.max()), self.dtype)
        t = self.g.tensor(name, self.dtype, list(shape or y.shape), scale, zp)
        self.values[t] = (y, scale, zp)
        return t

    def weights(self, name, w_float, per_channel_axis=None):
        """int8 symmetric per-channel (axis given) or per-tensor weights in the builder's dtype."""
        if per_channel_axis is not None:
            red = tuple(i for i in range(w_float.ndim) if i != per_channel_axis)
            scale = (np.abs(w_float).max(axis=red) / 127).astype(np.float32)
            shape = [1] * w_float.ndim; shape[per_channel_axis] = -1
            q = np.clip(np.round(w_float / scale.reshape(shape)), -127, 127).astype(np.int8)
            t = self.g.tensor(name, 'i8', list(w_float.shape), scale.tolist(), [0] * len(scale), q.tobytes(), per_channel_axis)
            return t, dequant(q, scale.reshape(shape), 0), scale
        scale, zp = qparams(float(w_float.min()), float(w_float.max()), self.dtype)
        dt = np.int8 if self.dtype == 'i8' else np.uint8
        info = np.iinfo(dt)
        q = np.clip(np.round(w_float / scale) + zp, info.min, info.max).astype(dt)
        t = self.g.tensor(name, self.dtype, list(w_float.shape), scale, zp, q.tobytes())
        return t, dequant(q, scale, zp), np.float32(scale)

    def bias(self, name, in_scale, w_scale, channels, per_channel=None):
        """int32 bias quantized with in_scale * w_scale: one scale per channel when the weights have
        per-channel scales (or per_channel is forced), else one scale."""
        per_channel = np.ndim(w_scale) > 0 if per_channel is None else per_channel
        scale = (np.float32(in_scale) * np.asarray(w_scale, np.float32) * np.ones(channels, np.float32)).astype(np.float32)
        q = self.rng.integers(-3000, 3000, size=channels).astype(np.int32)
        scales = scale.tolist() if per_channel else [float(scale[0])]
        t = self.g.tensor(name, 'i32', [channels], scales, [0] * len(scales), q.tobytes())
        return t, q.astype(np.float32) * scale

    def conv(self, x, out_channels, k, stride, pad, act, dil=1, per_channel=True):
        xf, xs, _ = self.values[x]
        c = xf.shape[3]
        w_t, wf, ws = self.weights(f'w{len(self.g.tensors)}', self.rng.normal(0, 0.3, (out_channels, k, k, c)).astype(np.float32), 0 if per_channel else None)
        b_t, bf = self.bias(f'b{len(self.g.tensors)}', xs, ws, out_channels)
        y = conv_float(xf, wf, bf, stride, pad, dil)
        y = np.clip(y, 0, 6) if act == RELU6 else np.maximum(y, 0) if act == RELU else y
        t = self.activation_tensor(f'conv{len(self.g.tensors)}', y)
        self.g.op(3, [x, w_t, b_t], [t], {0: ('u8', pad), 1: ('i32', stride), 2: ('i32', stride), 3: ('u8', act), 4: ('i32', dil), 5: ('i32', dil)})
        return t

    def depthwise(self, x, mult, k, stride, pad, act, dil=1, per_channel=True, per_channel_bias=None):
        xf, xs, _ = self.values[x]
        oc = xf.shape[3] * mult
        w_t, wf, ws = self.weights(f'dw{len(self.g.tensors)}', self.rng.normal(0, 0.5, (1, k, k, oc)).astype(np.float32), 3 if per_channel else None)
        b_t, bf = self.bias(f'db{len(self.g.tensors)}', xs, ws, oc, per_channel_bias)
        y = conv_float(xf, wf, bf, stride, pad, dil, depthwise=True, mult=mult)
        y = np.clip(y, 0, 6) if act == RELU6 else np.maximum(y, 0) if act == RELU else y
        t = self.activation_tensor(f'dwconv{len(self.g.tensors)}', y)
        self.g.op(4, [x, w_t, b_t], [t], {0: ('u8', pad), 1: ('i32', stride), 2: ('i32', stride), 3: ('i32', mult), 4: ('u8', act),
                                          5: ('i32', dil), 6: ('i32', dil)})
        return t

    def add(self, a, b, act=0):
        y = self.values[a][0] + self.values[b][0]
        t = self.activation_tensor(f'add{len(self.g.tensors)}', y)
        self.g.op(0, [a, b], [t], {0: ('u8', act)})
        return t

    def mean(self, x):
        y = self.values[x][0].mean(axis=(1, 2))
        axes = self.g.tensor('axes', 'i32', [2], data=np.array([1, 2], np.int32).tobytes())
        t = self.activation_tensor(f'mean{len(self.g.tensors)}', y)
        self.g.op(40, [x, axes], [t], {0: ('bool', 0)})
        return t

    def fully_connected(self, x, units):
        xf, xs, _ = self.values[x]
        w_t, wf, ws = self.weights(f'fc{len(self.g.tensors)}', self.rng.normal(0, 0.5, (units, xf.shape[-1])).astype(np.float32))
        b_t, bf = self.bias(f'fcb{len(self.g.tensors)}', xs, ws, units)
        t = self.activation_tensor(f'fc{len(self.g.tensors)}', xf @ wf.T + bf)
        self.g.op(9, [x, w_t, b_t], [t], {0: ('u8', 0)})
        return t

    def softmax(self, x):
        y = self.values[x][0]
        e = np.exp(y - y.max(axis=-1, keepdims=True)); y = e / e.sum(axis=-1, keepdims=True)
        t = self.g.tensor(f'softmax{len(self.g.tensors)}', self.dtype, list(y.shape), 1 / 256, -128 if self.dtype == 'i8' else 0)
        self.values[t] = (y, 1 / 256, -128)
        self.g.op(25, [x], [t], {0: ('f32', 1.0)})
        return t

    def unary(self, code, x, fn, options=None, out_range=None, out_params=None):
        y = fn(self.values[x][0])
        lo, hi = out_range or (float(y.min()), float(y.max()))
        scale, zp = out_params or qparams(lo, hi, self.dtype)
        t = self.g.tensor(f'op{len(self.g.tensors)}', self.dtype, list(y.shape), scale, zp)
        self.values[t] = (y, scale, zp)
        self.g.op(code, [x], [t], options)
        return t

    def same_quant(self, code, inputs, y, options=None, extra_inputs=()):
        _, scale, zp = self.values[inputs[0]]
        t = self.g.tensor(f'op{len(self.g.tensors)}', self.dtype, list(y.shape), scale, zp)
        self.values[t] = (y, scale, zp)
        self.g.op(code, list(inputs) + list(extra_inputs), [t], options)
        return t

    def const_i32(self, name, values):
        return self.g.tensor(name, 'i32', [len(values)], data=np.array(values, np.int32).tobytes())

    def done(self, inputs, output, external_buffers=False):
        return self.g.build(inputs, [output], external_buffers)


def int8_cases(seed=7):
    rng = np.random.default_rng(seed)
    cases = []
    all_values = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)

    b = Builder(rng); x, q = b.input([1, 9, 9, 3])
    c1 = b.conv(x, 8, 3, 2, SAME, RELU6)
    d = b.depthwise(c1, 2, 3, 1, SAME, RELU)
    c3 = b.conv(d, 8, 1, 1, SAME, 0)
    cases.append(('int8_conv_dw_add', b.done([x], b.add(c1, c3)), q))

    # A MobileNetV2-like stack with thousands of requantized values per layer.
    b = Builder(rng); x, q = b.input([1, 16, 16, 8])
    e = b.conv(x, 48, 1, 1, SAME, RELU6)
    d = b.depthwise(e, 1, 3, 1, SAME, RELU6)
    r = b.add(x, b.conv(d, 8, 1, 1, SAME, 0))
    e2 = b.conv(r, 32, 1, 1, SAME, RELU6)
    d2 = b.depthwise(e2, 1, 3, 2, SAME, RELU6)
    p2 = b.conv(d2, 16, 1, 1, SAME, 0)
    cases.append(('int8_mobilenet_blocks', b.done([x], b.softmax(b.fully_connected(b.mean(p2), 12))), q))

    b = Builder(rng, 'u8'); x, q = b.input([1, 12, 12, 8])
    e = b.conv(x, 24, 1, 1, SAME, RELU6, per_channel=False)
    d = b.depthwise(e, 1, 3, 2, SAME, RELU6, per_channel=False)
    cases.append(('uint8_mobilenet_blocks', b.done([x], b.conv(d, 8, 1, 1, SAME, 0, per_channel=False)), q))

    b = Builder(rng); x, q = b.input([1, 9, 9, 3])
    c1 = b.conv(x, 8, 3, 2, SAME, RELU6)
    out = b.depthwise(c1, 1, 3, 1, SAME, RELU)
    # This TFLite build predates buffers stored after the flatbuffer, so TFLite runs the inline twin.
    cases.append(('int8_conv_external_buffers', (b.done([x], out, external_buffers=True), b.done([x], out)), q))

    for name, code, fn in (('int8_relu', 19, lambda v: np.maximum(v, 0)), ('int8_relu6', 21, lambda v: np.clip(v, 0, 6))):
        b = Builder(rng); x, _ = b.input([1, 256], -8, 8)
        cases.append((name, b.done([x], b.same_quant(code, [x], fn(b.values[x][0]))), all_values))

    b = Builder(rng); x, q = b.input([1, 1, 1, 12])
    cases.append(('int8_squeeze', b.done([x], b.same_quant(43, [x], np.zeros((1, 12), np.float32), {0: __import__('tflite_writer').Vec('i32', [1, 2])})), q))

    b = Builder(rng); x, q = b.input([1, 5, 5, 8])
    cases.append(('int8_mean_fc_softmax', b.done([x], b.softmax(b.fully_connected(b.mean(x), 10))), q))

    b = Builder(rng); x, q = b.input([1, 11, 10, 17])
    d1 = b.depthwise(x, 1, 3, 2, SAME, RELU6)
    cases.append(('int8_dw_stride2_dilated', b.done([x], b.depthwise(d1, 1, 3, 1, SAME, 0, dil=2)), q))

    b = Builder(rng); x, q = b.input([1, 7, 6, 33])
    cases.append(('int8_conv_5x5_valid', b.done([x], b.conv(x, 7, 5, 2, VALID, RELU)), q))

    b = Builder(rng); x, q = b.input([1, 7, 7, 5])
    y = b.values[x][0]
    pooled = np.zeros((1, 4, 4, 5), np.float32)
    cases.append(('int8_avgpool_same', b.done([x], b.same_quant(1, [x], pooled, {0: ('u8', SAME), 1: ('i32', 2), 2: ('i32', 2), 3: ('i32', 3), 4: ('i32', 3), 5: ('u8', 0)})), q))

    b = Builder(rng); x, q = b.input([1, 7, 7, 5])
    cases.append(('int8_maxpool_same_relu', b.done([x], b.same_quant(17, [x], np.zeros((1, 4, 4, 5), np.float32), {0: ('u8', SAME), 1: ('i32', 2), 2: ('i32', 2), 3: ('i32', 3), 4: ('i32', 3), 5: ('u8', RELU)})), q))

    b = Builder(rng); x, q = b.input([1, 7, 7, 5])
    cases.append(('int8_maxpool_valid', b.done([x], b.same_quant(17, [x], np.zeros((1, 3, 3, 5), np.float32), {0: ('u8', VALID), 1: ('i32', 2), 2: ('i32', 2), 3: ('i32', 2), 4: ('i32', 2), 5: ('u8', 0)})), q))

    b = Builder(rng); x, _ = b.input([1, 256], -6, 5)
    cases.append(('int8_logistic', b.done([x], b.unary(14, x, lambda v: 1 / (1 + np.exp(-v)), out_params=(1 / 256, -128))), all_values))

    b = Builder(rng); x, _ = b.input([1, 256], -5, 5)
    cases.append(('int8_hardswish', b.done([x], b.unary(117, x, lambda v: v * np.clip(v + 3, 0, 6) / 6)), all_values))

    for name, flags in (('int8_resize_half_pixel', {2: ('bool', 0), 3: ('bool', 1)}), ('int8_resize_align_corners', {2: ('bool', 1), 3: ('bool', 0)}),
                        ('int8_resize_legacy', {2: ('bool', 0), 3: ('bool', 0)})):
        b = Builder(rng); x, q = b.input([1, 5, 4, 3])
        size = b.const_i32('size', [9, 7])
        cases.append((name, b.done([x], b.same_quant(23, [x], np.zeros((1, 9, 7, 3), np.float32), flags, [size])), q))

    b = Builder(rng); x, q = b.input([1, 3, 4, 2])
    pads = b.g.tensor('pads', 'i32', [4, 2], data=np.array([0, 0, 1, 2, 2, 1, 0, 0], np.int32).tobytes())
    cases.append(('int8_pad', b.done([x], b.same_quant(34, [x], np.zeros((1, 6, 7, 2), np.float32), {}, [pads])), q))

    b = Builder(rng); x, q = b.input([1, 3, 4, 5])
    _, scale, zp = b.values[x]
    const = b.g.tensor('const', 'i8', [1, 3, 4, 2], scale, zp, rng.integers(-128, 128, (1, 3, 4, 2)).astype(np.int8).tobytes())
    b.values[const] = (None, scale, zp)
    cases.append(('int8_concat', b.done([x], b.same_quant(2, [x], np.zeros((1, 3, 4, 7), np.float32), {0: ('i32', 3), 1: ('u8', 0)}, [const])), q))

    b = Builder(rng); x, q = b.input([1, 4, 4, 3])
    cw = rng.normal(0, 1, (1, 1, 1, 3)).astype(np.float32)
    cs, cz = qparams(float(cw.min()), float(cw.max()), 'i8')
    cq = np.clip(np.round(cw / cs) + cz, -128, 127).astype(np.int8)
    const = b.g.tensor('channel', 'i8', [1, 1, 1, 3], cs, cz, cq.tobytes())
    b.values[const] = (dequant(cq, cs, cz), cs, cz)
    cases.append(('int8_add_broadcast', b.done([x], b.add(x, const, RELU)), q))

    # A scale ratio below 2^-10: the XNNPACK delegate leaves this ADD to TFLite's fixed-point kernel.
    b = Builder(rng); x, q = b.input([1, 4, 4, 3], -0.02, 0.02)
    big = b.g.tensor('big', 'i8', [1, 4, 4, 3], 0.37, 7, rng.integers(-128, 128, (1, 4, 4, 3)).astype(np.int8).tobytes())
    b.values[big] = (dequant(np.frombuffer(b.g.buffers[-1], np.int8).reshape(1, 4, 4, 3), 0.37, 7), 0.37, 7)
    cases.append(('int8_add_tflite_kernel', b.done([x], b.add(x, big)), q))

    b = Builder(rng); x, q = b.input([1, 4, 4, 3])
    const = b.g.tensor('channel', 'i8', [1, 1, 1, 3], cs, cz, cq.tobytes())
    b.values[const] = (dequant(cq, cs, cz), cs, cz)
    y = b.values[x][0] * b.values[const][0]
    t = b.activation_tensor('mul', y)
    b.g.op(18, [x, const], [t], {0: ('u8', 0)})
    cases.append(('int8_mul_broadcast', b.done([x], t), q))

    b = Builder(rng, 'u8'); x, q = b.input([1, 6, 5, 3])
    cases.append(('uint8_dw_multiplier3', b.done([x], b.depthwise(x, 3, 3, 2, SAME, RELU6, per_channel=False)), q))

    # uint8 weights with a per-channel bias quantization: XNNPACK cannot define the node, so TFLite
    # runs the whole model on its own fixed-point kernels.
    b = Builder(rng, 'u8'); x, q = b.input([1, 8, 7, 16])
    d = b.depthwise(x, 1, 3, 1, SAME, RELU6, per_channel=False, per_channel_bias=True)
    cases.append(('uint8_per_channel_bias_tflite_kernels', b.done([x], b.add(d, b.conv(d, 16, 1, 1, SAME, 0, per_channel=False))), q))

    # float -> int8 and int8 -> float
    g = Graph()
    xf = g.tensor('input', 'f32', [1, 64]); yq = g.tensor('q', 'i8', [1, 64], 0.05, 3)
    g.op(114, [xf], [yq])
    cases.append(('quantize_f32_int8', g.build([xf], [yq]), (rng.normal(0, 3, (1, 64))).astype(np.float32)))
    g = Graph()
    xq = g.tensor('input', 'i8', [1, 64], 0.05, 3); yf = g.tensor('f', 'f32', [1, 64])
    g.op(6, [xq], [yf])
    cases.append(('dequantize_int8_f32', g.build([xq], [yf]), rng.integers(-128, 128, (1, 64)).astype(np.int8)))

    # float32 graph
    g = Graph()
    x = g.tensor('input', 'f32', [1, 8, 8, 3])
    w1 = g.tensor('w1', 'f32', [6, 3, 3, 3], data=rng.normal(0, 0.3, (6, 3, 3, 3)).astype(np.float32).tobytes())
    b1 = g.tensor('b1', 'f32', [6], data=rng.normal(0, 0.1, 6).astype(np.float32).tobytes())
    c = g.tensor('conv', 'f32', [1, 4, 4, 6])
    g.op(3, [x, w1, b1], [c], {0: ('u8', SAME), 1: ('i32', 2), 2: ('i32', 2), 3: ('u8', RELU6), 4: ('i32', 1), 5: ('i32', 1)})
    w2 = g.tensor('w2', 'f32', [1, 3, 3, 6], data=rng.normal(0, 0.3, (1, 3, 3, 6)).astype(np.float32).tobytes())
    b2 = g.tensor('b2', 'f32', [6], data=rng.normal(0, 0.1, 6).astype(np.float32).tobytes())
    d = g.tensor('dw', 'f32', [1, 4, 4, 6])
    g.op(4, [c, w2, b2], [d], {0: ('u8', SAME), 1: ('i32', 1), 2: ('i32', 1), 3: ('i32', 1), 4: ('u8', RELU), 5: ('i32', 1), 6: ('i32', 1)})
    axes = g.tensor('axes', 'i32', [2], data=np.array([1, 2], np.int32).tobytes())
    m = g.tensor('mean', 'f32', [1, 6])
    g.op(40, [d, axes], [m], {0: ('bool', 0)})
    w3 = g.tensor('w3', 'f32', [5, 6], data=rng.normal(0, 0.5, (5, 6)).astype(np.float32).tobytes())
    b3 = g.tensor('b3', 'f32', [5], data=rng.normal(0, 0.1, 5).astype(np.float32).tobytes())
    f = g.tensor('fc', 'f32', [1, 5])
    g.op(9, [m, w3, b3], [f], {0: ('u8', 0)})
    s = g.tensor('softmax', 'f32', [1, 5])
    g.op(25, [f], [s], {0: ('f32', 1.0)})
    cases.append(('float32_conv_dw_mean_fc_softmax', g.build([x], [s]), rng.normal(0, 1, (1, 8, 8, 3)).astype(np.float32)))
    return cases


def unsupported_operator_model():
    """A one-operator model using SPLIT, which the engine does not run."""
    g = Graph()
    axis = g.tensor('axis', 'i32', [], data=np.array([3], np.int32).tobytes())
    x = g.tensor('input', 'f32', [1, 2, 2, 4])
    a = g.tensor('a', 'f32', [1, 2, 2, 2]); b = g.tensor('b', 'f32', [1, 2, 2, 2])
    g.op(49, [axis, x], [a, b])
    return g.build([x], [a, b])
