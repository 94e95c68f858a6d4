#!/usr/bin/env python3
"""Checks the classifier fixtures against the file contract, independently of the generator.

  python3 tools/reference/check_classifier_fixtures.py            # format + metadata + budgets
  PYTHONPATH=/path/to/timm python3 tools/reference/check_classifier_fixtures.py --rerun
      # also rebuilds every model from its weights file and re-runs torch on the stored input

Format checks use only the standard library (struct/json/zipfile): 8-byte LE header length, JSON
header padded with spaces to a multiple of 8, data offsets contiguous, no holes, in bounds;
F32/F16/I64 only; `__metadata__` keys; `inputs.safetensors` holds one F16 (N,3,H,W) batch per batch
size and every case's input_shape is a window of its batch; io files hold `logits` F32
(N,num_classes); classify files hold `logits` F32 (images,num_classes) of committed images; manifest
entries agree with the files; the folder and all fixtures together stay within the budgets of
fixture_files.py (files may be stored as NAME.zip, see there).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fixture_files  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "tests", "MobileNets.Tests", "Fixtures", "Classifiers")
IMAGING_INPUTS = os.path.join(REPO, "tests", "MobileNets.Tests", "Fixtures", "Imaging", "inputs")
SIZES = {"F32": 4, "F16": 2, "I64": 8}
META_KEYS = {"architecture", "width", "num_classes", "library", "generator", "reference"}
MANIFEST_KEYS = {"case", "weights", "io", "architecture", "width", "num_classes", "library", "input_shape",
                 "input_file", "input_tensor"}


def parse(path):
    data = fixture_files.read(path)
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


def check_logits(path, rows, classes, what):
    import numpy as np
    h, meta, data, base = parse(path)
    assert set(h) == {"logits"}, f"{path}: tensors {set(h)}"
    assert h["logits"]["dtype"] == "F32" and h["logits"]["shape"] == [rows, classes], f"{path}: logits {h['logits']}"
    logits = tensor(data, base, h["logits"])
    assert np.isfinite(logits).all() and np.abs(logits).max() > 1e-3, what
    return meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=FIXTURES)
    ap.add_argument("--rerun", action="store_true")
    args = ap.parse_args()
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    listed = {"manifest.json"}
    inputs = {}
    for e in manifest:
        missing = MANIFEST_KEYS - set(e)
        assert not missing, f"manifest entry {e.get('case')} lacks {missing}"
        listed |= {e["weights"], e["io"], e["input_file"]}
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
        if e["input_file"] not in inputs:
            inputs[e["input_file"]] = parse(os.path.join(args.dir, e["input_file"]))[0]
        batch = inputs[e["input_file"]].get(e["input_tensor"])
        assert batch is not None, f"{e['case']}: no tensor {e['input_tensor']} in {e['input_file']}"
        n, c, h, w = e["input_shape"]
        bn, bc, bh, bw = batch["shape"]
        assert batch["dtype"] == "F16" and c == bc == 3 and n == bn and h <= bh and w <= bw, \
            f"{e['case']}: input {e['input_shape']} is not a window of {e['input_tensor']} {batch}"
        check_logits(os.path.join(args.dir, e["io"]), n, e["num_classes"], e["case"])
        if "classify" in e:
            listed.add(e["classify"])
            images = e["classify_images"]
            meta = check_logits(os.path.join(args.dir, e["classify"]), len(images), e["num_classes"], e["classify"])
            assert meta["images"].split(",") == images, f"{e['classify']}: images {meta['images']}"
            for name in images:
                assert os.path.exists(os.path.join(IMAGING_INPUTS, name)), f"{e['classify']}: no image {name}"
    on_disk = fixture_files.names(args.dir)
    assert on_disk == listed, f"files not in the manifest: {sorted(on_disk - listed)}; missing: {sorted(listed - on_disk)}"
    size = fixture_files.apparent_size(args.dir)
    assert size <= fixture_files.CLASSIFIER_BUDGET_BYTES, f"over budget: {size} > {fixture_files.CLASSIFIER_BUDGET_BYTES}"
    everything = sum(fixture_files.apparent_size(d) for d in fixture_files.fixture_folders())
    assert everything <= fixture_files.ALL_FIXTURES_BUDGET_BYTES, \
        f"all fixtures over budget: {everything} > {fixture_files.ALL_FIXTURES_BUDGET_BYTES}"
    print(f"{len(manifest)} cases OK, {size / 1e6:.2f} MB (budget {fixture_files.CLASSIFIER_BUDGET_BYTES / 1e6:.0f} MB); "
          f"all fixtures {everything / 1e6:.2f} MB (budget {fixture_files.ALL_FIXTURES_BUDGET_BYTES / 1e6:.0f} MB)")

    if args.rerun:
        rerun(args.dir, manifest)


def load_model(folder, e):
    import torch
    import mobilenet_zoo as zoo
    wh, meta, wdata, wbase = parse(os.path.join(folder, e["weights"]))
    model = zoo.build(meta["architecture"], float(meta["width"]), int(meta["num_classes"]))
    sd = model.state_dict()
    assert set(sd) == set(wh), f"{e['case']}: key mismatch {set(sd) ^ set(wh)}"
    for k, info in wh.items():
        t = torch.from_numpy(tensor(wdata, wbase, info).copy())
        sd[k] = t.float() if t.is_floating_point() else t
    model.load_state_dict(sd)
    return model.eval()


def stored_logits(path):
    import torch
    h, _, data, base = parse(path)
    return torch.from_numpy(tensor(data, base, h["logits"]).copy())


def rerun(folder, manifest):
    """Every stored logit reproduced bit for bit by torch from the stored weights and inputs."""
    import torch
    from PIL import Image
    from torchvision.transforms._presets import ImageClassification
    torch.set_num_threads(1)
    for e in manifest:
        model = load_model(folder, e)
        h, _, data, base = parse(os.path.join(folder, e["input_file"]))
        batch = torch.from_numpy(tensor(data, base, h[e["input_tensor"]]).copy())
        _, _, rows, cols = e["input_shape"]
        x = batch[:, :, :rows, :cols].float().contiguous()
        with torch.no_grad():
            y = model(x)
        ref = stored_logits(os.path.join(folder, e["io"]))
        assert torch.equal(y, ref), f"{e['case']}: rerun differs by {(y - ref).abs().max().item():g}"
        if "classify" in e:
            # torchvision's preset with the library's default for torchvision ids (issue 3)
            transform = ImageClassification(crop_size=224, resize_size=256)
            images = torch.stack([transform(Image.open(os.path.join(IMAGING_INPUTS, n)).convert("RGB")) for n in e["classify_images"]])
            with torch.no_grad():
                y = model(images)
            ref = stored_logits(os.path.join(folder, e["classify"]))
            assert torch.equal(y, ref), f"{e['classify']}: rerun differs by {(y - ref).abs().max().item():g}"
    print(f"rerun: {len(manifest)} cases reproduce bit for bit")


if __name__ == "__main__":
    main()
