#!/usr/bin/python3
"""docs/images/deeplab_bird_reference_mask.png: the shared PASCAL VOC reference mask in the VOC palette,
shown in the README next to our overlay (made by `mobilenets segment ... --out docs/images/deeplab_bird_overlay.png`)."""
import os
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


mask = Image.open(os.path.join(ROOT, '..', 'shared', 'data', 'images', 'bird_segmentation_mask.bmp'))
indexed = Image.frombytes('P', mask.size, bytes(mask.convert('L').tobytes()))
indexed.putpalette(voc_palette())
indexed.convert('RGB').save(os.path.join(ROOT, 'docs', 'images', 'deeplab_bird_reference_mask.png'))
