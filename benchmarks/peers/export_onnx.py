#!/usr/bin/python3
"""Exports each benchmarked architecture to ONNX (random weights: speed does not depend on them).

usage: PYTHONPATH=/path/to/timm /usr/bin/python3 benchmarks/peers/export_onnx.py OUTDIR [ARCH...]
"""
import os, sys, warnings
import torch
import torchvision

warnings.filterwarnings('ignore')
DEFAULT = ['mobilenet_v3_large', 'mobilenet_v3_small', 'mobilenetv4_conv_small', 'mobilenet_v2',
           'mobilenetv1_100', 'mobilenetv4_hybrid_medium']


def build(arch):
    if hasattr(torchvision.models, arch):
        return getattr(torchvision.models, arch)()
    import timm
    return timm.create_model(arch)


def main():
    out = sys.argv[1]
    archs = sys.argv[2:] or DEFAULT
    os.makedirs(out, exist_ok=True)
    for arch in archs:
        path = os.path.join(out, f'{arch}.onnx')
        if os.path.exists(path):
            continue
        model = build(arch).eval()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=17,
                          input_names=['input'], output_names=['logits'])
        print('exported', path)


if __name__ == '__main__':
    main()
