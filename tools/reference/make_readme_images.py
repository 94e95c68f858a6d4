#!/usr/bin/python3
"""The README's pictures, from ../shared/data beside the checkout and a Release build of src/MobileNets.Cli:

- docs/images/deeplab_bird_reference_mask.png: the shared PASCAL VOC reference mask in the VOC palette,
  shown next to our overlay;
- docs/images/deeplab_bird_overlay.png: `mobilenets segment bird_segmentation.bmp --model deeplabv3_mnv2_pascal_quant.tflite --out ...`;
- docs/images/classify_hot_dog.png: `mobilenets classify hot_dog.png --model mobilenet_v2_1.0_224_quant.tflite --top 3 --out ...`;
- docs/images/detect_pets_random_weights.png: `mobilenets detect pets.png --model <the detection tests'
  random-weight SSDLite fixture> --threshold 1 --out ...`.

The classification and detection photos are scaled to 320 px wide first (PIL, Lanczos) so the PNGs
stay small. Prints each command's output for the README.
"""
import os, subprocess, tempfile
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, '..', 'shared', 'data')
IMAGES = os.path.join(ROOT, 'docs', 'images')
CLI = ['dotnet', os.path.join(ROOT, 'src', 'MobileNets.Cli', 'bin', 'Release', 'net10.0', 'mobilenets.dll')]


def voc_palette():
    # The standard PASCAL VOC color map (bit-interleaved class index).
    pal = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j); g |= ((c >> 1) & 1) << (7 - j); b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal += [r, g, b]
    return pal


def run(args, cwd):
    """Runs the CLI in cwd (so the image's path prints as its bare name) and returns its output."""
    r = subprocess.run(CLI + args, cwd=cwd, capture_output=True, text=True, check=True)
    return r.stdout


def scaled(photo, folder, width=320):
    """The shared photo scaled to `width` pixels wide, as NAME.png in folder; returns NAME.png."""
    image = Image.open(os.path.join(SHARED, 'images', photo)).convert('RGB')
    height = round(image.height * width / image.width)
    name = os.path.splitext(photo)[0] + '.png'
    image.resize((width, height), Image.LANCZOS).save(os.path.join(folder, name))
    return name


mask = Image.open(os.path.join(SHARED, 'images', 'bird_segmentation_mask.bmp'))
indexed = Image.frombytes('P', mask.size, bytes(mask.convert('L').tobytes()))
indexed.putpalette(voc_palette())
indexed.convert('RGB').save(os.path.join(IMAGES, 'deeplab_bird_reference_mask.png'))

tflite = os.path.join(SHARED, 'tflite')
with tempfile.TemporaryDirectory() as tmp:
    print(run(['segment', os.path.join(SHARED, 'images', 'bird_segmentation.bmp'), '--model', os.path.join(tflite, 'deeplabv3_mnv2_pascal_quant.tflite'),
               '--out', os.path.join(IMAGES, 'deeplab_bird_overlay.png')], tmp))
    print(run(['classify', scaled('hot_dog.jpg', tmp), '--model', os.path.join(tflite, 'mobilenet_v2_1.0_224_quant.tflite'), '--top', '3',
               '--out', os.path.join(IMAGES, 'classify_hot_dog.png')], tmp))
    fixture = os.path.join(ROOT, 'tests', 'MobileNets.Detection.Tests', 'Fixtures', 'ssdlite320_mobilenet_v3_large.safetensors')
    print(run(['detect', scaled('pets.jpg', tmp), '--model', fixture, '--threshold', '1',
               '--out', os.path.join(IMAGES, 'detect_pets_random_weights.png')], tmp))
