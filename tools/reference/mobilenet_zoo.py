"""Architecture registry shared by the reference tooling.

Every architecture id the C# library supports is listed here once, with the torchvision or timm
call that builds it at an arbitrary width (channel multiplier) and class count. The fixture
generator (tools/reference/make_classifier_fixtures.py), the weight converter (models/convert.py)
and the model-card generator (models/make_cards.py) all build models through `build()`, so the
three agree on what an id means.

timm ids are built through timm's own generator functions (`_gen_mobilenet_v3`, `_gen_mobilenet_v4`,
`_gen_mobilenet_v2`, `_gen_mobilenet_v1`, `_gen_mnasnet_*`) with exactly the flags the id's
`@register_model` function passes (depth multiplier, fix_stem_head, head_conv, aa_layer, and for
the tf_ ids bn_eps=1e-3 / pad_type='same'); only the channel multiplier is overridden.

timm is not vendored: put a timm source checkout on PYTHONPATH (see DEVELOPERS.md).
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Optional

TIMM_COMMIT = "aa4b5850c1543fa488abf260f18390eda46cf85d"
TIMM_BN_EPS_TF = 1e-3  # timm.models._efficientnet_builder.BN_EPS_TF_DEFAULT


@dataclasses.dataclass(frozen=True)
class Arch:
    id: str
    family: str  # MobileNetV1 | MobileNetV2 | MobileNetV3 | MobileNetV4 | MNASNet
    library: str  # torchvision | timm
    default_width: float
    # (width, num_classes) -> torch.nn.Module, randomly initialised with the library's default init
    builder: Callable
    issue: int  # tracking issue the id belongs to (2 = core V2/V3, 4 = V1/V4/MNASNet)
    # for torchvision: the torchvision.models function name
    tv_fn: Optional[str] = None


def _timm_v3(variant: str, tf: bool = False, **flags):
    def b(width, num_classes):
        from timm.models import mobilenetv3 as m3
        kw = dict(flags)
        if tf:
            kw.update(bn_eps=TIMM_BN_EPS_TF, pad_type="same")
        return m3._gen_mobilenet_v3(variant, width, num_classes=num_classes, **kw)
    return b


def _timm_v3_rw(variant: str):
    def b(width, num_classes):
        from timm.models import mobilenetv3 as m3
        return m3._gen_mobilenet_v3_rw(variant, width, bn_eps=TIMM_BN_EPS_TF, num_classes=num_classes)
    return b


def _timm_v4(variant: str, **flags):
    def b(width, num_classes):
        from timm.models import mobilenetv3 as m3
        return m3._gen_mobilenet_v4(variant, width, num_classes=num_classes, **flags)
    return b


def _timm_v2(variant: str, **flags):
    def b(width, num_classes):
        from timm.models import efficientnet as ef
        return ef._gen_mobilenet_v2(variant, width, num_classes=num_classes, **flags)
    return b


def _timm_v1(variant: str, **flags):
    def b(width, num_classes):
        from timm.models import efficientnet as ef
        return ef._gen_mobilenet_v1(variant, width, num_classes=num_classes, **flags)
    return b


def _timm_mnas(gen: str, variant: str):
    def b(width, num_classes):
        from timm.models import efficientnet as ef
        return getattr(ef, gen)(variant, width, num_classes=num_classes)
    return b


def _tv(fn: str, kind: str):
    def b(width, num_classes):
        import torchvision
        if kind == "v2":
            return torchvision.models.mobilenet_v2(width_mult=width, num_classes=num_classes)
        if kind == "v3":
            return getattr(torchvision.models, fn)(width_mult=width, num_classes=num_classes)
        if kind == "mnasnet":
            # torchvision's mnasnetX_Y(**kw) is MNASNet(alpha=X.Y, **kw)
            return torchvision.models.MNASNet(width, num_classes=num_classes)
        raise ValueError(kind)
    return b


def _registry() -> Dict[str, Arch]:
    a = []
    T = "torchvision"
    M = "timm"
    # ---- issue 2: MobileNetV2 / MobileNetV3 ----
    a.append(Arch("mobilenet_v2", "MobileNetV2", T, 1.0, _tv("mobilenet_v2", "v2"), 2, "mobilenet_v2"))
    a.append(Arch("mobilenet_v3_large", "MobileNetV3", T, 1.0, _tv("mobilenet_v3_large", "v3"), 2, "mobilenet_v3_large"))
    a.append(Arch("mobilenet_v3_small", "MobileNetV3", T, 1.0, _tv("mobilenet_v3_small", "v3"), 2, "mobilenet_v3_small"))
    for v, w in [("mobilenetv2_035", 0.35), ("mobilenetv2_050", 0.5), ("mobilenetv2_075", 0.75),
                 ("mobilenetv2_100", 1.0), ("mobilenetv2_140", 1.4)]:
        a.append(Arch(v, "MobileNetV2", M, w, _timm_v2(v), 2))
    a.append(Arch("mobilenetv2_110d", "MobileNetV2", M, 1.1,
                  _timm_v2("mobilenetv2_110d", depth_multiplier=1.2, fix_stem_head=True), 2))
    a.append(Arch("mobilenetv2_120d", "MobileNetV2", M, 1.2,
                  _timm_v2("mobilenetv2_120d", depth_multiplier=1.4, fix_stem_head=True), 2))
    for v, w in [("mobilenetv3_large_075", 0.75), ("mobilenetv3_large_100", 1.0)]:
        a.append(Arch(v, "MobileNetV3", M, w, _timm_v3(v), 2))
    a.append(Arch("mobilenetv3_large_150d", "MobileNetV3", M, 1.5, _timm_v3("mobilenetv3_large_150d", depth_multiplier=1.2), 2))
    for v, w in [("mobilenetv3_small_050", 0.5), ("mobilenetv3_small_075", 0.75), ("mobilenetv3_small_100", 1.0)]:
        a.append(Arch(v, "MobileNetV3", M, w, _timm_v3(v), 2))
    a.append(Arch("mobilenetv3_rw", "MobileNetV3", M, 1.0, _timm_v3_rw("mobilenetv3_rw"), 2))
    for v, w in [("tf_mobilenetv3_large_075", 0.75), ("tf_mobilenetv3_large_100", 1.0),
                 ("tf_mobilenetv3_large_minimal_100", 1.0), ("tf_mobilenetv3_small_075", 0.75),
                 ("tf_mobilenetv3_small_100", 1.0), ("tf_mobilenetv3_small_minimal_100", 1.0)]:
        a.append(Arch(v, "MobileNetV3", M, w, _timm_v3(v, tf=True), 2))
    # ---- issue 4: MobileNetV1 / MobileNetV4 / MNASNet ----
    a.append(Arch("mobilenetv1_100", "MobileNetV1", M, 1.0, _timm_v1("mobilenetv1_100"), 4))
    a.append(Arch("mobilenetv1_100h", "MobileNetV1", M, 1.0, _timm_v1("mobilenetv1_100h", head_conv=True), 4))
    a.append(Arch("mobilenetv1_125", "MobileNetV1", M, 1.25, _timm_v1("mobilenetv1_125"), 4))
    for v, w, flags in [
        ("mobilenetv4_conv_small", 1.0, {}),
        ("mobilenetv4_conv_small_035", 0.35, {}),
        ("mobilenetv4_conv_small_050", 0.5, {}),
        ("mobilenetv4_conv_medium", 1.0, {}),
        ("mobilenetv4_conv_large", 1.0, {}),
        ("mobilenetv4_conv_blur_medium", 1.0, {"aa_layer": "blurpc"}),
        ("mobilenetv4_conv_aa_medium", 1.0, {"aa_layer": "avg"}),
        ("mobilenetv4_conv_aa_large", 1.0, {"aa_layer": "avg"}),
        ("mobilenetv4_hybrid_medium", 1.0, {}),
        ("mobilenetv4_hybrid_medium_075", 0.75, {}),
        ("mobilenetv4_hybrid_large", 1.0, {}),
        ("mobilenetv4_hybrid_large_075", 0.75, {}),
    ]:
        a.append(Arch(v, "MobileNetV4", M, w, _timm_v4(v, **flags), 4))
    for v, w in [("mnasnet_050", 0.5), ("mnasnet_075", 0.75), ("mnasnet_100", 1.0), ("mnasnet_140", 1.4)]:
        a.append(Arch(v, "MNASNet", M, w, _timm_mnas("_gen_mnasnet_b1", v), 4))
    a.append(Arch("mnasnet_small", "MNASNet", M, 1.0, _timm_mnas("_gen_mnasnet_small", "mnasnet_small"), 4))
    for v, w in [("semnasnet_050", 0.5), ("semnasnet_075", 0.75), ("semnasnet_100", 1.0), ("semnasnet_140", 1.4)]:
        a.append(Arch(v, "MNASNet", M, w, _timm_mnas("_gen_mnasnet_a1", v), 4))
    for v, w in [("mnasnet0_5", 0.5), ("mnasnet0_75", 0.75), ("mnasnet1_0", 1.0), ("mnasnet1_3", 1.3)]:
        a.append(Arch(v, "MNASNet", T, w, _tv(v, "mnasnet"), 4, v))
    return {x.id: x for x in a}


ARCHS: Dict[str, Arch] = _registry()


def build(arch_id: str, width: Optional[float] = None, num_classes: int = 1000):
    """Builds `arch_id` at `width` (default: the id's own width) with random weights, in eval mode."""
    arch = ARCHS[arch_id]
    w = arch.default_width if width is None else float(width)
    model = arch.builder(w, num_classes)
    return model.eval()


def width_str(w: float) -> str:
    """Width as written in metadata: shortest round-tripping decimal, e.g. 0.5, 1.0, 0.35."""
    return repr(float(w))


def reference_string(library: str) -> str:
    if library == "torchvision":
        import torchvision
        import re
        return "torchvision " + re.match(r"\d+\.\d+(\.\d+)?", torchvision.__version__).group(0)
    return "timm " + TIMM_COMMIT[:7]
