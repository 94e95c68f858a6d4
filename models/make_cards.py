#!/usr/bin/env python3
"""Writes the model cards: models/README.md (table) and models/cards.json (same numbers, for tests).
README.md ends with the options left out, copied from models/notes-v1v4.md (edit them there).

  PYTHONPATH=/path/to/timm python3 models/make_cards.py [--check]

For every architecture id (tools/reference/mobilenet_zoo.py) at its default width with 1000 classes:
  params   sum(p.numel() for p in model.parameters()) (BatchNorm running statistics excluded);
           checked against the library's own builder (timm.create_model / torchvision.models.*),
           and against torchvision's weights.meta["num_params"].
  MACs     one forward pass at the default input size, batch 1, counted with forward hooks:
             Conv2d  out_elements * (in_channels / groups) * kh * kw
             Linear  out_elements * in_features
             MQA     (timm MultiQueryAttention2d, MobileNetV4 hybrids) the two attention matmuls:
                     heads * Nq * Nk * (key_dim + value_dim), with Nq / Nk the query / key-value
                     token counts (after the query / kv strides); the q/k/v/output projections
                     are 1x1 Conv2d and counted as such.
             BlurPool2d (mobilenetv4_conv_blur_medium) its fixed 3x3 depthwise filter, as a conv.
           Not counted: BatchNorm, activations, pooling (incl. the avg-pool anti-aliasing), softmax,
           residual adds, SE gating multiplies, bias adds.
  input    torchvision: the crop size of the DEFAULT weights; timm: input_size of the id's default
           pretrained cfg (what timm.create_model(id) reports).
  weights  torchvision: the weights enum members and their URLs (torchvision's source);
           timm: every published pretrained tag in timm's default_cfgs with its Hugging Face hub
           repository (and legacy URL when the cfg has one); ids whose only cfg is `untrained`
           have no published weights.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tools", "reference"))

import torch  # noqa: E402

import mobilenet_zoo as zoo  # noqa: E402

README = os.path.join(HERE, "README.md")
CARDS = os.path.join(HERE, "cards.json")
NOTES = os.path.join(HERE, "notes-v1v4.md")
LEFT_OUT_HEADING = "## Options timm defines that no registered id uses (left out)"


def count_macs(model: torch.nn.Module, input_size) -> dict:
    counts = {"conv": 0, "linear": 0, "attention": 0, "blurpool": 0}
    handles = []
    mqa_shapes = {}

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        counts["conv"] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m, inp, out):
        counts["linear"] += out.numel() * m.in_features

    def blur_hook(m, inp, out):
        counts["blurpool"] += out.numel() * m.filt_size * m.filt_size

    for m in model.modules():
        name = type(m).__name__
        if isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
        elif name == "BlurPool2d":
            handles.append(m.register_forward_hook(blur_hook))
        elif name == "MultiQueryAttention2d":
            def rec(key, owner):
                def h(_m, _i, out):
                    mqa_shapes[(id(owner), key)] = out.shape
                return h

            def attn_hook(mod, inp, out):
                q = mqa_shapes[(id(mod), "q")]  # (B, heads*key_dim, Hq, Wq)
                k = mqa_shapes[(id(mod), "k")]  # (B, key_dim, Hk, Wk)
                nq = q[0] * q[2] * q[3]
                nk = k[2] * k[3]
                counts["attention"] += mod.num_heads * nq * nk * (mod.key_dim + mod.value_dim)

            handles.append(m.query.register_forward_hook(rec("q", m)))
            handles.append(m.key.register_forward_hook(rec("k", m)))
            handles.append(m.register_forward_hook(attn_hook))
    try:
        with torch.no_grad():
            model.eval()(torch.zeros((1,) + tuple(input_size)))
    finally:
        for h in handles:
            h.remove()
    counts["total"] = sum(counts.values())
    return counts


def tv_info(arch):
    from torchvision.models import get_model_weights
    enum = get_model_weights(arch.tv_fn)
    default = enum.DEFAULT
    crop = list(default.transforms().crop_size)
    weights = []
    for w in enum:
        t = w.transforms()
        weights.append({
            "name": f"{enum.__name__}.{w.name}",
            "default": w == default,
            "url": w.url,
            "acc@1": w.meta.get("_metrics", {}).get("ImageNet-1K", {}).get("acc@1"),
            "resize": list(t.resize_size), "crop": list(t.crop_size),
            "num_params": w.meta["num_params"],
        })
    return (3, crop[0], crop[-1]), weights


def timm_info(arch_id):
    from timm.models import get_pretrained_cfg, list_pretrained
    cfg = get_pretrained_cfg(arch_id)
    weights = []
    for name in list_pretrained(arch_id + ".*"):
        if name.split(".", 1)[0] != arch_id:
            continue
        c = get_pretrained_cfg(name)
        weights.append({
            "name": name,
            "default": c.tag == cfg.tag,
            "hf_hub_id": c.hf_hub_id,
            "url": f"https://huggingface.co/{c.hf_hub_id}" if c.hf_hub_id else c.url,
            "legacy_url": c.url or None,
            "num_classes": c.num_classes,
            "input_size": list(c.input_size),
            "crop_pct": c.crop_pct,
            "interpolation": c.interpolation,
        })
    return tuple(cfg.input_size), cfg.tag, weights


def library_builder(arch):
    if arch.library == "timm":
        import timm
        return timm.create_model(arch.id)
    import torchvision
    return getattr(torchvision.models, arch.tv_fn)()


def make_cards(verbose=True):
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    cards = []
    for arch_id, arch in zoo.ARCHS.items():
        torch.manual_seed(0)
        model = zoo.build(arch_id, None, 1000)
        params = sum(p.numel() for p in model.parameters())
        lib = library_builder(arch)
        lib_params = sum(p.numel() for p in lib.parameters())
        shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        lib_shapes = {k: tuple(v.shape) for k, v in lib.state_dict().items()}
        if params != lib_params or shapes != lib_shapes:
            raise SystemExit(f"{arch_id}: zoo builder disagrees with the library ({params} vs {lib_params})")
        default_tag = None
        if arch.library == "torchvision":
            input_size, weights = tv_info(arch)
            for w in weights:
                if w["num_params"] != params:
                    raise SystemExit(f"{arch_id}: {params} params, torchvision meta says {w['num_params']}")
        else:
            input_size, default_tag, weights = timm_info(arch_id)
        macs = count_macs(model, input_size)
        card = {
            "id": arch_id,
            "family": arch.family,
            "library": arch.library,
            "issue": arch.issue,
            "default_width": arch.default_width,
            "params": params,
            "macs": macs["total"],
            "macs_breakdown": {k: v for k, v in macs.items() if k != "total"},
            "input_size": list(input_size),
            "default_pretrained_tag": default_tag,
            "weights": weights,
        }
        cards.append(card)
        if verbose:
            print(f"{arch_id:34s} {params:>10,d} params {macs['total'] / 1e6:9.1f} MMACs @ {input_size[1]}x{input_size[2]}"
                  f"  ({len(weights)} published weights)", flush=True)
    return cards


def fmt_weights(card):
    if not card["weights"]:
        return "none published (timm cfg `untrained`)"
    out = []
    for w in card["weights"]:
        d = " (default)" if w["default"] and len(card["weights"]) > 1 else ""
        if card["library"] == "torchvision":
            out.append(f"[`{w['name']}`]({w['url']}){d}")
        else:
            out.append(f"[`{w['name']}`]({w['url']}){d}")
    return "<br>".join(out)


def left_out_section() -> list:
    """The notes' section on the timm options the library leaves out, for the model card: written
    once in notes-v1v4.md, copied here so the card says what is missing (issue 4)."""
    with open(NOTES) as f:
        lines = f.read().split("\n")
    start = lines.index(LEFT_OUT_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = lines[start:end]
    while body and not body[-1].strip():
        body.pop()
    return [
        "## Left out",
        "",
        "Options that timm's MobileNetV1 / MobileNetV4 / MnasNet definitions (and torchvision's MNASNet",
        "loader) carry but that no supported id uses are not implemented, among them Mobile MQA's",
        "query downsampling (`query_strides`). The list below is copied from",
        "[notes-v1v4.md](notes-v1v4.md), which also describes the numerics.",
        *body,
        "",
    ]


def render(cards) -> str:
    lines = [
        "# Model cards",
        "",
        "Every architecture id the library supports, at the id's default width with 1000 classes.",
        "Generated by `models/make_cards.py` (do not edit by hand); the same numbers are in",
        "[`cards.json`](cards.json). Reference versions: torchvision "
        + zoo.reference_string("torchvision").split()[1] + f", timm commit `{zoo.TIMM_COMMIT}`.",
        "",
        "- **Params**: `sum(p.numel() for p in model.parameters())` (BatchNorm running statistics not",
        "  included); identical to `timm.create_model(id)` / `torchvision.models.<id>()` and, for",
        "  torchvision, to the weights' `meta[\"num_params\"]`.",
        "- **MACs**: multiply-accumulates of one image at the default input size, counted with forward",
        "  hooks: Conv2d = out_elements x (in_channels / groups) x kh x kw; Linear = out_elements x",
        "  in_features; for the MobileNetV4 hybrids the two attention matmuls of every",
        "  `MultiQueryAttention2d` block, heads x Nq x Nk x (key_dim + value_dim) (Nq, Nk = query and",
        "  key/value token counts after their strides; the q/k/v/output projections are 1x1 convs and",
        "  counted as convs; the *attn* column shows the matmul share); the fixed 3x3 BlurPool filter of",
        "  `mobilenetv4_conv_blur_medium` counted as a depthwise conv. BatchNorm, activations, pooling,",
        "  softmax, residual adds, SE gating and bias adds are not counted.",
        "- **Input**: torchvision: crop size of the DEFAULT weights; timm: `input_size` of the id's",
        "  default pretrained cfg (the first tag listed for it in timm's `default_cfgs`).",
        "- **Published weights**: torchvision weights enum members with their download URLs;",
        "  timm pretrained tags (`<id>.<tag>`, load with `timm.create_model(\"<id>.<tag>\", pretrained=True)`)",
        "  on the Hugging Face hub. `models/convert.py --arch <id> --pretrained <ENUM or tag>` converts",
        "  them (offline: download the file and pass `--weights-file` too).",
        "",
        "| id | family | library | width | params | MACs | attn MACs | input | published weights |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for c in cards:
        attn = c["macs_breakdown"]["attention"]
        lines.append(
            f"| `{c['id']}` | {c['family']} | {c['library']} | {zoo.width_str(c['default_width'])} | {c['params']:,} | "
            f"{c['macs'] / 1e6:,.1f} M | {(f'{attn / 1e6:,.1f} M' if attn else '')} | "
            f"{c['input_size'][1]}x{c['input_size'][2]} | {fmt_weights(c)} |")
    lines.append("")
    lines += left_out_section()
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if README.md / cards.json are out of date")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    cards = make_cards()
    doc = {"generator": "models/make_cards.py", "torchvision": zoo.reference_string("torchvision").split()[1],
           "timm_commit": zoo.TIMM_COMMIT, "cards": cards}
    cards_text = json.dumps(doc, indent=1) + "\n"
    readme_text = render(cards)
    if args.check:
        ok = open(CARDS).read() == cards_text and open(README).read() == readme_text
        print("up to date" if ok else "OUT OF DATE: run models/make_cards.py")
        return 0 if ok else 1
    with open(CARDS, "w") as f:
        f.write(cards_text)
    with open(README, "w") as f:
        f.write(readme_text)
    print(f"wrote {README} and {CARDS} ({len(cards)} ids)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
