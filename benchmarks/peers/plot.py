#!/usr/bin/python3
"""Bar chart of a compare.sh run (ours/ORT latency ratio per architecture and thread count) as a PNG.

usage: /usr/bin/python3 benchmarks/peers/plot.py compare-output.txt docs/images/benchmark.png
"""
import sys
from PIL import Image, ImageDraw

rows, header = [], ''
for line in open(sys.argv[1]):
    parts = line.split()
    if line.startswith('date:'):
        header = line.strip()
    elif len(parts) == 5 and parts[1] in ('1', '2'):
        rows.append((parts[0], int(parts[1]), float(parts[2]), float(parts[3]), float(parts[4])))

W, bar, gap, left, top = 900, 14, 10, 230, 50
H = top + len(rows) * (bar + 4) + (len(rows) // 2) * gap + 60
img = Image.new('RGB', (W, H), 'white')
d = ImageDraw.Draw(img)
d.text((10, 10), 'MobileNets / ONNX Runtime latency ratio (batch 1, 224x224; < 1 is faster)', fill='black')
d.text((10, 26), header, fill='gray')
scale = (W - left - 80) / max(2.0, max(r[4] for r in rows) * 1.1)
y = top
for i, (arch, threads, ours, ort, ratio) in enumerate(rows):
    color = (46, 139, 87) if ratio <= 1.0 else (205, 92, 92)
    d.text((10, y), f'{arch} ({threads}t)', fill='black')
    d.rectangle([left, y, left + int(ratio * scale), y + bar], fill=color)
    d.text((left + int(ratio * scale) + 6, y), f'{ratio:.2f}  ({ours:.2f} vs {ort:.2f} ms)', fill='black')
    y += bar + 4 + (gap if threads == 2 else 0)
x1 = left + int(1.0 * scale)
d.line([x1, top - 6, x1, y], fill='black', width=1)
d.text((x1 - 8, y + 4), '1.0', fill='black')
img.save(sys.argv[2])
