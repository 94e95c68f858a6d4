#!/usr/bin/env python3
"""Generates the classifier reference fixtures in tests/MobileNets.Tests/Fixtures/Classifiers/.

For every case: builds the torchvision/timm model (tools/reference/mobilenet_zoo.py) at a small
width with seeded random weights, randomizes every BatchNorm (and layer-scale gammas, SE biases and
biases the library left at zero) so that no layer is an identity, expresses the BatchNorm running
statistics in units of the activations (calibrate_(), see DEVELOPERS.md), optionally rounds every
float parameter/buffer through float16, runs it in float32 eval mode on a seeded randn input and
checks the result (finite, max|logit| > 1e-3, input-dependent, float32 within 1e-5 of float64)
before writing

  inputs.safetensors     the shared seeded inputs: `batch1` F16 (1,3,256,256), `batch2` F16 (2,3,47,47);
                         a case's input is the top-left (H,W) window of `batch<N>`
  <case>.safetensors     the state_dict (F32 or F16 floats, I64 num_batches_tracked) + __metadata__
  <case>.io.safetensors  `logits` F32 (N,num_classes) of the case's input
  <case>.classify.safetensors  (CLASSIFY_CASES only) `logits` F32 of committed images through the id's
                         eval transform (torchvision's own, on PIL images)
  manifest.json          one entry per case

Files of 32 KB and more are committed deflated as `<file>.zip` (tools/reference/fixture_files.py);
the test build unpacks them.

Usage (timm is not vendored; put a timm checkout on PYTHONPATH):
  PYTHONPATH=/path/to/timm python3 tools/reference/make_classifier_fixtures.py            # all cases
  PYTHONPATH=/path/to/timm python3 tools/reference/make_classifier_fixtures.py --plan     # sizes only
  PYTHONPATH=/path/to/timm python3 tools/reference/make_classifier_fixtures.py --only mobilenet_v2
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import sys
import time
import warnings
from typing import List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import fixture_files  # noqa: E402
import mobilenet_zoo as zoo  # noqa: E402
import safetensors_io as st  # noqa: E402

GENERATOR = "tools/reference/make_classifier_fixtures.py"
OUT_DIR = os.path.join(REPO, "tests", "MobileNets.Tests", "Fixtures", "Classifiers")
IMAGING_INPUTS = os.path.join(REPO, "tests", "MobileNets.Tests", "Fixtures", "Imaging", "inputs")
BUDGET_BYTES = fixture_files.CLASSIFIER_BUDGET_BYTES  # apparent size of the folder as committed


@dataclasses.dataclass(frozen=True)
class Case:
    case: str  # file stem
    arch: str  # architecture id (mobilenet_zoo.ARCHS)
    width: float
    classes: int
    input: Tuple[int, int, int]  # (N, H, W); channels are always 3
    dtype: str  # "F32" | "F16": storage type of the floating-point weights
    seed: int


def C(arch, width, classes, input, dtype, seed, case=None, **kw):
    return Case(case or arch, arch, width, classes, input, dtype, seed, **kw)


# fmt: off
# Budget: BUDGET_BYTES for the folder. The 1280-wide heads of the timm/MNASNet models do not
# shrink with the width, so most cases use very small widths (0.01-0.25) and F16 weights; a few tiny
# models keep F32 weights so that both storage types are exercised. Inputs: 200x256 (non-square) once
# per family (torchvision V2/V3, timm V2, timm V3, timm tf_ V3), 256x256 for MobileNetV4
# hybrid-medium (MQA at a realistic token count), small odd sizes elsewhere (they exercise the
# asymmetric 'same' padding of the tf_ models), batch 2 in several cases. Seeds were chosen so that
# every case passes run_case()'s checks.
CASES: List[Case] = [
    # ---------------- issue 2: torchvision MobileNetV2 / V3 ----------------
    C("mobilenet_v2",        0.05, 10, (1, 200, 256), "F16", 101),
    C("mobilenet_v2",        0.1,  7,  (2, 31, 27),   "F16", 102, case="mobilenet_v2_w0.1"),
    C("mobilenet_v3_large",  0.1,  13, (2, 33, 47),   "F16", 103),
    C("mobilenet_v3_large",  0.075, 5, (1, 47, 33),   "F32", 104, case="mobilenet_v3_large_w0.075"),
    C("mobilenet_v3_small",  0.25, 7,  (2, 47, 33),   "F16", 105),
    # ---------------- issue 2: timm MobileNetV2 ----------------
    C("mobilenetv2_035",     0.035, 10, (1, 37, 41),   "F16", 201),
    C("mobilenetv2_050",     0.05,  7,  (1, 200, 256), "F16", 202),
    C("mobilenetv2_075",     0.075, 13, (1, 45, 45),   "F16", 203),
    C("mobilenetv2_100",     0.1,   10, (2, 31, 27),   "F16", 204),
    C("mobilenetv2_140",     0.07,  5,  (1, 33, 47),   "F16", 205),
    C("mobilenetv2_110d",    0.055, 7,  (1, 41, 37),   "F16", 206),
    C("mobilenetv2_120d",    0.03,  3,  (2, 29, 23),   "F16", 217),
    # ---------------- issue 2: timm MobileNetV3 ----------------
    C("mobilenetv3_large_075",  0.0375, 10, (1, 45, 45),   "F16", 301),
    C("mobilenetv3_large_100",  0.03,   7,  (1, 200, 256), "F16", 302),
    C("mobilenetv3_large_150d", 0.03,   13, (2, 31, 27),   "F16", 303),
    C("mobilenetv3_small_050",  0.06,    10, (1, 33, 47),   "F16", 304),
    C("mobilenetv3_small_075",  0.075,  5,  (1, 37, 41),   "F16", 1305),
    C("mobilenetv3_small_100",  0.05,   7,  (2, 29, 23),   "F16", 326),
    C("mobilenetv3_rw",         0.03,   10, (1, 41, 37),   "F16", 307),
    C("tf_mobilenetv3_large_075",         0.0375, 10, (1, 75, 61),   "F16", 401),
    C("tf_mobilenetv3_large_100",         0.02,   7,  (2, 33, 47),   "F16", 402),
    C("tf_mobilenetv3_large_minimal_100", 0.04,   13, (1, 41, 37),   "F16", 403),
    C("tf_mobilenetv3_small_075",         0.075,  5,  (1, 71, 53),   "F16", 404),
    C("tf_mobilenetv3_small_100",         0.05,   10, (1, 200, 256), "F16", 405),
    C("tf_mobilenetv3_small_minimal_100", 0.08,   7,  (2, 29, 23),   "F16", 406),
    # ---------------- issue 2: realistic widths ----------------
    # At the tiny widths above every channel count rounds to 8, which hides rounding bugs in expansion
    # and SE widths; these keep the real channel arithmetic of each library at small inputs.
    C("mobilenet_v3_large",     0.35, 5, (1, 33, 41), "F16", 111, case="mobilenet_v3_large_w0.35"),
    C("mobilenetv3_large_100",  0.25, 5, (1, 35, 29), "F16", 311, case="mobilenetv3_large_100_w0.25"),
    C("tf_mobilenetv3_small_100", 0.35, 5, (1, 37, 31), "F16", 411, case="tf_mobilenetv3_small_100_w0.35"),
    # ---------------- issue 4: timm MobileNetV1 ----------------
    C("mobilenetv1_100",     0.05,  1001, (1, 37, 41), "F16", 541),
    C("mobilenetv1_100h",    0.05,  10,   (2, 29, 23), "F16", 502),
    C("mobilenetv1_125",     0.075, 7,    (1, 45, 45), "F32", 523),
    # ---------------- issue 4: timm MobileNetV4 ----------------
    C("mobilenetv4_conv_small",        0.05, 10, (1, 45, 45),   "F16", 601),
    C("mobilenetv4_conv_small_035",    0.035, 7, (1, 37, 41),   "F16", 602),
    C("mobilenetv4_conv_small_050",    0.02, 13, (2, 33, 47),   "F16", 603),
    C("mobilenetv4_conv_medium",       0.02, 10, (1, 45, 45),   "F16", 604),
    C("mobilenetv4_conv_blur_medium",  0.01, 7,  (1, 45, 45),   "F16", 605),
    C("mobilenetv4_conv_aa_medium",    0.02, 5,  (1, 41, 37),   "F16", 1606),
    C("mobilenetv4_conv_large",        0.01, 10, (1, 33, 47),   "F16", 637),
    C("mobilenetv4_conv_aa_large",     0.02, 7,  (1, 45, 45),   "F16", 608),
    C("mobilenetv4_hybrid_medium",     0.03, 10, (1, 256, 256), "F16", 619),
    C("mobilenetv4_hybrid_medium_075", 0.01, 13, (2, 33, 47),   "F16", 1610),
    C("mobilenetv4_hybrid_large",      0.01, 7,  (1, 65, 65),   "F16", 611),
    C("mobilenetv4_hybrid_large_075",  0.01, 10, (1, 65, 65),   "F16", 612),
    # ---------------- issue 4: MNASNet (timm + torchvision) ----------------
    C("mnasnet_050",         0.05,  10, (1, 45, 45), "F16", 701),
    C("mnasnet_075",         0.075, 7,  (2, 29, 23), "F16", 702),
    C("mnasnet_100",         0.03,  13, (1, 41, 37), "F16", 703),
    C("mnasnet_140",         0.07,  5,  (1, 33, 47), "F16", 704),
    C("mnasnet_small",       0.1,   10, (1, 65, 65), "F16", 705),
    C("semnasnet_050",       0.05,  7,  (1, 37, 41), "F16", 1706),
    C("semnasnet_075",       0.075, 10, (2, 31, 27), "F16", 707),
    C("semnasnet_100",       0.04,  13, (1, 71, 53), "F16", 708),
    C("semnasnet_140",       0.035, 5,  (1, 33, 47), "F16", 709),
    C("mnasnet0_5",          0.05,  10, (2, 29, 23), "F16", 801),
    C("mnasnet0_75",         0.075, 7,  (1, 45, 45), "F16", 802),
    C("mnasnet1_0",          0.04,  13, (1, 47, 33), "F16", 803),
    C("mnasnet1_3",          0.065,  5,  (1, 41, 37), "F16", 804),
]
# fmt: on


def randomize_(model: torch.nn.Module, gen: torch.Generator, gamma_range=(0.5, 1.5)) -> list:
    """Makes every normalization/scale/bias non-trivial (in place). BatchNorm running statistics are
    drawn as N(0, 0.2) / U(0.5, 2.0) here; calibrate_() rescales them to the activations.
    Returns the Linear layers whose bias the library had left at zero."""
    se_names = ("SqueezeExcite", "SqueezeExcitation")
    with torch.no_grad():
        for mod_name, m in model.named_modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                n = m.num_features
                if m.weight is not None:
                    m.weight.copy_(torch.rand(n, generator=gen) + 0.5)  # U(0.5, 1.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(n, generator=gen) * 0.2)  # N(0, 0.2)
                if m.running_mean is not None:
                    m.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)  # N(0, 0.2)
                    m.running_var.copy_(torch.rand(n, generator=gen) * 1.5 + 0.5)  # U(0.5, 2.0)
            if type(m).__name__ in se_names:
                for sub in m.modules():
                    b = getattr(sub, "bias", None)
                    if isinstance(sub, (torch.nn.Conv2d, torch.nn.Linear)) and b is not None:
                        b.copy_(torch.randn(b.shape, generator=gen) * 0.1)  # N(0, 0.1)
        lo, hi = gamma_range
        for name, p in model.named_parameters():
            if name.endswith("gamma") or ".layer_scale." in name:  # timm LayerScale2d
                p.copy_(torch.rand(p.shape, generator=gen) * (hi - lo) + lo)
        # Biases the library initialises to exactly zero (timm zero-inits every conv/linear bias) would
        # hide a dropped bias in the engine: draw them from N(0, 0.1) too.
        # Linear ones are rescaled to their layer's output scale by calibrate_().
        zero_linear = []
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and m.bias is not None:
                if torch.count_nonzero(m.bias) == 0:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
                    if isinstance(m, torch.nn.Linear):
                        zero_linear.append(m)
    return zero_linear


def calibrate_(model: torch.nn.Module, x: torch.Tensor, zero_linear=()) -> int:
    """Expresses the random BatchNorm statistics in units of the activations each BN actually sees.

    With raw N(0, 0.2) / U(0.5, 2.0) statistics nothing normalizes the activations: the
    input-dependent part of the signal shrinks block after block (x1e-3..1e-6 at the logits), so
    a fixture would pass an engine that ignores its input. Here one eval pass over `x` records,
    in execution order, each BN's per-channel input mean m and variance v (computed with every
    earlier BN already calibrated), and the BN's drawn statistics r_mean ~ N(0, 0.2),
    r_var ~ U(0.5, 2.0) become running_mean = m + sqrt(v) * r_mean, running_var = v * r_var.
    Likewise the N(0, 0.1) bias drawn for a zero-initialised Linear becomes N(0, 0.2) times the
    standard deviation of that layer's output (torchvision's N(0, 0.01) Linear weights would
    otherwise be swamped by the bias). Returns the number of layers calibrated."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    lins = {id(m) for m in zero_linear}
    done = set()

    def bn_hook(mod, inp):
        if id(mod) in done:
            return
        t = inp[0].detach().double()
        dims = [d for d in range(t.dim()) if d != 1]
        mean = t.mean(dim=dims)
        var = t.var(dim=dims, unbiased=False)
        # Nearly constant channels (sigma << |mean|, or far below the layer's typical sigma) would make
        # the BN amplify float32 rounding (x - mean cancels): keep sigma >= 0.1 |mean| and
        # >= 0.1 of the layer's rms sigma, which bounds that gain to ~10.
        var = torch.maximum(var, (0.1 * mean) ** 2)
        var = torch.clamp(var, min=1e-2 * float(var.mean()) + 1e-8)
        mod.running_mean.copy_((mean + var.sqrt() * mod.running_mean.double()).to(mod.running_mean.dtype))
        mod.running_var.copy_((var * mod.running_var.double()).to(mod.running_var.dtype))
        done.add(id(mod))

    def lin_hook(mod, inp):
        if id(mod) in done:
            return
        out = torch.nn.functional.linear(inp[0].detach().double(), mod.weight.double())
        scale = float(out.std()) + 1e-8
        mod.bias.copy_((mod.bias.double() / 0.1 * 0.2 * scale).to(mod.bias.dtype))
        done.add(id(mod))

    handles = [m.register_forward_pre_hook(bn_hook) for m in bns]
    handles += [m.register_forward_pre_hook(lin_hook) for m in zero_linear]
    try:
        with torch.no_grad():
            model.eval()(x)
    finally:
        for h in handles:
            h.remove()
    if len(done) != len(bns) + len(lins):
        raise RuntimeError(f"{len(bns) + len(lins) - len(done)} layer(s) were not reached by the calibration pass")
    return len(done)


def round_to_f16_(model: torch.nn.Module) -> None:
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.copy_(t.half().float())


def build_case(c: Case) -> torch.nn.Module:
    torch.manual_seed(c.seed)
    model = zoo.build(c.arch, c.width, c.classes)
    gen = torch.Generator().manual_seed(c.seed * 7919 + 1)
    zero_linear = randomize_(model, gen)
    calibrate_(model, calibration_input(c), zero_linear)
    if c.dtype == "F16":
        round_to_f16_(model)
    return model.eval()


def calibration_input(c: Case) -> torch.Tensor:
    """A batch distinct from the test input (other seed, 4 images, at least 64x64)."""
    gen = torch.Generator().manual_seed(c.seed * 15485863 + 3)
    _, h, w = c.input
    return torch.randn((4, 3, max(h, 64), max(w, 64)), generator=gen)


# Every case reads its input from one shared seeded randn batch per batch size (its top-left
# window), stored once as F16: one copy per case would take a sixth of the budget. The values are
# rounded through float16 before any reference runs, so the stored inputs are exact.
INPUTS_FILE = "inputs.safetensors"
SHARED_INPUTS = {1: (256, 256), 2: (47, 47)}  # batch size -> (H, W) of the shared batch
INPUT_SEED = 104729


def input_tensor_name(n: int) -> str:
    return f"batch{n}"


def shared_inputs() -> dict:
    out = {}
    for n, (h, w) in SHARED_INPUTS.items():
        gen = torch.Generator().manual_seed(INPUT_SEED + n)
        out[input_tensor_name(n)] = torch.randn((n, 3, h, w), generator=gen).half()
    return out


def make_input(c: Case, inputs: dict) -> torch.Tensor:
    n, h, w = c.input
    return inputs[input_tensor_name(n)][:, :, :h, :w].float().contiguous()


def weights_metadata(c: Case) -> dict:
    arch = zoo.ARCHS[c.arch]
    return {
        "architecture": c.arch,
        "width": zoo.width_str(c.width),
        "num_classes": str(c.classes),
        "library": arch.library,
        "generator": GENERATOR,
        "reference": zoo.reference_string(arch.library),
    }


def state_tensors(model: torch.nn.Module, dtype: str) -> dict:
    out = {}
    for k, v in model.state_dict().items():
        v = v.detach().clone()
        if v.is_floating_point():
            v = v.to(torch.float16 if dtype == "F16" else torch.float32)
        out[k] = v
    return out


def estimate_bytes(c: Case, model: torch.nn.Module) -> Tuple[int, int]:
    wbytes = 0
    for v in model.state_dict().values():
        wbytes += v.numel() * (2 if (v.is_floating_point() and c.dtype == "F16") else v.element_size())
    n, h, w = c.input
    return wbytes, 4 * n * c.classes


def run_case(c: Case, out_dir: str, inputs: dict, verify: bool = True) -> dict:
    model = build_case(c)
    x = make_input(c, inputs)
    with torch.no_grad():
        logits = model(x).float()
    if tuple(logits.shape) != (c.input[0], c.classes):
        raise RuntimeError(f"{c.case}: logits shape {tuple(logits.shape)}")
    if not torch.isfinite(logits).all():
        raise RuntimeError(f"{c.case}: non-finite logits")
    mx = logits.abs().max().item()
    # Conditioning: how far float32 torch is from a float64 run of the same (exact) weights, relative
    # to max|logit|. The engine is held to 1e-4; a case needs to sit well below that to be fair.
    with torch.no_grad():
        ref64 = copy.deepcopy(model).double()(x.double())
    rel64 = ((logits.double() - ref64).abs().max() / ref64.abs().max()).item()
    # Input dependence: logits for an unrelated input must differ clearly, or the fixture would pass
    # an engine that gets the early layers wrong.
    with torch.no_grad():
        other = model(torch.randn(x.shape, generator=torch.Generator().manual_seed(c.seed + 99991)))
    dep = ((other - logits).abs().max() / logits.abs().max()).item()
    if dep < 0.1:
        raise RuntimeError(f"{c.case}: logits hardly depend on the input ({dep:.2g}); change seed or width")
    if rel64 > 1e-5:
        raise RuntimeError(f"{c.case}: ill-conditioned, float32 is {rel64:.2g} (relative) from float64")
    if mx <= 1e-3:
        raise RuntimeError(f"{c.case}: logits collapsed (max|logit| = {mx:g}); change seed or width")
    wpath = os.path.join(out_dir, c.case + ".safetensors")
    iopath = os.path.join(out_dir, c.case + ".io.safetensors")
    tensors = state_tensors(model, c.dtype)
    wsize = st.save_fixture(wpath, tensors, weights_metadata(c))
    io_meta = {
        "case": c.case,
        "architecture": c.arch,
        "generator": GENERATOR,
        "reference": zoo.reference_string(zoo.ARCHS[c.arch].library),
        "seed": str(c.seed),
        "torch": torch.__version__,
        "input": f"{INPUTS_FILE}:{input_tensor_name(c.input[0])}[:, :, :{c.input[1]}, :{c.input[2]}]",
    }
    iosize = st.save_fixture(iopath, {"logits": logits.contiguous()}, io_meta)
    if verify:
        # The file must be exact: a fresh model loaded from it reproduces the logits bit for bit.
        loaded, meta = st.load(wpath)
        fresh = zoo.build(c.arch, float(meta["width"]), int(meta["num_classes"]))
        sd = fresh.state_dict()  # keeps the per-module `_metadata` (torchvision MNASNet checks its version)
        for k, v in loaded.items():
            sd[k] = v.float() if v.is_floating_point() else v
        fresh.load_state_dict(sd, strict=True)
        if set(sd) != set(loaded):
            raise RuntimeError(f"{c.case}: file tensors differ from the state_dict keys")
        io, _ = st.load(iopath)
        stored, _ = st.load(os.path.join(out_dir, INPUTS_FILE))
        with torch.no_grad():
            again = fresh.eval()(make_input(c, stored))
        if not torch.equal(again, io["logits"]):
            d = (again - io["logits"]).abs().max().item()
            raise RuntimeError(f"{c.case}: reloaded weights do not reproduce the logits (max diff {d:g})")
    return {"max_abs_logit": mx, "f32_rel_err": rel64, "input_dependence": dep, "weights_bytes": wsize, "io_bytes": iosize,
            "logit_std": logits.std().item()}


# Issue 3: `ImageClassifier.Classify` returns softmax(reference logits) of the same preprocessed
# input. For these cases the reference preprocesses committed images itself: PIL decodes them and
# torchvision's own preset class runs the transform the library uses for a torchvision id whose file
# names none (issue 3: Resize(256, bilinear, antialias), CenterCrop(224), Normalize(ImageNet), what
# the IMAGENET1K_V1 weights were evaluated with); the fixture model then gives the logits. Lossless
# images, so decoding is not a source of difference.
CLASSIFY_CASES = {"mobilenet_v3_large": ("png_rgb8.png", "bmp_24.bmp")}


def classify_file(case: str) -> str:
    return case + ".classify.safetensors"


def eval_transform(arch: str):
    a = zoo.ARCHS[arch]
    if a.library != "torchvision":
        raise NotImplementedError(f"{arch}: only torchvision eval transforms are wired up here")
    from torchvision.transforms._presets import ImageClassification
    return ImageClassification(crop_size=224, resize_size=256)


def run_classify(c: Case, out_dir: str) -> dict:
    from PIL import Image
    images = CLASSIFY_CASES[c.case]
    transform = eval_transform(c.arch)
    batch = torch.stack([transform(Image.open(os.path.join(IMAGING_INPUTS, name)).convert("RGB")) for name in images])
    with torch.no_grad():
        logits = build_case(c)(batch).float()
    meta = {
        "case": c.case,
        "architecture": c.arch,
        "generator": GENERATOR,
        "reference": zoo.reference_string(zoo.ARCHS[c.arch].library),
        "images": ",".join(images),  # in tests/MobileNets.Tests/Fixtures/Imaging/inputs
        "transform": " ".join(repr(transform).split()),
    }
    size = st.save_fixture(os.path.join(out_dir, classify_file(c.case)), {"logits": logits.contiguous()}, meta)
    return {"classify_bytes": size, "max_abs_logit": logits.abs().max().item()}


def manifest_entry(c: Case) -> dict:
    arch = zoo.ARCHS[c.arch]
    n, h, w = c.input
    return {
        "case": c.case,
        "weights": c.case + ".safetensors",
        "io": c.case + ".io.safetensors",
        "architecture": c.arch,
        "width": c.width,
        "num_classes": c.classes,
        "library": arch.library,
        "input_shape": [n, 3, h, w],
        "input_file": INPUTS_FILE,
        "input_tensor": input_tensor_name(n),
        "family": arch.family,
        "dtype": c.dtype,
        "seed": c.seed,
        **({"classify": classify_file(c.case), "classify_images": list(CLASSIFY_CASES[c.case])} if c.case in CLASSIFY_CASES else {}),
    }


def check_cases() -> None:
    names = [c.case for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit(f"duplicate case names: {sorted(dup)}")
    missing = [a for a in zoo.ARCHS if a not in {c.arch for c in CASES}]
    if missing:
        raise SystemExit(f"architecture ids without a case: {missing}")
    for c in CASES:
        if c.arch not in zoo.ARCHS:
            raise SystemExit(f"{c.case}: unknown architecture {c.arch}")
        n, h, w = c.input
        if n not in SHARED_INPUTS or h > SHARED_INPUTS[n][0] or w > SHARED_INPUTS[n][1]:
            raise SystemExit(f"{c.case}: input {c.input} is not a window of a shared input {SHARED_INPUTS}")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=OUT_DIR)
    ap.add_argument("--only", nargs="*", help="case names to (re)generate; the manifest always lists every case")
    ap.add_argument("--plan", action="store_true", help="print the estimated file sizes and exit")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--issue", type=int, nargs="*", help="only the cases of these tracking issues (2, 4)")
    ap.add_argument("--keep-going", action="store_true", help="report failing cases and continue")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    check_cases()
    cases = CASES if not args.only else [c for c in CASES if c.case in set(args.only)]
    if args.issue:
        cases = [c for c in cases if zoo.ARCHS[c.arch].issue in args.issue]
    if args.only and len(cases) != len(set(args.only)):
        raise SystemExit(f"unknown cases: {sorted(set(args.only) - {c.case for c in CASES})}")

    if args.plan:
        tot = 0
        for c in cases:
            m = zoo.build(c.arch, c.width, c.classes)
            wb, iob = estimate_bytes(c, m)
            # + headers (~8 KB) + filesystem block slack
            tot += wb + iob
            params = sum(p.numel() for p in m.parameters())
            print(f"{c.case:36s} w={c.width:<6} n={c.classes:<5} in={c.input!s:15s} {c.dtype} "
                  f"params={params/1e3:7.1f}k weights={wb/1024:7.1f}KiB io={iob/1024:6.1f}KiB", flush=True)
        print(f"total ~{tot/1e6:.2f} MB (+ headers) before deflating; the budget, {BUDGET_BYTES/1e6:.0f} MB, "
              "applies to the folder as committed")
        return 0

    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    failed = []
    inputs = shared_inputs()
    st.save_fixture(os.path.join(args.out, INPUTS_FILE), inputs, {"generator": GENERATOR, "seed": str(INPUT_SEED)})
    for c in cases:
        try:
            r = run_case(c, args.out, inputs, verify=not args.no_verify)
            if c.case in CLASSIFY_CASES:
                r.update(run_classify(c, args.out))
        except RuntimeError as e:
            if not args.keep_going:
                raise
            print(f"FAILED {e}", flush=True)
            failed.append(c.case)
            continue
        print(f"{c.case:36s} w={c.width:<6} n={c.classes:<5} in={str(c.input):15s} {c.dtype} "
              f"weights={r['weights_bytes']/1024:7.1f}KiB io={r['io_bytes']/1024:6.1f}KiB "
              f"max|logit|={r['max_abs_logit']:.4g} std={r['logit_std']:.4g} f32-vs-f64={r['f32_rel_err']:.2e} input-dep={r['input_dependence']:.2g}", flush=True)
    # manifest: every case whose files are on disk, in CASES order, with max|logit| read back
    entries = []
    for c in CASES:
        e = manifest_entry(c)
        iopath = os.path.join(args.out, e["io"])
        if not (fixture_files.exists(iopath) and fixture_files.exists(os.path.join(args.out, e["weights"]))):
            print(f"note: {c.case} has no files in {args.out}; not in the manifest", file=sys.stderr)
            continue
        io, _ = st.load(iopath)
        e["max_abs_logit"] = float(io["logits"].abs().max())
        entries.append(e)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        f.write("[\n" + ",\n".join("  " + json.dumps(e) for e in entries) + "\n]\n")
    # stale files from renamed/removed cases
    keep = {e[k] for e in entries for k in ("weights", "io", "classify") if k in e} | {INPUTS_FILE, "manifest.json"}
    for fn in sorted(fixture_files.names(args.out) - keep):
        print(f"warning: {fn} is not produced by any case", file=sys.stderr)
    total = fixture_files.apparent_size(args.out)  # what `du -sb` reports
    print(f"{len(cases)} case(s) in {time.time()-t0:.1f}s; folder holds {total/1e6:.2f} MB "
          f"(budget {BUDGET_BYTES/1e6:.0f} MB)")
    if failed:
        print(f"ERROR: {len(failed)} case(s) failed: {' '.join(failed)}", file=sys.stderr)
        return 1
    if total > BUDGET_BYTES:
        print("ERROR: over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
