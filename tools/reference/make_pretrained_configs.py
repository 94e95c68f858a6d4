#!/usr/bin/python3
"""Embedded data for the core library, generated from the reference libraries (regenerate, never hand-edit):

- src/MobileNets/Resources/imagenet1k_labels.txt: the 1000 ImageNet-1k class names in model output order
  (timm's imagenet_synsets.txt order, names from imagenet_synset_to_lemma.txt, e.g. "tabby, tabby cat").
- src/MobileNets/Resources/timm_pretrained.json: for every timm architecture id, the evaluation config of its
  default pretrained tag (timm pretrained_cfg: input_size, crop_pct, interpolation, mean, std, num_classes, tag).

usage: PYTHONPATH=/path/to/pytorch-image-models /usr/bin/python3 tools/reference/make_pretrained_configs.py
"""
import json, os, sys
import timm
from timm.models import get_pretrained_cfg
from timm.models._registry import _model_default_cfgs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'src', 'MobileNets', 'Resources')
INFO = os.path.join(os.path.dirname(timm.__file__), 'data', '_info')

IDS = """mobilenetv2_035 mobilenetv2_050 mobilenetv2_075 mobilenetv2_100 mobilenetv2_140 mobilenetv2_110d mobilenetv2_120d
mobilenetv3_large_075 mobilenetv3_large_100 mobilenetv3_large_150d mobilenetv3_small_050 mobilenetv3_small_075 mobilenetv3_small_100
mobilenetv3_rw tf_mobilenetv3_large_075 tf_mobilenetv3_large_100 tf_mobilenetv3_large_minimal_100 tf_mobilenetv3_small_075
tf_mobilenetv3_small_100 tf_mobilenetv3_small_minimal_100
mobilenetv1_100 mobilenetv1_100h mobilenetv1_125
mobilenetv4_conv_small mobilenetv4_conv_small_035 mobilenetv4_conv_small_050 mobilenetv4_conv_medium mobilenetv4_conv_large
mobilenetv4_conv_blur_medium mobilenetv4_conv_aa_medium mobilenetv4_conv_aa_large
mobilenetv4_hybrid_medium mobilenetv4_hybrid_medium_075 mobilenetv4_hybrid_large mobilenetv4_hybrid_large_075
mnasnet_050 mnasnet_075 mnasnet_100 mnasnet_140 mnasnet_small semnasnet_050 semnasnet_075 semnasnet_100 semnasnet_140""".split()


def describe(cfg):
    c = cfg.to_dict()
    return {
        'input_size': list(c['input_size']),
        'crop_pct': c['crop_pct'],
        'crop_mode': c.get('crop_mode', 'center'),
        'interpolation': c['interpolation'],
        'mean': list(c['mean']),
        'std': list(c['std']),
        'num_classes': c['num_classes'],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    synsets = [l.strip() for l in open(os.path.join(INFO, 'imagenet_synsets.txt')) if l.strip()]
    lemma = dict(l.rstrip('\n').split('\t', 1) for l in open(os.path.join(INFO, 'imagenet_synset_to_lemma.txt')))
    with open(os.path.join(OUT, 'imagenet1k_labels.txt'), 'w') as f:
        for s in synsets:
            f.write(lemma[s] + '\n')
    cfgs = {}
    for arch in IDS:
        # The default tag is the first one registered for the architecture (what timm.create_model(arch, pretrained=True) loads).
        default_cfgs = _model_default_cfgs.get(arch)
        tag = f'{arch}.{default_cfgs.tags[0]}' if default_cfgs and default_cfgs.tags and default_cfgs.tags[0] else arch
        cfg = get_pretrained_cfg(tag)
        if cfg is None:
            print('no pretrained cfg for', arch, file=sys.stderr)
            continue
        entry = describe(cfg)
        entry['tag'] = tag
        # Every published tag too, so weights that name their tag get that tag's transform.
        entry['tags'] = {t: describe(get_pretrained_cfg(t)) for t in timm.list_pretrained(arch + '.*') if t.split('.')[0] == arch}
        cfgs[arch] = entry
    with open(os.path.join(OUT, 'timm_pretrained.json'), 'w') as f:
        json.dump(cfgs, f, indent=1, sort_keys=True)
    print(len(synsets), 'labels;', len(cfgs), 'timm configs')


if __name__ == '__main__':
    main()
