#!/usr/bin/python3
"""Makes the TFLite test fixtures under tests/MobileNets.Tests/Fixtures/TfLite/ with TensorFlow Lite
itself (its WebAssembly build with XNNPACK, run by ../shared/tools/tflite-node/ref.js; run its
setup.sh first).

deeplab: DeepLab v3 (MobileNetV2, PASCAL VOC, 513x513 uint8) on images/bird_segmentation.bmp, already
  513x513 (Coral's semantic_segmentation.py resizes the photo to the input size; this one needs no
  resize). tfjs-tflite cannot return the model's INT64 ARG_MAX output, so the model's graph output is
  cut (4-byte patches of the subgraph's outputs and operator count) first after the 33x33x21 logits
  before the final upsampling, then after the 513x513x21 upsampled logits, whose argmax (first maximum, as TFLite's
  ARG_MAX) is the class map. Writes deeplab_bird.safetensors: 'logits33' U8 [1,33,33,21] and
  'classes' U8 [1,513,513], with the logits tensor's name in the metadata ('logits33_tensor').

tflite_cases.py models (int8 per-channel, float32, single operators, random weights; see there):
  CASE.safetensors each with 'model' U8 (the .tflite bytes), 'input', 'output' (TFLite's output 0) and
  't:NAME' for every other operator's output tensor NAME (TFLite run with its graph output re-pointed there).
  unsupported_operator.tflite: a SPLIT model the engine must refuse at load.

Files of 32 KB and more are committed deflated as `<file>.zip` (tools/reference/fixture_files.py).

usage: tflite_fixtures.py SHARED_DATA_DIR OUT_DIR
"""
import json, os, struct, subprocess, sys, tempfile
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REF_JS = os.path.join(HERE, '..', '..', '..', 'shared', 'tools', 'tflite-node', 'ref.js')


def safetensors_bytes(tensors, metadata=None):
    header, off, blobs = ({'__metadata__': metadata} if metadata else {}), 0, []
    for name, a in tensors.items():
        a = np.ascontiguousarray(a); b = a.tobytes()
        header[name] = {'dtype': {np.uint8: 'U8', np.int8: 'I8', np.float32: 'F32', np.int32: 'I32'}[a.dtype.type],
                        'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b); blobs.append(b)
    h = json.dumps(header, separators=(',', ':')).encode(); h += b' ' * ((8 - len(h) % 8) % 8)
    return struct.pack('<Q', len(h)) + h + b''.join(blobs)


def write_safetensors(path, tensors, metadata=None):
    with open(path, 'wb') as f:
        f.write(safetensors_bytes(tensors, metadata))


def write_fixture(path, tensors, metadata=None):
    """A committed fixture: deflated as `path.zip` when that pays (fixture_files.py)."""
    sys.path.insert(0, HERE)
    import fixture_files
    fixture_files.write(path, safetensors_bytes(tensors, metadata))


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); data = f.read()
    dt = {'U8': np.uint8, 'I8': np.int8, 'I32': np.int32, 'F32': np.float32}
    return {k: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dt[v['dtype']]).reshape(v['shape'])
            for k, v in h.items() if k != '__metadata__'}


def run_tflite(model_bytes, inputs, out_dtype=None):
    """Runs TFLite (XNNPACK, 1 thread) on a model given as bytes; returns output 0."""
    with tempfile.TemporaryDirectory() as tmp:
        open(f'{tmp}/m.tflite', 'wb').write(model_bytes)
        write_safetensors(f'{tmp}/in.safetensors', {'input': inputs})
        env = dict(os.environ)
        if out_dtype: env['TFLITE_OUTPUT_DTYPE'] = out_dtype
        r = subprocess.run(['node', REF_JS, f'{tmp}/m.tflite', f'{tmp}/in.safetensors', f'{tmp}/out.safetensors'],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0: raise RuntimeError(f'TFLite failed: {r.stderr.strip()[:1500]}')
        return read_safetensors(f'{tmp}/out.safetensors')['output']


# --- minimal flatbuffer reading, enough to find and patch the subgraph outputs vector
def u32(b, p): return struct.unpack_from('<I', b, p)[0]
def i32(b, p): return struct.unpack_from('<i', b, p)[0]
def field(b, table, index):
    vt = table - i32(b, table)
    if 4 + 2 * index >= struct.unpack_from('<H', b, vt)[0]: return None
    off = struct.unpack_from('<H', b, vt + 4 + 2 * index)[0]
    return table + off if off else None
def deref(b, p): return p + u32(b, p)
def vector(b, table, index):
    p = field(b, table, index)
    if p is None: return None, 0
    v = deref(b, p); return v + 4, u32(b, v)
def table_at(b, vec_start, i): return deref(b, vec_start + 4 * i)


def subgraph0(b):
    subs, _ = vector(b, u32(b, 0), 2)
    return table_at(b, subs, 0)


def builtin_codes(b):
    codes, n = vector(b, u32(b, 0), 1)
    result = []
    for i in range(n):
        t = table_at(b, codes, i)
        d, c = field(b, t, 0), field(b, t, 3)
        result.append(max(struct.unpack_from('<b', b, d)[0] if d else 0, i32(b, c) if c else 0))
    return result


def operators(b):
    """(builtin code, input tensor indices, output tensor indices) of each operator of subgraph 0."""
    codes = builtin_codes(b)
    ops, n = vector(b, subgraph0(b), 3)
    result = []
    for i in range(n):
        op = table_at(b, ops, i)
        f = field(b, op, 0)
        ins, ni = vector(b, op, 1); outs, no = vector(b, op, 2)
        result.append((codes[u32(b, f) if f else 0], [i32(b, ins + 4 * k) for k in range(ni)], [i32(b, outs + 4 * k) for k in range(no)]))
    return result


def tensor_name(b, index):
    tensors, _ = vector(b, subgraph0(b), 0)
    p = field(b, table_at(b, tensors, index), 3)
    s = deref(b, p)
    return bytes(b[s + 4:s + 4 + u32(b, s)]).decode()


def truncated(model, last_op):
    """The model cut after operator last_op (its operator vector shortened, a 4-byte patch), with that
    operator's first output as the graph output. Operators left dangling after a re-pointed output can
    make the XNNPACK delegate fail ("failed to create XNNPACK runtime"), which silently switches TFLite
    to its own kernels, so the cut must drop them."""
    b = bytearray(with_output(model, operators(model)[last_op][2][0]))
    ops, n = vector(b, subgraph0(b), 3)
    struct.pack_into('<I', b, ops - 4, last_op + 1)
    return bytes(b)


def with_output(model, tensor):
    b = bytearray(model)
    outs, n = vector(b, subgraph0(b), 2)
    assert n == 1
    struct.pack_into('<i', b, outs, tensor)
    return bytes(b)


def deeplab(data, out):
    model = open(f'{data}/tflite/deeplabv3_mnv2_pascal_quant.tflite', 'rb').read()
    img = Image.open(f'{data}/images/bird_segmentation.bmp').convert('RGB')
    if img.size != (513, 513): img = img.resize((513, 513), Image.LANCZOS)
    x = np.asarray(img, dtype=np.uint8)[None]
    ops = operators(model)
    assert ops[-1][0] == 56                                     # ARG_MAX reads the 513x513x21 upsampled logits
    argmax_in = ops[-1][1][0]
    small = argmax_in                                           # walk back through the RESIZE_BILINEAR chain
    while True:
        producer = next(o for o in ops if o[2][0] == small)
        if producer[0] != 23: break
        small = producer[1][0]
    producer = lambda tensor: next(k for k, o in enumerate(ops) if o[2][0] == tensor)
    logits33 = run_tflite(truncated(model, producer(small)), x, 'U8')
    up = run_tflite(truncated(model, producer(argmax_in)), x, 'U8')
    classes = np.argmax(up, axis=-1).astype(np.uint8)           # numpy argmax also returns the first maximum
    write_fixture(f'{out}/deeplab_bird.safetensors', {'logits33': logits33, 'classes': classes},
                      {'logits33_tensor': tensor_name(model, small)})
    print('deeplab: logits', logits33.shape, 'classes', np.bincount(classes.ravel(), minlength=21))


def generated_cases(out):
    sys.path.insert(0, HERE)
    import tflite_cases
    for name, model, x in tflite_cases.int8_cases():
        model, twin = model if isinstance(model, tuple) else (model, model)
        y = run_tflite(twin, x)
        tensors = {'model': np.frombuffer(model, np.uint8), 'input': x, 'output': y}
        # Every operator's output, with the graph output re-pointed at it, so tests see each step.
        for k, (code, ins, outs) in enumerate(operators(twin)[:-1]):
            tensors[f't:{tensor_name(twin, outs[0])}'] = run_tflite(truncated(twin, k), x)
        write_fixture(f'{out}/{name}.safetensors', tensors)
        print(name, x.dtype, x.shape, '->', y.dtype, y.shape)
    open(f'{out}/unsupported_operator.tflite', 'wb').write(tflite_cases.unsupported_operator_model())


if __name__ == '__main__':
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    deeplab(data, out)
    generated_cases(out)
