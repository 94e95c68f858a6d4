#!/usr/bin/env python3
"""Writes the PyTorch-checkpoint fixtures of tests/MobileNets.Tests/PyTorch/.

Run with the Debian torch 1.13 / torchvision 0.14 (no network needed):

    /usr/bin/python3 tools/reference/make_pth_fixtures.py [OUT_DIR]

What it writes (all seeded; re-running reproduces the same tensors, though the legacy files'
storage keys are memory addresses, so their bytes differ from run to run):
  mnv3s_f32.pth, mnv3s_f16.pth, mnv3s_legacy.pth  torchvision mobilenet_v3_small(width 0.2, 10 classes)
      with random weights and randomized BatchNorm, as the zip format (float32 and .half()) and the
      legacy pre-1.6 format (_use_new_zipfile_serialization=False)
  mnv3s.safetensors        the same float32 weights as safetensors (the twin of the .pth files)
  mnv3s_io.safetensors     input (1x3x64x64), logits of the float32 model, logits_f16 of the model with
                           half-rounded weights (computed in float32)
  views.pth, views_legacy.pth, views.safetensors  tensors of every storage dtype, transposed and offset
      views sharing one storage, with their values as contiguous float32 in the twin
  wrapped.pth              {"state_dict": ..., "epoch": 3, "arch": "..."} as training scripts save it
  hostile/*.pth            files the reader must refuse (see HOSTILE below)
Files of 32 KB and more are committed deflated as `<file>.zip` (tools/reference/fixture_files.py).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_files  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MobileNets.Tests", "Fixtures", "PyTorch")

# ---------------------------------------------------------------- safetensors (no package needed)

_ST_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.float64: "F64", torch.int64: "I64"}


def save_safetensors(path: str, tensors: dict, metadata: dict | None = None) -> None:
    """8-byte little-endian header length, JSON header padded with spaces to 8 bytes, then data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.numpy().tobytes()  # numpy on x86/ARM is little-endian
        header[name] = {"dtype": _ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    fixture_files.write(path, struct.pack("<Q", len(hj)) + hj + b"".join(blobs))


def torch_save_bytes(obj, legacy: bool = False) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=not legacy)
    return buf.getvalue()


def write(name: str, data: bytes) -> None:
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fixture_files.write(path, data)


# ---------------------------------------------------------------- the model

def randomized_model() -> torch.nn.Module:
    torch.manual_seed(20240611)
    model = torchvision.models.mobilenet_v3_small(width_mult=0.2, num_classes=10)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(int(torch.randint(1, 100000, ()).item()))
            elif isinstance(m, torch.nn.Linear):
                m.weight.normal_(0, 0.1)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def model_fixtures() -> None:
    model = randomized_model()
    sd = model.state_dict()
    write("mnv3s_f32.pth", torch_save_bytes(sd))
    write("mnv3s_legacy.pth", torch_save_bytes(sd, legacy=True))
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in sd.items()}
    write("mnv3s_f16.pth", torch_save_bytes(half))
    save_safetensors(os.path.join(OUT, "mnv3s.safetensors"), sd,
                     {"architecture": "mobilenet_v3_small", "width": "0.2"})

    g = torch.Generator().manual_seed(7)
    x = torch.randn(1, 3, 64, 64, generator=g)
    with torch.no_grad():
        logits = model(x)
        rounded = randomized_model()
        rounded.load_state_dict({k: (v.half().float() if v.is_floating_point() else v) for k, v in sd.items()})
        logits_f16 = rounded.eval()(x)
    save_safetensors(os.path.join(OUT, "mnv3s_io.safetensors"),
                     {"input": x, "logits": logits, "logits_f16": logits_f16})


# ---------------------------------------------------------------- dtypes and views

def views_fixtures() -> None:
    torch.manual_seed(3)
    base = torch.randn(6, 5)
    tensors = {
        "f32": torch.randn(2, 3),
        "f32_transposed": base.t(),                  # stride (1, 5): non-contiguous
        "f32_rows_2_to_4": base[2:4],                # storage offset 10, shares base's storage
        "f32_every_other_column": base[:, ::2],      # stride (5, 2)
        "f32_base": base,
        "f16": torch.randn(4).half(),
        "bf16": torch.randn(3).bfloat16(),
        "f64": torch.randn(2, 2).double(),
        "i64": torch.tensor([1, -2, 3000000000]),
        "i32": torch.tensor([7, -8], dtype=torch.int32),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }
    write("views.pth", torch_save_bytes(tensors))
    write("views_legacy.pth", torch_save_bytes(tensors, legacy=True))
    save_safetensors(os.path.join(OUT, "views.safetensors"),
                     {k: v.float().contiguous() for k, v in tensors.items()})


def wrapped_fixture() -> None:
    torch.manual_seed(5)
    sd = {"layer.weight": torch.randn(3, 2), "layer.bias": torch.randn(3)}
    write("wrapped.pth", torch_save_bytes({"state_dict": sd, "epoch": 3, "arch": "toy", "best_acc": 0.5}))
    save_safetensors(os.path.join(OUT, "wrapped.safetensors"), sd)


# ---------------------------------------------------------------- hostile files

def zip_of(entries: dict) -> bytes:
    """A zip laid out as torch.save lays it out (stored entries under one top-level folder)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def entries_of(pth: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(pth)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


class ReduceOsSystem:
    """The textbook pickle exploit: unpickling calls os.system (pickled as posix.system on Linux)."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/mobilenets-pwned",))


class ReduceEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))


def hostile_fixtures() -> None:
    tiny = torch_save_bytes({"w": torch.arange(4, dtype=torch.float32)})
    tiny_entries = entries_of(tiny)
    prefix = next(n for n in tiny_entries if n.endswith("/data.pkl"))[: -len("data.pkl")]

    def with_pickle(pkl: bytes) -> bytes:
        return zip_of({**tiny_entries, prefix + "data.pkl": pkl})

    # GLOBAL posix.system + REDUCE, protocol 2 as torch.save writes
    write("hostile/reduce_os_system.pth", with_pickle(pickle.dumps({"w": ReduceOsSystem()}, protocol=2)))
    # GLOBAL builtins.eval + REDUCE
    write("hostile/global_builtins_eval.pth", with_pickle(pickle.dumps(ReduceEval(), protocol=2)))
    # STACK_GLOBAL (protocol 4) of builtins.exec
    write("hostile/stack_global_exec.pth", with_pickle(pickle.dumps(ReduceEval(), protocol=4).replace(b"eval", b"exec")))
    # a global outside the allow-list that does no harm by itself: a whole nn.Module pickled by torch.save(model)
    write("hostile/unknown_global_whole_module.pth", torch_save_bytes(torch.nn.Linear(2, 2)))
    # a made-up global instantiated with NEWOBJ
    write("hostile/unknown_global_newobj.pth", with_pickle(b"\x80\x02cmobilenets_fixture\nNotAllowed\nq\x00)\x81q\x01."))
    # the pickle cut in half
    pkl = tiny_entries[prefix + "data.pkl"]
    write("hostile/truncated_pickle.pth", with_pickle(pkl[: len(pkl) // 2]))
    # data.pkl references storage '0' but the archive has no data/0
    write("hostile/missing_storage.pth", zip_of({k: v for k, v in tiny_entries.items() if not k.endswith("/data/0")}))
    # the pickle claims 4 floats (16 bytes) but the entry holds 8 bytes
    write("hostile/storage_larger_than_entry.pth",
          zip_of({**tiny_entries, prefix + "data/0": tiny_entries[prefix + "data/0"][:8]}))
    # the tensor's size and offset reach past its storage
    write("hostile/view_past_storage.pth", with_pickle(pkl.replace(b"K\x04\x85", b"K\x09\x85")))
    # a stride-0 view claiming 2**31-1 elements of a 4-element storage: reading it would allocate 8 GB
    write("hostile/broadcast_bomb.pth", with_pickle(pkl.replace(b"K\x04\x85", b"J\xff\xff\xff\x7f\x85").replace(b"K\x01\x85", b"K\x00\x85")))
    # the legacy format with the exploit in its state-dict pickle
    legacy = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True,
                                                   "type_sizes": {"short": 2, "int": 4, "long": 4}}):
        pickle.dump(header, legacy, protocol=2)
    pickle.dump({"w": ReduceOsSystem()}, legacy, protocol=2)
    write("hostile/legacy_reduce_os_system.pth", legacy.getvalue())
    # the legacy format truncated inside its storages
    legacy_tiny = torch_save_bytes({"w": torch.arange(4, dtype=torch.float32)}, legacy=True)
    write("hostile/legacy_truncated_storage.pth", legacy_tiny[:-6])


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    model_fixtures()
    views_fixtures()
    wrapped_fixture()
    hostile_fixtures()
    total = fixture_files.apparent_size(OUT)
    print(f"wrote fixtures to {os.path.normpath(OUT)}: {total} bytes")


if __name__ == "__main__":
    main()
