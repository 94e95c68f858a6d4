"""A small TFLite flatbuffer writer (schema.fbs, schema version 3) for test models.

Objects are written front to back: a table's vtable, then the table, then its children, so every
uoffset points forward; vectors of 8-byte elements are aligned so their elements are 8-aligned.
Fields are given as {field index: value} where a value is ('u8'|'i8'|'bool'|'i32'|'u32'|'f32', v) for
scalars, or Table / Vec / Str for offsets.
"""
import struct

SCALARS = {'u8': ('<B', 1), 'i8': ('<b', 1), 'bool': ('<B', 1), 'i32': ('<i', 4), 'u32': ('<I', 4), 'f32': ('<f', 4), 'u64': ('<Q', 8)}
VEC = {'i32': ('<i', 4), 'f32': ('<f', 4), 'i64': ('<q', 8), 'u8': ('<B', 1)}


class Table:
    def __init__(self, fields): self.fields = fields


class Vec:
    def __init__(self, kind, items): self.kind, self.items = kind, list(items)


class Str:
    def __init__(self, s): self.s = s


class Writer:
    def __init__(self): self.buf = bytearray()

    def align(self, n, extra=0):
        while (len(self.buf) + extra) % n: self.buf.append(0)

    def write(self, obj):
        if isinstance(obj, Table): return self.table(obj)
        if isinstance(obj, Vec): return self.vector(obj)
        if isinstance(obj, Str): return self.string(obj)
        raise TypeError(obj)

    def table(self, t):
        scalars = [(i, v) for i, v in t.fields.items() if isinstance(v, tuple)]
        offsets = [(i, v) for i, v in t.fields.items() if not isinstance(v, tuple)]
        layout, size = {}, 4
        for i, v in sorted(scalars, key=lambda f: -SCALARS[f[1][0]][1]) + offsets:
            n = 4 if not isinstance(v, tuple) else SCALARS[v[0]][1]
            size = (size + n - 1) // n * n
            layout[i] = size; size += n
        wide = any(isinstance(v, tuple) and SCALARS[v[0]][1] == 8 for v in t.fields.values())
        if wide:  # 8-byte fields sit at table offset 8, so the table itself must be 8-aligned
            layout = {i: o + 4 for i, o in layout.items()}; size += 4
        size = (size + 3) // 4 * 4
        count = max(t.fields) + 1 if t.fields else 0
        self.align(2)
        vtable = len(self.buf)
        self.buf += struct.pack('<HH', 4 + 2 * count, size)
        for i in range(count): self.buf += struct.pack('<H', layout.get(i, 0))
        self.align(8 if wide else 4)
        pos = len(self.buf)
        self.buf += bytes(size)
        struct.pack_into('<i', self.buf, pos, pos - vtable)
        for i, (kind, v) in scalars:
            struct.pack_into(SCALARS[kind][0], self.buf, pos + layout[i], v)
        for i, v in offsets:
            child = self.write(v)
            struct.pack_into('<I', self.buf, pos + layout[i], child - (pos + layout[i]))
        return pos

    def vector(self, v):
        if v.kind in VEC:
            fmt, n = VEC[v.kind]
            self.align(max(n, 4), 4)
            pos = len(self.buf)
            self.buf += struct.pack('<I', len(v.items))
            for x in v.items: self.buf += struct.pack(fmt, x)
            return pos
        self.align(4)
        pos = len(self.buf)
        self.buf += struct.pack('<I', len(v.items)) + bytes(4 * len(v.items))
        for k, item in enumerate(v.items):
            child = self.write(item)
            struct.pack_into('<I', self.buf, pos + 4 + 4 * k, child - (pos + 4 + 4 * k))
        return pos

    def string(self, s):
        self.align(4)
        pos = len(self.buf)
        b = s.s.encode()
        self.buf += struct.pack('<I', len(b)) + b + b'\0'
        return pos


def model_bytes(model_table):
    w = Writer()
    w.buf += bytes(4) + b'TFL3'
    root = w.write(model_table)
    struct.pack_into('<I', w.buf, 0, root)
    w.align(16)
    return bytes(w.buf)


# --- TFLite model assembly
TYPES = {'f32': 0, 'i32': 2, 'u8': 3, 'i64': 4, 'i8': 9}
OPTIONS = {3: 1, 4: 2, 1: 5, 17: 5, 9: 8, 25: 9, 2: 10, 0: 11, 23: 15, 22: 17, 18: 21, 34: 22, 40: 27, 43: 30, 56: 40}


class Graph:
    """Collects tensors, buffers and operators of one subgraph."""
    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [b''], [], []

    def tensor(self, name, dtype, shape, scale=None, zero_point=None, data=None, axis=0):
        buffer = 0
        if data is not None:
            self.buffers.append(bytes(data)); buffer = len(self.buffers) - 1
        fields = {0: Vec('i32', shape), 1: ('i8', TYPES[dtype]), 2: ('u32', buffer), 3: Str(name)}
        if scale is not None:
            scales = list(scale) if hasattr(scale, '__len__') else [scale]
            zps = list(zero_point) if hasattr(zero_point, '__len__') else [zero_point] * len(scales)
            fields[4] = Table({2: Vec('f32', scales), 3: Vec('i64', zps), 6: ('i32', axis)})
        self.tensors.append(Table(fields))
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options=None, version=1):
        key = (code, version)
        if key not in self.codes: self.codes.append(key)
        fields = {0: ('u32', self.codes.index(key)), 1: Vec('i32', inputs), 2: Vec('i32', outputs)}
        if options is not None:
            fields[3] = ('u8', OPTIONS[code]); fields[4] = Table(options)
        self.ops.append(Table(fields))

    def build(self, inputs, outputs, external_buffers=False):
        """The model's bytes; with external_buffers, constant data follows the flatbuffer and buffers
        hold only offset/size (the layout TFLite uses for models over 2 GB)."""
        codes = [Table({0: ('i8', min(c, 127)), 2: ('i32', v), 3: ('i32', c)}) for c, v in self.codes]
        subgraph = Table({0: Vec('table', self.tensors), 1: Vec('i32', inputs), 2: Vec('i32', outputs),
                          3: Vec('table', self.ops), 4: Str('main')})

        def assemble(buffers):
            return model_bytes(Table({0: ('u32', 3), 1: Vec('table', codes), 2: Vec('table', [subgraph]),
                                      3: Str('MobileNets test model'), 4: Vec('table', buffers)}))
        if not external_buffers:
            return assemble([Table({0: Vec('u8', b)}) if b else Table({}) for b in self.buffers])
        # The flatbuffer's size does not depend on the offset values, so lay it out once, then place the data after it.
        placeholder = [Table({1: ('u64', 2), 2: ('u64', len(b))}) if b else Table({}) for b in self.buffers]
        offset, real = len(assemble(placeholder)), []
        for b in self.buffers:
            real.append(Table({1: ('u64', offset), 2: ('u64', len(b))}) if b else Table({}))
            offset += (len(b) + 15) // 16 * 16
        head = assemble(real)
        return head + b''.join(b + bytes((16 - len(b) % 16) % 16) for b in self.buffers if b)
