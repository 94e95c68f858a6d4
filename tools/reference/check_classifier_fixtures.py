#!/usr/bin/env python3
"""Checks the classifier fixtures against the file contract, independently of the generator.

  python3 tools/reference/check_classifier_fixtures.py            # format + metadata + budget
  PYTHONPATH=/path/to/timm python3 tools/reference/check_classifier_fixtures.py --rerun
      # also rebuilds every model from its weights file and re-runs torch on the stored input

Format checks use only the standard library (struct/json): 8-byte LE header length, JSON header
padded with spaces to a multiple of 8, data offsets contiguous, no holes, in bounds; F32/F16/I64
only; `__metadata__` keys; io file has `input` F32 (N,3,H,W) and `logits` F32 (N,num_classes);
manifest entries agree with the files.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "tests", "MobileNets.Tests", "Fixtures", "Classifiers")
SIZES = {"F32": 4, "F16": 2, "I64": 8}
META_KEYS = {"architecture", "width", "num_classes", "library", "generator", "reference"}
MANIFEST_KEYS = {"case", "weights", "io", "architecture", "width", "num_classes", "library", "input_shape"}


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, f"{path}: header length {n} not a multiple of 8"
    raw = data[8:8 + n]
    text = raw.decode("utf-8")
    assert text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" "))), path
    header = json.loads(text)
    meta = header.pop("__metadata__", None)
    body = len(data) - 8 - n
    spans = []
    for name, info in header.items():
        dt = info["dtype"]
        assert dt in SIZES, f"{path}: {name} has dtype {dt}"
        count = math.prod(info["shape"]) if info["shape"] else 1
        b, e = info["data_offsets"]
        assert e - b == count * SIZES[dt], f"{path}: {name} size mismatch"
        assert b % SIZES[dt] == 0, f"{path}: {name} misaligned"
        spans.append((b, e, name))
    spans.sort()
    pos = 0
    for b, e, name in spans:
        assert b == pos, f"{path}: hole or overlap before {name}"
        pos = e
    assert pos == body, f"{path}: data section {body} bytes, tensors cover {pos}"
    return header, meta, data, 8 + n


def tensor(data, base, info):
    import numpy as np
    b, e = info["data_offsets"]
    dt = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}[info["dtype"]]
    return np.frombuffer(data[base + b:base + e], dtype=dt).reshape(info["shape"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=FIXTURES)
    ap.add_argument("--rerun", action="store_true")
    args = ap.parse_args()
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    listed = set()
    for e in manifest:
        missing = MANIFEST_KEYS - set(e)
        assert not missing, f"manifest entry {e.get('case')} lacks {missing}"
        listed |= {e["weights"], e["io"]}
        wh, meta, _, _ = parse(os.path.join(args.dir, e["weights"]))
        assert meta is not None and META_KEYS <= set(meta), f"{e['weights']}: metadata {meta}"
        assert all(isinstance(v, str) for v in meta.values())
        assert meta["architecture"] == e["architecture"]
        assert float(meta["width"]) == float(e["width"])
        assert int(meta["num_classes"]) == e["num_classes"]
        assert meta["library"] == e["library"] in ("torchvision", "timm")
        assert meta["generator"] == "tools/reference/make_classifier_fixtures.py"
        assert meta["reference"] == ("timm aa4b585" if e["library"] == "timm" else meta["reference"])
        assert meta["reference"].startswith(e["library"] + " ")
        assert any(k.endswith("num_batches_tracked") and v["dtype"] == "I64" for k, v in wh.items())
        dts = {v["dtype"] for k, v in wh.items() if not k.endswith("num_batches_tracked")}
        assert len(dts) == 1 and dts <= {"F32", "F16"}, f"{e['weights']}: float dtypes {dts}"
        ioh, _, data, base = parse(os.path.join(args.dir, e["io"]))
        assert set(ioh) == {"input", "logits"}, f"{e['io']}: tensors {set(ioh)}"
        assert ioh["input"]["dtype"] == ioh["logits"]["dtype"] == "F32"
        n, c, h, w = e["input_shape"]
        assert c == 3 and ioh["input"]["shape"] == [n, 3, h, w]
        assert ioh["logits"]["shape"] == [n, e["num_classes"]]
        logits = tensor(data, base, ioh["logits"])
        import numpy as np
        assert np.isfinite(logits).all() and np.abs(logits).max() > 1e-3, e["case"]
    on_disk = set(os.listdir(args.dir)) - {"manifest.json"}
    assert on_disk == listed, f"files not in the manifest: {sorted(on_disk - listed)}; missing: {sorted(listed - on_disk)}"
    du = sum(-(-os.path.getsize(os.path.join(args.dir, f)) // 4096) * 4096 for f in os.listdir(args.dir))
    assert du < 16_000_000, f"over budget: {du}"
    print(f"{len(manifest)} cases OK, {du / 1e6:.2f} MB (4 KiB blocks)")

    if args.rerun:
        import torch
        sys.path.insert(0, HERE)
        import mobilenet_zoo as zoo
        torch.set_num_threads(1)
        worst = 0.0
        for e in manifest:
            wh, meta, wdata, wbase = parse(os.path.join(args.dir, e["weights"]))
            model = zoo.build(meta["architecture"], float(meta["width"]), int(meta["num_classes"]))
            sd = model.state_dict()
            assert set(sd) == set(wh), f"{e['case']}: key mismatch {set(sd) ^ set(wh)}"
            for k, info in wh.items():
                t = torch.from_numpy(tensor(wdata, wbase, info).copy())
                sd[k] = t.float() if t.is_floating_point() else t
            model.load_state_dict(sd)
            ioh, _, data, base = parse(os.path.join(args.dir, e["io"]))
            x = torch.from_numpy(tensor(data, base, ioh["input"]).copy())
            ref = torch.from_numpy(tensor(data, base, ioh["logits"]).copy())
            with torch.no_grad():
                y = model.eval()(x)
            d = ((y - ref).abs().max() / ref.abs().max()).item()
            worst = max(worst, d)
            assert d == 0.0, f"{e['case']}: rerun differs by {d:g} (relative)"
        print(f"rerun: {len(manifest)} cases reproduce bit for bit")


if __name__ == "__main__":
    main()
