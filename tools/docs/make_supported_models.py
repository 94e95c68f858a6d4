#!/usr/bin/python3
"""Writes the README's supported-models table (between the `supported-models:begin` and
`supported-models:end` markers) from what our own code computes, through the `mobilenets` CLI:

- ids: `mobilenets models --json` (every architecture `--arch` accepts, every name `pull` accepts);
- params and MACs: `mobilenets info --arch ID --json` for classifiers (default width, 1000 classes,
  default input size; tests/MobileNets.Tests/Architectures/ModelCardTests.cs holds these to
  torchvision's and timm's own counts), `mobilenets info --model FILE --json` for detection and
  segmentation (on full-size torchvision 0.14 models with random weights, built here with torch; only
  the shapes matter) and for the quantized TFLite files in ../shared/data/tflite;
- weights source: the pull catalog, else the published weights listed in models/cards.json;
- parity: `mobilenets infer` on every reference fixture in tests/*/Fixtures (and on
  ../shared/data/tflite-reference), compared here with the reference outputs stored there.

Needs a Release build of src/MobileNets.Cli and /usr/bin/python3 with numpy, torch, torchvision and
PIL (see DEVELOPERS.md). Prints the table; with --write replaces it in README.md.

usage: /usr/bin/python3 tools/docs/make_supported_models.py [--write]
"""
import argparse, json, os, struct, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = ['dotnet', os.path.join(ROOT, 'src', 'MobileNets.Cli', 'bin', 'Release', 'net10.0', 'mobilenets.dll')]
SHARED = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data'))
BEGIN, END = '<!-- supported-models:begin -->', '<!-- supported-models:end -->'
DTYPES = {'F32': np.float32, 'F16': np.float16, 'U8': np.uint8, 'I8': np.int8, 'I32': np.int32, 'I64': np.int64}


def cli(*args):
    r = subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0: raise RuntimeError(f'mobilenets {" ".join(map(str, args))}: {r.stderr.strip()}')
    return r.stdout


def cli_json(*args): return json.loads(cli(*args, '--json'))


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]; header = json.loads(f.read(n)); data = f.read()
    return {k: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=DTYPES[v['dtype']]).reshape(v['shape'])
            for k, v in header.items() if k != '__metadata__'}, header.get('__metadata__', {})


def infer(model, io_path, tmp):
    out = os.path.join(tmp, 'out.safetensors')
    cli('infer', '--model', model, '--input', io_path, '--output', out)
    return read_safetensors(out)[0]


def relative_error(ours, ref):
    ours, ref = np.asarray(ours, np.float64), np.asarray(ref, np.float64)
    return float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))


def fixture_cases(folder):
    with open(os.path.join(folder, 'manifest.json')) as f: manifest = json.load(f)
    return manifest['cases'] if isinstance(manifest, dict) else manifest


def float_parity(tmp):
    """{architecture id: (max relative error over its cases, case count, reference)} from the fixtures."""
    parity = {}
    def add(arch, err, ref):
        e, n, _ = parity.get(arch, (0.0, 0, ref)); parity[arch] = (max(e, err), n + 1, ref)
    folder = os.path.join(ROOT, 'tests', 'MobileNets.Tests', 'Fixtures', 'Classifiers')
    for c in fixture_cases(folder):
        io, _ = read_safetensors(os.path.join(folder, c['io']))
        out = infer(os.path.join(folder, c['weights']), os.path.join(folder, c['io']), tmp)
        _, meta = read_safetensors(os.path.join(folder, c['weights']))
        add(c['architecture'], relative_error(out['logits'], io['logits']), meta.get('reference', c['library']))
    for project, outputs in (('MobileNets.Detection.Tests', ('bbox_regression', 'cls_logits')), ('MobileNets.Segmentation.Tests', ('out', 'aux'))):
        folder = os.path.join(ROOT, 'tests', project, 'Fixtures')
        for c in fixture_cases(folder):
            io, _ = read_safetensors(os.path.join(folder, c['io']))
            out = infer(os.path.join(folder, c['weights']), os.path.join(folder, c['io']), tmp)
            err = max(relative_error(out[k], io[k]) for k in outputs if k in io)
            add(c['architecture'], err, 'torchvision 0.14.1')
    return parity


def torchvision_weights(arch, tmp):
    """A full-size torchvision model of a detection/segmentation id with random weights, as safetensors."""
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'reference'))
    import torchvision, safetensors_io
    builders = {
        'ssdlite320_mobilenet_v3_large': lambda: torchvision.models.detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None),
        'lraspp_mobilenet_v3_large': lambda: torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None),
        'deeplabv3_mobilenet_v3_large': lambda: torchvision.models.segmentation.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=True),
    }
    path = os.path.join(tmp, f'{arch}.safetensors')
    safetensors_io.save(path, builders[arch]().state_dict(), {'architecture': arch})
    return path


def tflite_parity(name, tmp):
    """What the shared TFLite references say about one quantized model, or None without them."""
    model = os.path.join(SHARED, 'tflite', f'{name}.tflite')
    if name.startswith('deeplab'):
        fixture = os.path.join(ROOT, 'tests', 'MobileNets.Tests', 'Fixtures', 'TfLite', 'deeplab_bird.safetensors')
        image = os.path.join(SHARED, 'images', 'bird_segmentation.bmp')
        if not (os.path.exists(model) and os.path.exists(image)): return None
        from PIL import Image
        pixels = np.asarray(Image.open(image).convert('RGB'), np.uint8)
        io = os.path.join(tmp, 'bird.safetensors')
        sys.path.insert(0, os.path.join(ROOT, 'tools', 'reference'))
        import torch, safetensors_io
        safetensors_io.save(io, {'input': torch.from_numpy(pixels[None].copy())})
        classes = infer(model, io, tmp)['output'].reshape(-1)
        tflite = read_safetensors(fixture)[0]['classes'].reshape(-1)
        mask = np.asarray(Image.open(os.path.join(SHARED, 'images', 'bird_segmentation_mask.bmp')).convert('L'), np.int64).reshape(-1)
        equal = int(np.sum(classes == mask))
        agreement = equal / (2 * mask.size - equal)
        same = int(np.sum(classes == tflite))
        return (f'class map equal to TFLite\'s on {same:,} of {tflite.size:,} pixels (`bird_segmentation.bmp`); '
                f'{agreement:.3f} agreement with the VOC mask')
    refs = sorted(f for f in os.listdir(os.path.join(SHARED, 'tflite-reference')) if f.startswith(name + '__')) \
        if os.path.isdir(os.path.join(SHARED, 'tflite-reference')) else []
    if not (os.path.exists(model) and refs): return None
    exact = 0
    for f in refs:
        path = os.path.join(SHARED, 'tflite-reference', f)
        exact += int(np.array_equal(infer(model, path, tmp)['output'], read_safetensors(path)[0]['output']))
    return f'output bytes equal to TFLite\'s on {exact} of {len(refs)} photos'


def millions(n): return f'{n / 1e6:,.2f} M'


def scientific(x): return f'{x:.1e}'.replace('e-0', 'e-')


def weights_source(arch, catalog, cards):
    names = [e for e in catalog if e['architecture'] == arch and not e['url'].endswith('.tflite')]
    if names:
        tags = ', '.join(f"`{e['name'].split('.', 1)[1] if '.' in e['name'] else e['name']}`" for e in names)
        return f'pull: {tags}'
    card = cards.get(arch)
    published = card['weights'] if card else []
    if published:
        tags = ', '.join(f"`{w['name'].split('.', 1)[1]}`" for w in published)
        return f'{card["library"]}: {tags} (not in the catalog: download, load with `--arch`)'
    return 'none published'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--write', action='store_true', help='replace the table in README.md')
    args = ap.parse_args()
    listing = cli_json('models')
    catalog = listing['published']
    with open(os.path.join(ROOT, 'models', 'cards.json')) as f: cards = {c['id']: c for c in json.load(f)['cards']}
    extra = {
        'ssdlite320_mobilenet_v3_large': 'torchvision: `SSDLite320_MobileNet_V3_Large_Weights.COCO_V1`',
        'lraspp_mobilenet_v3_large': 'torchvision: `LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1`',
        'deeplabv3_mobilenet_v3_large': 'torchvision: `DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1`',
    }
    rows = ['| id | task | params | MACs (input) | weights source | parity (tested against) |', '| --- | --- | ---: | ---: | --- | --- |']
    with tempfile.TemporaryDirectory() as tmp:
        parity = float_parity(tmp)
        for a in listing['architectures']:
            arch = a['id']
            info = cli_json('info', '--arch', arch) if a['task'] == 'classification' else cli_json('info', '--model', torchvision_weights(arch, tmp))
            if arch in parity:
                err, n, ref = parity[arch]
                what = 'head outputs ' if a['task'] == 'detection' else ''
                status = f'{what}{scientific(err)} ({n} fixture{"s" if n > 1 else ""}, {ref})'
            else:
                status = 'not tested'
            source = extra[arch] + ' (.pth, not in the catalog)' if arch in extra else weights_source(arch, catalog, cards)
            rows.append(f"| `{arch}` | {a['task']} | {millions(info['parameters'])} | {info['macs'] / 1e6:,.1f} M ({info['input_size']}) | {source} | {status} |")
        for e in catalog:
            if not e['url'].endswith('.tflite'): continue
            path = os.path.join(SHARED, 'tflite', e['name'] + '.tflite')
            status = tflite_parity(e['name'], tmp)
            task = 'segmentation' if e['name'].startswith('deeplab') else 'classification'
            source = f"pull: `{e['name']}` (TF hosted models, {'SHA-256 pinned' if e['sha256_pinned'] else 'trust on first use'})"
            if os.path.exists(path):
                info = cli_json('info', '--model', path)
                scheme = info['weights'].split(', ', 1)[1].replace(' weights', '')
                rows.append(f"| `{e['name']}` | {task}, {scheme} | {millions(info['parameters'])} | {info['macs'] / 1e6:,.1f} M ({info['input_size']}) | {source} | "
                            f"{status or 'not tested'} |")
            else:
                rows.append(f"| `{e['name']}` | {task}, TFLite | - | - | {source} | not tested: no copy offline |")
    table = '\n'.join(rows)
    if not args.write:
        print(table); return
    readme = os.path.join(ROOT, 'README.md')
    with open(readme) as f: text = f.read()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    with open(readme, 'w') as f: f.write(text[:start] + '\n' + table + '\n' + text[end:])


if __name__ == '__main__':
    main()
