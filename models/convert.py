#!/usr/bin/env python3
"""Converts torchvision / timm MobileNet weights to a safetensors file the C# library loads.

  python3 models/convert.py --arch mobilenet_v3_large --pretrained IMAGENET1K_V2 --output mnv3l.safetensors
  python3 models/convert.py --arch mobilenetv4_conv_small --pretrained e2400_r224_in1k --output mnv4s.safetensors
  python3 models/convert.py --arch mnasnet1_0 --weights-file mnasnet1.0_top1_73.512-f206786ef8.pth --output m.safetensors
  python3 models/convert.py --arch mobilenetv3_small_100 --random --output random.safetensors   # no weights: testing

Weights come from (first that applies):
  --weights-file F   a local state_dict (.pth/.pt/.bin via torch.load, or .safetensors); checkpoints that
                     wrap it under 'state_dict' / 'model' / 'state_dict_ema' and 'module.' prefixes work.
                     Use this offline: download the file named in models/README.md yourself.
  --pretrained TAG   torchvision: a weights enum member (IMAGENET1K_V1, IMAGENET1K_V2, DEFAULT);
                     timm: a pretrained tag (e.g. ra_in1k, e2400_r224_in1k). Downloads through
                     torchvision / timm (needs the network). Combined with --weights-file, TAG only
                     selects the labels and preprocessing written to the metadata.
  --random           the library's random initialisation (for testing the converter offline).

Output `__metadata__` (all values are strings, as safetensors requires):
  architecture, width, num_classes, library, labels (JSON list, when known), preprocessing (JSON:
  resize_shorter, crop_height, crop_width, interpolation, mean, std), source, generator, reference.
Preprocessing comes from torchvision's weights transforms (resize_size, crop_size, interpolation,
mean, std) or timm's pretrained_cfg (input_size, crop_pct, interpolation, mean, std, with
resize_shorter = floor(input_size / crop_pct) as timm's eval transform computes it). Without
--pretrained the id's default weights (torchvision's DEFAULT enum, timm's default tag) describe it.

timm is not vendored: put a timm checkout on PYTHONPATH (see DEVELOPERS.md).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import sys
import warnings
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tools", "reference"))

import torch  # noqa: E402

import mobilenet_zoo as zoo  # noqa: E402
import safetensors_io as st  # noqa: E402

GENERATOR = "models/convert.py"


# ----------------------------------------------------------------------------- torchvision
def tv_weights_enum(arch_id: str):
    from torchvision.models import get_model_weights
    return get_model_weights(zoo.ARCHS[arch_id].tv_fn)


def tv_weights(arch_id: str, tag: Optional[str]):
    enum = tv_weights_enum(arch_id)
    name = tag or "DEFAULT"
    try:
        return enum[name] if name != "DEFAULT" else enum.DEFAULT
    except KeyError:
        raise SystemExit(f"{arch_id}: no torchvision weights {name!r}; choose from "
                         f"{', '.join(w.name for w in enum)} or DEFAULT")


def _interp_name(mode) -> str:
    s = str(getattr(mode, "value", mode)).lower()
    for k in ("bilinear", "bicubic", "nearest"):
        if k in s:
            return k
    raise ValueError(f"unsupported interpolation {mode!r}")


def tv_preprocessing(w) -> dict:
    t = w.transforms()
    crop = list(t.crop_size)
    resize = list(t.resize_size)
    ch, cw = (crop[0], crop[0]) if len(crop) == 1 else (crop[0], crop[1])
    if len(resize) != 1:
        raise ValueError(f"expected a shorter-side resize, got {resize}")
    return {
        "resize_shorter": int(resize[0]),
        "crop_height": int(ch),
        "crop_width": int(cw),
        "interpolation": _interp_name(t.interpolation),
        "mean": [float(v) for v in t.mean],
        "std": [float(v) for v in t.std],
    }


# ----------------------------------------------------------------------------- timm
def timm_cfg(arch_id: str, tag: Optional[str]):
    from timm.models import get_pretrained_cfg
    name = arch_id if not tag else f"{arch_id}.{tag}"
    cfg = get_pretrained_cfg(name)
    if cfg is None or (tag and cfg.tag != tag):
        from timm.models import list_pretrained
        avail = [n.split(".", 1)[1] for n in list_pretrained(arch_id) if n.split(".", 1)[0] == arch_id]
        raise SystemExit(f"{arch_id}: no timm pretrained cfg {tag!r}; published tags: {', '.join(avail) or 'none'}")
    return cfg


def timm_preprocessing(cfg) -> dict:
    _, h, w = cfg.input_size
    crop_pct = cfg.crop_pct
    if cfg.crop_mode not in (None, "center"):
        raise ValueError(f"crop_mode {cfg.crop_mode!r} is not a center crop")
    if h != w:
        raise ValueError("non-square timm input_size")  # none of the supported ids
    return {
        "resize_shorter": int(math.floor(h / crop_pct)),  # timm.data.transforms_factory.transforms_imagenet_eval
        "crop_height": int(h),
        "crop_width": int(w),
        "interpolation": _interp_name(cfg.interpolation),
        "mean": [float(v) for v in cfg.mean],
        "std": [float(v) for v in cfg.std],
    }


def timm_labels(cfg, num_classes: int) -> Optional[List[str]]:
    if cfg.label_descriptions:
        labels = list(cfg.label_descriptions.values()) if isinstance(cfg.label_descriptions, dict) \
            else list(cfg.label_descriptions)
        return labels if len(labels) == num_classes else None
    from timm.data import ImageNetInfo, infer_imagenet_subset
    subset = infer_imagenet_subset(cfg)
    if not subset:
        return None
    try:
        info = ImageNetInfo(subset)
    except Exception:  # subset without label files in this timm checkout
        return None
    labels = list(info.label_descriptions())
    return labels if len(labels) == num_classes else None


# ----------------------------------------------------------------------------- weights
def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    if path.endswith(".safetensors"):
        sd, _ = st.load(path)
        return sd
    obj = torch.load(path, map_location="cpu")
    for key in ("state_dict_ema", "model_ema", "state_dict", "model"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: not a state_dict")
    out = collections.OrderedDict()
    for k, v in obj.items():
        if not torch.is_tensor(v):
            continue
        out[k[7:] if k.startswith("module.") else k] = v
    if hasattr(obj, "_metadata"):
        out._metadata = obj._metadata  # torchvision MNASNet checks its layout version here
    return out


def classifier_key(model: torch.nn.Module) -> str:
    last = None
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.Linear):
            last = name
    if last is None:
        raise RuntimeError("no Linear classifier found")
    return last + ".weight"


def load_into(model: torch.nn.Module, sd: Dict[str, torch.Tensor]) -> None:
    target = model.state_dict()
    missing = set(target) - set(sd)
    unexpected = set(sd) - set(target)
    if missing or unexpected:
        raise SystemExit(f"state_dict does not match the architecture: missing {sorted(missing)[:8]}, "
                         f"unexpected {sorted(unexpected)[:8]}")
    for k, v in sd.items():
        if tuple(v.shape) != tuple(target[k].shape):
            raise SystemExit(f"{k}: shape {tuple(v.shape)} in the file, {tuple(target[k].shape)} in the model "
                             f"(wrong --arch or --width?)")
        target[k] = v.to(target[k].dtype)
    if hasattr(sd, "_metadata"):
        target._metadata = sd._metadata
    model.load_state_dict(target, strict=True)


# ----------------------------------------------------------------------------- main
def convert(arch_id: str, width: Optional[float], weights_file: Optional[str], pretrained: Optional[str],
            random_init: bool, num_classes: Optional[int], dtype: str) -> Tuple[Dict[str, torch.Tensor], dict]:
    if arch_id not in zoo.ARCHS:
        raise SystemExit(f"unknown --arch {arch_id!r}; one of: {', '.join(zoo.ARCHS)}")
    arch = zoo.ARCHS[arch_id]
    w = arch.default_width if width is None else float(width)
    if bool(weights_file) + bool(random_init) > 1 or not (weights_file or random_init or pretrained):
        raise SystemExit("give one weight source: --weights-file F, --pretrained TAG or --random "
                         "(--pretrained TAG next to the other two only picks labels and preprocessing)")
    if pretrained and not math.isclose(w, arch.default_width):
        raise SystemExit(f"published {arch_id} weights exist only at width {arch.default_width}")

    # labels / preprocessing / class count of the published weights that describe this file
    if arch.library == "torchvision":
        wenum = tv_weights(arch_id, pretrained)
        prep = tv_preprocessing(wenum)
        cfg_classes = len(wenum.meta["categories"])
        cfg_labels = list(wenum.meta["categories"])
        source = f"torchvision {wenum.__class__.__name__}.{wenum.name} {wenum.url}"
    else:
        cfg = timm_cfg(arch_id, pretrained)
        prep = timm_preprocessing(cfg)
        cfg_classes = cfg.num_classes
        cfg_labels = timm_labels(cfg, cfg.num_classes)
        hub = f"hf-hub:{cfg.hf_hub_id}" if cfg.hf_hub_id else (cfg.url or "")
        source = f"timm {arch_id}.{cfg.tag} {hub}".strip()

    if weights_file:
        sd = read_state_dict(weights_file)
        ckey = classifier_key(zoo.build(arch_id, w, 1000))
        if num_classes:
            n = num_classes
        elif ckey in sd:
            n = int(sd[ckey].shape[0])  # the file's own class count
        else:
            n = 1000
        model = zoo.build(arch_id, w, n)
        load_into(model, sd)
        source = f"file {os.path.basename(weights_file)}" + (f" (as {source})" if pretrained else "")
    elif pretrained and not random_init:
        try:
            if arch.library == "torchvision":
                import torchvision
                model = getattr(torchvision.models, arch.tv_fn)(weights=wenum)
            else:
                import timm
                model = timm.create_model(f"{arch_id}.{cfg.tag}", pretrained=True)
        except Exception as e:  # offline, missing huggingface_hub, ...
            raise SystemExit(f"downloading {source} failed ({type(e).__name__}: {e}).\n"
                             f"Fetch the file yourself and run with --weights-file FILE --pretrained {pretrained}")
        n = cfg_classes
    else:
        n = num_classes or (cfg_classes if pretrained else 1000)
        model = zoo.build(arch_id, w, n)
        source = "random initialisation (no pretrained weights)" + (f" (as {source})" if pretrained else "")

    tensors = collections.OrderedDict()
    for k, v in model.state_dict().items():
        v = v.detach().cpu().contiguous()
        if v.is_floating_point():
            v = v.to(torch.float16 if dtype == "f16" else torch.float32)
        tensors[k] = v

    meta = {
        "architecture": arch_id,
        "width": zoo.width_str(w),
        "num_classes": str(n),
        "library": arch.library,
        "preprocessing": json.dumps(prep, separators=(",", ":")),
        "source": source,
        "generator": GENERATOR,
        "reference": zoo.reference_string(arch.library),
    }
    labels = cfg_labels if (cfg_labels and len(cfg_labels) == n) else None
    if labels:
        meta["labels"] = json.dumps(labels, separators=(",", ":"), ensure_ascii=False)
    return tensors, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", required=True, help="architecture id (see models/README.md)")
    ap.add_argument("--width", type=float, help="channel multiplier (default: the id's own)")
    ap.add_argument("--weights-file", help="local state_dict (.pth/.pt/.bin/.safetensors)")
    ap.add_argument("--pretrained", metavar="TAG", help="torchvision weights enum name or timm pretrained tag")
    ap.add_argument("--random", action="store_true", help="random weights (testing)")
    ap.add_argument("--num-classes", type=int, help="with --random, or to override the file's class count")
    ap.add_argument("--dtype", choices=("f32", "f16"), default="f32")
    ap.add_argument("--output", required=True)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    tensors, meta = convert(args.arch, args.width, args.weights_file, args.pretrained, args.random,
                            args.num_classes, args.dtype)
    size = st.save(args.output, tensors, meta)
    nparams = sum(t.numel() for k, t in tensors.items() if not k.endswith("num_batches_tracked"))
    print(f"{args.output}: {meta['architecture']} width {meta['width']}, {meta['num_classes']} classes, "
          f"{len(tensors)} tensors ({nparams} values), {size} bytes; labels: "
          f"{'yes' if 'labels' in meta else 'no'}; preprocessing {meta['preprocessing']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
