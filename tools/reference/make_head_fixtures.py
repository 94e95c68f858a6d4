#!/usr/bin/env python3
"""Generates the detection and segmentation reference fixtures (issue 5).

  tests/MobileNets.Detection.Tests/Fixtures/     ssdlite320_mobilenet_v3_large
  tests/MobileNets.Segmentation.Tests/Fixtures/  lraspp_mobilenet_v3_large, deeplabv3_mobilenet_v3_large

Every model is torchvision 0.14's, built with its own builder functions at a reduced backbone width
(seeded random weights; no pretrained weights are downloaded):

  * ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=K, width_mult=W):
    the public builder (width_mult reaches the backbone through **kwargs; the reduced tail is on
    because no backbone weights are given; extras and heads at torchvision's own sizes).
  * lraspp: torchvision.models.segmentation.lraspp._lraspp_mobilenetv3(
    mobilenet_v3_large(width_mult=W, dilated=True), K) -- what lraspp_mobilenet_v3_large calls, with
    a narrower backbone (the public builder does not forward width_mult).
  * deeplabv3: torchvision.models.segmentation.deeplabv3._deeplabv3_mobilenetv3(
    mobilenet_v3_large(width_mult=W, dilated=True), K, aux), then the classifier rebuilt from
    torchvision's own ASPP class with out_channels=C instead of 256 (same modules, same state-dict
    names as DeepLabHead, C-wide instead of 256-wide): at 256 the ASPP alone is > 6 MB of weights.
    The engine reads the ASPP width from the tensors, so both widths run the same code.

Every BatchNorm is randomized and calibrated to the activations it sees (make_classifier_fixtures
randomize_/calibrate_), zero-initialised biases are drawn, all floats are rounded through float16
(stored as F16). For SSD the final predictor convolutions are rescaled so that class logits have a
standard deviation of ~2 and box codes of ~1: with torchvision's N(0, 0.03) init the softmax would be
flat and the ranking of detections a matter of rounding.

Files per case (committed deflated as `<file>.zip` when that pays, see fixture_files.py):
<weights>.safetensors (state_dict + metadata) and <case>.io.safetensors:
  detection:    input (N,3,H,W) in [0,1] (F16, exact); bbox_regression (N,A,4); cls_logits (N,A,K) (the head on the
                transformed batch); per image i boxes.i (D,4), scores.i (D), labels.i (D, I64);
                metadata score_thresh / nms_thresh / topk_candidates / detections_per_img used.
  segmentation: input (N,3,H,W) (already normalized); out (N,K,H,W) [; aux (N,K,H,W)].

Usage: /usr/bin/python3 tools/reference/make_head_fixtures.py [--only CASE ...]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import sys
import warnings
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402

import fixture_files  # noqa: E402
import make_classifier_fixtures as cf  # noqa: E402
import safetensors_io as st  # noqa: E402

GENERATOR = "tools/reference/make_head_fixtures.py"
DET_DIR = os.path.join(REPO, "tests", "MobileNets.Detection.Tests", "Fixtures")
SEG_DIR = os.path.join(REPO, "tests", "MobileNets.Segmentation.Tests", "Fixtures")
BUDGET_BYTES = 3_000_000  # both folders as committed (apparent size; files >= 32 KB deflated)


@dataclasses.dataclass(frozen=True)
class Case:
    case: str  # io file stem
    weights: str  # weights file stem (cases may share weights)
    arch: str
    width: float
    classes: int
    input: Tuple[int, int, int]  # (N, H, W)
    seed: int
    score_thresh: Optional[float] = None  # detection: overrides the model's 0.001
    aspp_channels: int = 256  # deeplab only
    aux: bool = False  # deeplab only


# fmt: off
CASES: List[Case] = [
    # Default post-processing: ~1500 candidates, so batched_nms takes its per-class path.
    Case("ssdlite320_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large",
         0.25, 6, (1, 77, 141), 501),
    # score_thresh 0.7 leaves < 1000 candidates: batched_nms's coordinate-offset path. Same weights.
    Case("ssdlite320_mobilenet_v3_large.thresh", "ssdlite320_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large",
         0.25, 6, (2, 61, 47), 501, score_thresh=0.7),
    Case("lraspp_mobilenet_v3_large", "lraspp_mobilenet_v3_large", "lraspp_mobilenet_v3_large",
         0.1, 5, (2, 41, 57), 511),
    Case("deeplabv3_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large",
         0.1, 6, (1, 67, 81), 521, aspp_channels=16),
    Case("deeplabv3_mobilenet_v3_large_aux", "deeplabv3_mobilenet_v3_large_aux", "deeplabv3_mobilenet_v3_large",
         0.1, 4, (1, 53, 61), 522, aspp_channels=24, aux=True),
]
# fmt: on


def is_detection(c: Case) -> bool:
    return c.arch.startswith("ssdlite")


def build(c: Case) -> nn.Module:
    from torchvision.models import mobilenet_v3_large
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large
    from torchvision.models.segmentation import deeplabv3 as dl
    from torchvision.models.segmentation import lraspp as lr

    torch.manual_seed(c.seed)
    if is_detection(c):
        return ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=c.classes, width_mult=c.width)
    backbone = mobilenet_v3_large(weights=None, width_mult=c.width, dilated=True)
    if c.arch == "lraspp_mobilenet_v3_large":
        return lr._lraspp_mobilenetv3(backbone, c.classes)
    model = dl._deeplabv3_mobilenetv3(backbone, c.classes, c.aux)
    if c.aspp_channels != 256:
        inplanes = model.classifier[0].convs[0][0].in_channels
        a = c.aspp_channels
        # DeepLabHead's layers (deeplabv3.py) at width `a`: ASPP, 3x3 conv + BN + ReLU, 1x1 classifier.
        model.classifier = nn.Sequential(
            dl.ASPP(inplanes, [12, 24, 36], out_channels=a),
            nn.Conv2d(a, a, 3, padding=1, bias=False),
            nn.BatchNorm2d(a),
            nn.ReLU(),
            nn.Conv2d(a, c.classes, 1),
        )
    return model


def detection_input(c: Case, seed: int, n: Optional[int] = None, size: Optional[Tuple[int, int]] = None) -> torch.Tensor:
    """Images in [0, 1] with some structure (smooth blobs + noise), so features are not pure noise."""
    gen = torch.Generator().manual_seed(seed)
    n0, h, w = c.input
    n = n or n0
    h, w = size or (h, w)
    low = torch.rand((n, 3, max(2, h // 16), max(2, w // 16)), generator=gen)
    smooth = torch.nn.functional.interpolate(low, size=(h, w), mode="bilinear", align_corners=False)
    return (SMOOTH_SHARE * smooth + (1 - SMOOTH_SHARE) * torch.rand((n, 3, h, w), generator=gen)).clamp(0, 1).half().float()


def segmentation_input(c: Case, seed: int, n: Optional[int] = None, size: Optional[Tuple[int, int]] = None) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    n0, h, w = c.input
    h, w = size or (h, w)
    return torch.randn((n or n0, 3, h, w), generator=gen).half().float()


def head_outputs(model: nn.Module, x: torch.Tensor) -> Tuple[Dict[str, torch.Tensor], List[Dict[str, torch.Tensor]]]:
    captured = {}
    handle = model.head.register_forward_hook(lambda m, i, o: captured.update(o))
    try:
        with torch.no_grad():
            detections = model(list(x))
    finally:
        handle.remove()
    return captured, detections


def rescale_predictors_(model: nn.Module, x: torch.Tensor) -> None:
    """Final 1x1 predictor convs rescaled so that logits have std ~2 and box codes std ~1."""
    for head_name, target in (("classification_head", 2.0), ("regression_head", 1.0)):
        head = getattr(model.head, head_name)
        outs = []
        hooks = [blk[1].register_forward_hook(lambda m, i, o: outs.append(o.detach())) for blk in head.module_list]
        with torch.no_grad():
            model.eval()(list(x))
        for h in hooks:
            h.remove()
        for blk, o in zip(head.module_list, outs):
            conv = blk[1]
            std = float(o.std()) + 1e-8
            with torch.no_grad():
                conv.weight.mul_(target / std)
                conv.bias.mul_(target / std)


CALIBRATION_SIZE = (96, 128)  # fixed, so that cases sharing weights build the same weights
# SSD's last extra maps are 2x2 and 1x1: with few calibration images their BatchNorm statistics come
# from a handful of values, the test image lands far outside them and float32 rounding gets
# amplified (torch float32 was 1.4e-4 from float64 with 4 images).
CALIBRATION_IMAGES = 32
SMOOTH_SHARE = 0.8  # blobs plus some noise: images with structure



def make_model(c: Case) -> nn.Module:
    model = build(c)
    gen = torch.Generator().manual_seed(c.seed * 7919 + 1)
    zero_linear = cf.randomize_(model, gen)
    if is_detection(c):
        calib = detection_input(c, c.seed * 15485863 + 3, n=CALIBRATION_IMAGES, size=CALIBRATION_SIZE)
        cf.calibrate_(model, list(calib), zero_linear)
        rescale_predictors_(model, calib)
    else:
        cf.calibrate_(model, segmentation_input(c, c.seed * 15485863 + 3, n=4, size=CALIBRATION_SIZE), zero_linear)
    cf.round_to_f16_(model)
    return model.eval()


def weights_metadata(c: Case) -> Dict[str, str]:
    meta = {
        "architecture": c.arch,
        "width": repr(c.width),
        "num_classes": str(c.classes),
        "library": "torchvision",
        "generator": GENERATOR,
        "reference": f"torchvision {torchvision.__version__}",
    }
    if not is_detection(c) and c.arch.startswith("deeplab"):
        meta["aspp_channels"] = str(c.aspp_channels)
        meta["aux"] = str(c.aux).lower()
    return meta


def run_detection(c: Case, model: nn.Module) -> Tuple[Dict[str, torch.Tensor], Dict[str, str], dict]:
    if c.score_thresh is not None:
        model.score_thresh = c.score_thresh
    x = detection_input(c, c.seed * 104729 + 7)
    head, dets = head_outputs(model, x)
    # Conditioning: torch float32 against float64 on the same (exact) weights, relative to max|output|.
    # The engine is held to 1e-4 of torch. SSD is deep (backbone, 4 extra blocks, heads: ~60 BatchNorms)
    # and its 320x320 maps are large, so rounding noise is larger than in the classifier fixtures
    # (1e-5 there): width 0.25 / seed 501 sits at 2.5e-5 and 4.6e-5, narrower widths and other seeds at
    # 6e-5..2e-4. Cases above 5e-5 are refused.
    head64, _ = head_outputs(copy.deepcopy(model).double(), x.double())
    rel64 = max(float((head[k].double() - head64[k]).abs().max() / head64[k].abs().max()) for k in head)
    if rel64 > 5e-5:
        raise RuntimeError(f"{c.case}: ill-conditioned, float32 is {rel64:.2g} (relative) from float64")
    out = {"input": x, "bbox_regression": head["bbox_regression"].contiguous(), "cls_logits": head["cls_logits"].contiguous()}
    counts = []
    for i, d in enumerate(dets):
        if len(d["boxes"]) == 0:
            raise RuntimeError(f"{c.case}: image {i} has no detections")
        out[f"boxes.{i}"] = d["boxes"].contiguous()
        out[f"scores.{i}"] = d["scores"].contiguous()
        out[f"labels.{i}"] = d["labels"].contiguous()
        counts.append(len(d["boxes"]))
    logits = head["cls_logits"]
    if float(logits.std()) < 0.5:
        raise RuntimeError(f"{c.case}: class logits are flat (std {float(logits.std()):.3g})")
    # How many boxes reach batched_nms per image (per class: above the threshold, at most topk).
    probs = torch.softmax(logits, dim=-1)[..., 1:]
    candidates = [int((probs[i] > model.score_thresh).sum(0).clamp(max=model.topk_candidates).sum()) for i in range(len(probs))]
    meta = {
        "score_thresh": repr(float(model.score_thresh)),
        "nms_thresh": repr(float(model.nms_thresh)),
        "topk_candidates": str(model.topk_candidates),
        "detections_per_img": str(model.detections_per_img),
    }
    return out, meta, {"detections": counts, "nms_candidates": candidates, "f32_rel_err": rel64, "logit_std": float(logits.std())}


def run_segmentation(c: Case, model: nn.Module) -> Tuple[Dict[str, torch.Tensor], Dict[str, str], dict]:
    x = segmentation_input(c, c.seed * 104729 + 7)
    with torch.no_grad():
        result = model(x)
        ref64 = copy.deepcopy(model).double()(x.double())["out"]
    out = result["out"]
    rel64 = float((out.double() - ref64).abs().max() / ref64.abs().max())
    if rel64 > 1e-5:
        raise RuntimeError(f"{c.case}: ill-conditioned, float32 is {rel64:.2g} from float64")
    with torch.no_grad():
        other = model(segmentation_input(c, c.seed + 99991))["out"]
    dep = float((other - out).abs().max() / out.abs().max())
    if dep < 0.1:
        raise RuntimeError(f"{c.case}: output hardly depends on the input ({dep:.2g})")
    labels = out.argmax(1)
    used = int(torch.unique(labels).numel())
    if used < 2:
        raise RuntimeError(f"{c.case}: argmax is a single class")
    tensors = {"input": x, "out": out.contiguous()}
    if c.aux:
        tensors["aux"] = result["aux"].contiguous()
    return tensors, {}, {"f32_rel_err": rel64, "input_dependence": dep, "classes_in_argmax": used}


def run_case(c: Case, models: Dict[str, nn.Module]) -> dict:
    if c.weights not in models:
        models[c.weights] = make_model(c)
    model = copy.deepcopy(models[c.weights])
    out_dir = DET_DIR if is_detection(c) else SEG_DIR
    os.makedirs(out_dir, exist_ok=True)
    wpath = os.path.join(out_dir, c.weights + ".safetensors")
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    wsize = st.save_fixture(wpath, state, weights_metadata(c))
    tensors, extra_meta, stats = run_detection(c, model) if is_detection(c) else run_segmentation(c, model)
    # Inputs were rounded through float16 before the reference ran, so F16 storage is exact.
    tensors["input"] = tensors["input"].half().contiguous()
    meta = {"case": c.case, "architecture": c.arch, "generator": GENERATOR, "seed": str(c.seed),
            "reference": f"torchvision {torchvision.__version__}", "torch": torch.__version__, **extra_meta}
    iosize = st.save_fixture(os.path.join(out_dir, c.case + ".io.safetensors"), tensors, meta)
    return {**stats, "weights_bytes": wsize, "io_bytes": iosize}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="case names to (re)generate")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    cases = CASES if not args.only else [c for c in CASES if c.case in set(args.only)]
    models: Dict[str, nn.Module] = {}
    manifest = {"det": [], "seg": []}
    for c in cases:
        stats = run_case(c, models)
        print(f"{c.case:40s} {json.dumps(stats)}", flush=True)
    for c in CASES:
        n, h, w = c.input
        entry = {"case": c.case, "weights": c.weights + ".safetensors", "io": c.case + ".io.safetensors",
                 "architecture": c.arch, "width": c.width, "num_classes": c.classes, "input_shape": [n, 3, h, w], "seed": c.seed}
        if c.score_thresh is not None:
            entry["score_thresh"] = c.score_thresh
        if c.arch.startswith("deeplab"):
            entry.update({"aspp_channels": c.aspp_channels, "aux": c.aux})
        manifest["det" if is_detection(c) else "seg"].append(entry)
    total = 0
    for key, out_dir in (("det", DET_DIR), ("seg", SEG_DIR)):
        with open(os.path.join(out_dir, "manifest.json"), "w") as f:
            json.dump({"generator": GENERATOR, "cases": manifest[key]}, f, indent=1)
            f.write("\n")
        total += fixture_files.apparent_size(out_dir)
    print(f"fixtures: {total / 1e6:.2f} MB of {BUDGET_BYTES / 1e6:.1f} MB")
    if total > BUDGET_BYTES:
        raise SystemExit("over budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
