"""Minimal safetensors writer/reader (no dependency on the `safetensors` package).

Layout: 8-byte little-endian header length, JSON header (padded with spaces to a multiple of 8),
then the tensors' little-endian bytes back to back with no holes. Tensors are laid out by
descending element size (I64, F32, F16), so every tensor starts at an offset aligned to its own
element size, as the reference implementation does.
"""

from __future__ import annotations

import json
import struct
from typing import Dict, Mapping, Optional, Tuple

import numpy as np
import torch

import fixture_files

_DTYPES = {
    torch.float32: ("F32", np.float32),
    torch.float16: ("F16", np.float16),
    torch.float64: ("F64", np.float64),
    torch.bfloat16: ("BF16", None),
    torch.int64: ("I64", np.int64),
    torch.int32: ("I32", np.int32),
    torch.int16: ("I16", np.int16),
    torch.int8: ("I8", np.int8),
    torch.uint8: ("U8", np.uint8),
    torch.bool: ("BOOL", np.bool_),
}
_NP_BY_NAME = {v[0]: v[1] for v in _DTYPES.values() if v[1] is not None}


def _tensor_bytes(t: torch.Tensor) -> Tuple[str, bytes]:
    t = t.detach().cpu().contiguous()
    name, np_dtype = _DTYPES[t.dtype]
    if np_dtype is None:  # bf16: reinterpret as int16
        return name, t.view(torch.int16).numpy().astype("<i2").tobytes()
    return name, t.numpy().astype(np.dtype(np_dtype).newbyteorder("<")).tobytes()


def dumps(tensors: Mapping[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> bytes:
    """The safetensors bytes of `tensors`."""
    items = []
    for name, t in tensors.items():
        dt, raw = _tensor_bytes(t)
        items.append((name, dt, list(t.shape), raw, t.element_size()))
    # stable sort by descending element size keeps every tensor aligned to its element size
    items.sort(key=lambda x: -x[4])
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(v, str):
                raise TypeError(f"metadata value for {k!r} must be a string")
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, dt, shape, raw, _ in items:
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    hj = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    hj += b" " * ((-len(hj)) % 8)
    return struct.pack("<Q", len(hj)) + hj + b"".join(raw for _, _, _, raw, _ in items)


def save(path: str, tensors: Mapping[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> int:
    """Writes `tensors` to `path`; returns the file size in bytes."""
    data = dumps(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def save_fixture(path: str, tensors: Mapping[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> int:
    """Writes a test fixture (deflated as `path.zip` when that pays, see fixture_files.py); returns
    the bytes stored."""
    return fixture_files.write(path, dumps(tensors, metadata))


def load(path: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    """Reads a safetensors file written by anyone (or a fixture stored as `path.zip`); returns
    (tensors, metadata)."""
    data = fixture_files.read(path)
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        np_dtype = _NP_BY_NAME[info["dtype"]]
        arr = np.frombuffer(data[base + b:base + e], dtype=np.dtype(np_dtype).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.astype(np_dtype).reshape(info["shape"]).copy())
    return out, meta
