#!/usr/bin/python3
"""Generates the imaging test fixtures: small synthetic JPEG/PNG/BMP/PNM files and the pixels PIL
(with libjpeg-turbo) decodes from them, PIL/torchvision transform references, and compact references
for the shared photos in ../shared/data/images.

Run with the system interpreter (PIL 9.4, torchvision 0.14):  /usr/bin/python3 tools/reference/make_image_fixtures.py
Output: tests/MobileNets.Tests/Fixtures/Imaging/ (regenerate rather than hand-edit); the reference
stores of 32 KB and more are committed deflated as `<file>.zip` (tools/reference/fixture_files.py).

Encoders PIL lacks (JPEG with 4:4:0 / 4:1:1 / mixed sampling, Adobe RGB/YCCK; PNG with 2/4/16-bit and
every filter type; BMP variants) are written here from the format specifications; PIL is always the
decoder that produces the reference pixels.
"""
import io, json, math, os, struct, sys, zlib
import numpy as np
from PIL import Image, ImageOps
import torch
from torchvision import transforms as T

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_files  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "MobileNets.Tests", "Fixtures", "Imaging")
INPUTS = os.path.join(OUT, "inputs")
PHOTOS = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "images"))
rng = np.random.default_rng(20240601)


# ---------------------------------------------------------------- safetensors
def write_safetensors(path, tensors, metadata):
    """tensors: dict name -> numpy array (uint8, int32, float16, float32)."""
    dtypes = {np.dtype(np.uint8): "U8", np.dtype(np.int32): "I32", np.dtype(np.float16): "F16", np.dtype(np.float32): "F32"}
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    fixture_files.write(path, struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---------------------------------------------------------------- synthetic content
def photo(w, h, seed=0):
    """Smooth gradients + texture + noise: exercises chroma upsampling and every DCT frequency."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    a = np.stack([x * 255 / max(w - 1, 1), y * 255 / max(h - 1, 1),
                  128 + 100 * np.sin(x / 3.0) * np.cos(y / 4.0)], -1)
    a += r.normal(0, 18, a.shape)
    a[h // 3: h // 2, w // 4: w // 2] = [250, 20, 30]  # a hard-edged saturated block
    return np.clip(a, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- minimal baseline JPEG encoder
ZIGZAG = sorted(((u, v) for u in range(8) for v in range(8)),
                key=lambda p: (p[0] + p[1], p[1] if (p[0] + p[1]) % 2 == 0 else p[0]))
ZZ = [u * 8 + v for u, v in ZIGZAG]  # zigzag index -> natural (row u, col v)
C = np.array([[(math.sqrt(0.5) if u == 0 else 1.0) / 2 * math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)] for u in range(8)])
QL = np.full(64, 6, np.int32) + np.arange(64) // 4  # modest quantisation, natural order
QC = np.full(64, 9, np.int32) + np.arange(64) // 3
# Fixed-length (but valid, incomplete) Huffman codes: 4-bit DC categories, 8-bit AC symbols.
DC_SYMS = list(range(12))
AC_SYMS = [0x00, 0xF0] + [(r << 4) | s for r in range(16) for s in range(1, 11)]


class BitWriter:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc, self.n = 0, 0

    def flush(self):
        while self.n:
            self.put(1, 1)


def encode_jpeg(planes, sampling, restart=0, ids=None, jfif=True, adobe=None, separate_scans=False):
    """planes: full-resolution uint8 component planes; sampling: [(h, v)] per component."""
    H, W = planes[0].shape
    hmax, vmax = max(s[0] for s in sampling), max(s[1] for s in sampling)
    mx, my = -(-W // (8 * hmax)), -(-H // (8 * vmax))
    ids = ids or list(range(1, len(planes) + 1))
    comps = []
    for ci, (p, (h, v)) in enumerate(zip(planes, sampling)):
        fx, fy = hmax // h, vmax // v
        full = np.pad(p.astype(np.float64), ((0, my * vmax * 8 - H), (0, mx * hmax * 8 - W)), mode="edge")
        small = full.reshape(full.shape[0] // fy, fy, full.shape[1] // fx, fx).mean(axis=(1, 3))
        q = QL if ci == 0 else QC
        bh, bw = small.shape[0] // 8, small.shape[1] // 8
        coefs = np.zeros((bh, bw, 64), np.int32)
        for by in range(bh):
            for bx in range(bw):
                blk = small[by * 8:(by + 1) * 8, bx * 8:(bx + 1) * 8] - 128
                coefs[by, bx] = np.round((C @ blk @ C.T).reshape(64) / q).astype(np.int32)
        comps.append(dict(h=h, v=v, coefs=coefs, q=q, tq=0 if ci == 0 else 1,
                          bpl=-(-(-(-W * h // hmax)) // 8), bpc=-(-(-(-H * v // vmax)) // 8)))

    def category(x):
        return 0 if x == 0 else int(abs(x)).bit_length()

    def bits_of(x, s):
        return x if x >= 0 else x + (1 << s) - 1

    def block(bw, c, b, pred):
        dc = int(b[0]) - pred
        s = category(dc)
        bw.put(DC_SYMS.index(s), 4)
        if s:
            bw.put(bits_of(dc, s), s)
        run = 0
        zz = [int(b[ZZ[k]]) for k in range(64)]
        last = max([k for k in range(1, 64) if zz[k] != 0], default=0)
        for k in range(1, last + 1):
            if zz[k] == 0:
                run += 1
                continue
            while run > 15:
                bw.put(AC_SYMS.index(0xF0), 8)
                run -= 16
            s = category(zz[k])
            bw.put(AC_SYMS.index((run << 4) | s), 8)
            bw.put(bits_of(zz[k], s), s)
            run = 0
        if last < 63:
            bw.put(AC_SYMS.index(0x00), 8)
        return int(b[0])

    def scan(cis):
        bw, out = BitWriter(), bytearray()
        preds = {ci: 0 for ci in cis}
        if len(cis) == 1:
            c = comps[cis[0]]
            units = [[(cis[0], bx, by)] for by in range(c["bpc"]) for bx in range(c["bpl"])]
        else:
            units = [[(ci, x * comps[ci]["h"] + hh, y * comps[ci]["v"] + vv)
                      for ci in cis for vv in range(comps[ci]["v"]) for hh in range(comps[ci]["h"])]
                     for y in range(my) for x in range(mx)]
        for n, unit in enumerate(units):
            if restart and n and n % restart == 0:
                bw.flush()
                out += bw.out + bytes([0xFF, 0xD0 + (n // restart - 1) % 8])
                bw = BitWriter()
                preds = {ci: 0 for ci in cis}
            for ci, bx, by in unit:
                preds[ci] = block(bw, comps[ci], comps[ci]["coefs"][by, bx], preds[ci])
        bw.flush()
        return out + bw.out

    def seg(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    out = bytearray(b"\xFF\xD8")
    if jfif:
        out += seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if adobe is not None:
        out += seg(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, adobe))
    for tq, q in ((0, QL), (1, QC)):
        out += seg(0xDB, bytes([tq]) + bytes(int(q[ZZ[k]]) for k in range(64)))
    out += seg(0xC0, struct.pack(">BHHB", 8, H, W, len(comps)) +
               b"".join(bytes([ids[i], (c["h"] << 4) | c["v"], c["tq"]]) for i, c in enumerate(comps)))
    dc_counts = [0] * 16
    dc_counts[3] = len(DC_SYMS)
    ac_counts = [0] * 16
    ac_counts[7] = len(AC_SYMS)
    out += seg(0xC4, bytes([0x00] + dc_counts + DC_SYMS) + bytes([0x10] + ac_counts + AC_SYMS))
    if restart:
        out += seg(0xDD, struct.pack(">H", restart))
    groups = [[i] for i in range(len(comps))] if (separate_scans or len(comps) == 1) else [list(range(len(comps)))]
    for g in groups:
        out += seg(0xDA, bytes([len(g)]) + b"".join(bytes([ids[i], 0x00]) for i in g) + bytes([0, 63, 0]))
        out += scan(g)
    out += b"\xFF\xD9"
    return bytes(out)


def ycc_planes(rgb):
    r, g, b = [rgb[..., i].astype(np.float64) for i in range(3)]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return [np.clip(np.round(p), 0, 255).astype(np.uint8) for p in (y, cb, cr)]


# ---------------------------------------------------------------- PNG writer (every colour type / depth / filter)
def png_chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png_rows(samples, depth):
    """samples: (h, w, ch) integer array -> list of raw scanline bytes."""
    h, w, ch = samples.shape
    rows = []
    for y in range(h):
        s = samples[y].reshape(-1).astype(np.uint32)
        if depth == 16:
            rows.append(s.astype(">u2").tobytes())
        elif depth == 8:
            rows.append(s.astype(np.uint8).tobytes())
        else:
            per = 8 // depth
            padded = np.concatenate([s, np.zeros((-len(s)) % per, np.uint32)])
            packed = np.zeros(len(padded) // per, np.uint32)
            for i in range(per):
                packed |= padded[i::per] << (8 - depth * (i + 1))
            rows.append(packed.astype(np.uint8).tobytes())
    return rows


def png_filter(rows, bpp, start):
    out, prior = bytearray(), bytes(len(rows[0])) if rows else b""
    for i, raw in enumerate(rows):
        f = (start + i) % 5
        enc = bytearray(len(raw))
        for x in range(len(raw)):
            a = raw[x - bpp] if x >= bpp else 0
            b = prior[x]
            c = prior[x - bpp] if x >= bpp else 0
            if f == 0: pred = 0
            elif f == 1: pred = a
            elif f == 2: pred = b
            elif f == 3: pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            enc[x] = (raw[x] - pred) & 0xFF
        out += bytes([f]) + enc
        prior = raw
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(samples, color_type, depth, interlace=False, plte=None, trns=None):
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    data = b""
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for i, (x0, y0, dx, dy) in enumerate(passes):
        sub = samples[y0::dy, x0::dx]
        if sub.size:
            data += png_filter(png_rows(sub, depth), bpp, i)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    if plte is not None:
        out += png_chunk(b"PLTE", bytes(plte))
    if trns is not None:
        out += png_chunk(b"tRNS", bytes(trns))
    out += png_chunk(b"tEXt", b"Comment\x00ancillary chunks are skipped")
    z = zlib.compress(data, 9)
    out += png_chunk(b"IDAT", z[: len(z) // 2]) + png_chunk(b"IDAT", z[len(z) // 2:])  # split IDAT
    return out + png_chunk(b"IEND", b"")


# ---------------------------------------------------------------- BMP writer
def write_bmp(rgb_or_idx, bits, palette=None, top_down=False, header=40, masks=None, compression=0, colors_used=0):
    h, w = rgb_or_idx.shape[:2]
    stride = ((w * bits + 31) // 32) * 4
    rows = []
    for y in range(h):
        r = rgb_or_idx[y]
        if bits <= 8:
            s = r.astype(np.uint32)
            per = 8 // bits
            padded = np.concatenate([s, np.zeros((-len(s)) % per, np.uint32)])
            packed = np.zeros(len(padded) // per, np.uint32)
            for i in range(per):
                packed |= padded[i::per] << (8 - bits * (i + 1))
            b = packed.astype(np.uint8).tobytes()
        elif bits == 24:
            b = r[:, ::-1].astype(np.uint8).tobytes()
        else:
            m = masks or ((0x7C00, 0x3E0, 0x1F) if bits == 16 else (0xFF0000, 0xFF00, 0xFF))
            v = np.zeros(w, np.uint64)
            for c in range(3):
                mm = m[c]
                shift = (mm & -mm).bit_length() - 1
                mx = mm >> shift
                v |= ((r[:, c].astype(np.uint64) * mx + 127) // 255) << shift
            if bits == 32 and len(m) > 3:
                v |= np.uint64(m[3])  # opaque alpha
            b = v.astype("<u2" if bits == 16 else "<u4").tobytes()
        rows.append(b + bytes(stride - len(b)))
    if not top_down:
        rows = rows[::-1]
    pal = b""
    if palette is not None:
        pal = b"".join(bytes([p[2], p[1], p[0]] + ([] if header == 12 else [0])) for p in palette)
    extra = b""
    if header == 12:
        info = struct.pack("<IHHHH", 12, w, h, 1, bits)
    else:
        info = struct.pack("<IiiHHIIiiII", header, w, -h if top_down else h, 1, bits, compression, stride * h, 2835, 2835, colors_used, 0)
        if header >= 52:
            m = list(masks or (0, 0, 0)) + [0] * 4
            info += struct.pack("<IIII", *m[:4])[: header - 40 if header < 56 else 16]
            info += bytes(header - len(info))
        elif compression == 3:
            extra = struct.pack("<III", *masks[:3])
    off = 14 + len(info) + len(extra) + len(pal)
    data = info + extra + pal + b"".join(rows)
    return b"BM" + struct.pack("<IHHI", 14 + len(data), 0, 0, off) + data


# ---------------------------------------------------------------- inputs
def make_inputs():
    files = {}
    img = Image.fromarray(photo(67, 45, 1))
    odd = Image.fromarray(photo(17, 13, 2))

    def pil_jpeg(im, **kw):
        b = io.BytesIO()
        im.save(b, "JPEG", **kw)
        return b.getvalue()

    for ss, name in ((0, "444"), (1, "422"), (2, "420")):
        files[f"jpeg_{name}.jpg"] = pil_jpeg(img, quality=85, subsampling=ss)
        files[f"jpeg_{name}_progressive.jpg"] = pil_jpeg(img, quality=85, subsampling=ss, progressive=True)
    files["jpeg_420_q100.jpg"] = pil_jpeg(img, quality=100, subsampling=2)
    files["jpeg_420_q20_optimized.jpg"] = pil_jpeg(img, quality=20, subsampling=2, optimize=True)
    files["jpeg_420_restart_blocks.jpg"] = pil_jpeg(img, quality=85, subsampling=2, restart_marker_blocks=3)
    files["jpeg_444_progressive_restart.jpg"] = pil_jpeg(img, quality=85, subsampling=0, progressive=True, restart_marker_rows=1)
    files["jpeg_17x13_420.jpg"] = pil_jpeg(odd, quality=90, subsampling=2)
    files["jpeg_17x13_422_progressive.jpg"] = pil_jpeg(odd, quality=90, subsampling=1, progressive=True)
    files["jpeg_1x1.jpg"] = pil_jpeg(Image.fromarray(photo(1, 1, 3)), subsampling=2)
    files["jpeg_2x3_420.jpg"] = pil_jpeg(Image.fromarray(photo(2, 3, 4)), subsampling=2)
    files["jpeg_5x4_420.jpg"] = pil_jpeg(Image.fromarray(photo(5, 4, 5)), subsampling=2)  # downsampled width 3
    files["jpeg_gray.jpg"] = pil_jpeg(odd.convert("L"), quality=90)
    files["jpeg_gray_progressive.jpg"] = pil_jpeg(img.convert("L"), quality=80, progressive=True)
    files["jpeg_cmyk.jpg"] = pil_jpeg(img.convert("CMYK"), quality=90)
    exif_base = Image.fromarray(photo(23, 15, 6))
    for o in range(1, 9):
        ex = Image.Exif()
        ex[0x0112] = o
        files[f"jpeg_exif_orientation_{o}.jpg"] = pil_jpeg(exif_base, quality=90, exif=ex.tobytes())

    # Corrupt streams libjpeg decodes with a warning: scan data cut short and followed by EOI, so
    # the rest of the scan (or of the restart interval) must stay as libjpeg leaves it.
    for src, cut in (("jpeg_420.jpg", 0.6), ("jpeg_420_progressive.jpg", 0.7), ("jpeg_420_restart_blocks.jpg", 0.6)):
        d = files[src]
        files[src.replace(".jpg", "_cut_then_eoi.jpg")] = d[: int(len(d) * cut)] + b"\xFF\xD9"

    # Sampling layouts PIL cannot write, through the encoder above.
    big = photo(45, 37, 7)
    ycc = ycc_planes(big)
    files["jpeg_440.jpg"] = encode_jpeg(ycc, [(1, 2), (1, 1), (1, 1)])
    files["jpeg_411.jpg"] = encode_jpeg(ycc, [(4, 1), (1, 1), (1, 1)])
    files["jpeg_mixed_22_12_21.jpg"] = encode_jpeg(ycc, [(2, 2), (1, 2), (2, 1)])
    files["jpeg_chroma_larger_12_22_22.jpg"] = encode_jpeg(ycc, [(1, 2), (2, 2), (2, 2)])
    files["jpeg_420_restart1_separate_scans.jpg"] = encode_jpeg(ycc, [(2, 2), (1, 1), (1, 1)], restart=1, separate_scans=True)
    files["jpeg_422_restart5.jpg"] = encode_jpeg(ycc, [(2, 1), (1, 1), (1, 1)], restart=5)
    files["jpeg_440_3x9.jpg"] = encode_jpeg(ycc_planes(photo(3, 9, 8)), [(1, 2), (1, 1), (1, 1)])
    files["jpeg_420_4x4.jpg"] = encode_jpeg(ycc_planes(photo(4, 4, 9)), [(2, 2), (1, 1), (1, 1)])  # fancy off: width 2
    rgbp = [big[..., i] for i in range(3)]
    files["jpeg_adobe_rgb.jpg"] = encode_jpeg(rgbp, [(1, 1)] * 3, jfif=False, adobe=0)
    files["jpeg_rgb_component_ids.jpg"] = encode_jpeg(rgbp, [(1, 1)] * 3, jfif=False, ids=[82, 71, 66])
    files["jpeg_no_markers_ycc.jpg"] = encode_jpeg(ycc, [(2, 2), (1, 1), (1, 1)], jfif=False)
    k = (255 - big.max(axis=2)).astype(np.uint8)
    files["jpeg_ycck.jpg"] = encode_jpeg(ycc + [k], [(2, 2), (1, 1), (1, 1), (2, 2)], jfif=False, adobe=2)
    files["jpeg_cmyk_adobe0_420.jpg"] = encode_jpeg(rgbp + [k], [(2, 2), (1, 1), (1, 1), (2, 2)], jfif=False, adobe=0)

    # PNG: every colour type / depth, interlaced and not, all five filter types.
    h, w = 19, 23
    base = photo(w, h, 10)
    gray = base[..., 0].astype(np.uint32)
    for depth in (1, 2, 4, 8, 16):
        mx = (1 << depth) - 1
        g = (gray * mx + 127) // 255 if depth < 16 else gray * 257 + (np.arange(w) % 200)
        for il in (False, True):
            files[f"png_gray{depth}{'_adam7' if il else ''}.png"] = write_png(g[..., None], 0, depth, il)
    for depth in (8, 16):
        rgb = base.astype(np.uint32) if depth == 8 else base.astype(np.uint32) * 257 + 77
        alpha = (np.arange(w)[None, :, None] * 11 % 256 + np.zeros((h, 1, 1), np.uint32)).astype(np.uint32)
        if depth == 16:
            alpha = alpha * 257
        for il in (False, True):
            sfx = "_adam7" if il else ""
            files[f"png_rgb{depth}{sfx}.png"] = write_png(rgb, 2, depth, il)
            files[f"png_rgba{depth}{sfx}.png"] = write_png(np.concatenate([rgb, alpha], -1), 6, depth, il)
            files[f"png_graya{depth}{sfx}.png"] = write_png(np.concatenate([rgb[..., :1], alpha], -1), 4, depth, il)
    files["png_rgb8_trns.png"] = write_png(base.astype(np.uint32), 2, 8, trns=struct.pack(">HHH", 10, 20, 30))
    for depth in (1, 2, 4, 8):
        n = min(1 << depth, 200)
        pal = rng.integers(0, 256, (n, 3))
        idx = (gray * n // 256)[..., None]
        for il in (False, True):
            files[f"png_palette{depth}{'_adam7' if il else ''}.png"] = write_png(idx, 3, depth, il, plte=pal.reshape(-1).tolist())
        files[f"png_palette{depth}_trns.png"] = write_png(idx, 3, depth, plte=pal.reshape(-1).tolist(), trns=list(range(0, 256, 37))[:n])
    files["png_1x1.png"] = write_png(base[:1, :1].astype(np.uint32), 2, 8)
    files["png_1x9_adam7.png"] = write_png(base[:9, :1].astype(np.uint32), 2, 8, True)
    b = io.BytesIO()
    Image.fromarray(base).save(b, "PNG")  # PIL's own encoder
    files["png_pil_rgb.png"] = b.getvalue()

    # BMP variants.
    bh, bw = 13, 21
    brgb = photo(bw, bh, 11)
    files["bmp_24.bmp"] = write_bmp(brgb, 24)
    files["bmp_24_topdown.bmp"] = write_bmp(brgb, 24, top_down=True)
    files["bmp_32.bmp"] = write_bmp(brgb, 32)
    files["bmp_32_bitfields_bgra.bmp"] = write_bmp(brgb, 32, masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000), compression=3, header=40)
    files["bmp_32_bitfields_v5_rgba.bmp"] = write_bmp(brgb, 32, masks=(0xFF, 0xFF00, 0xFF0000, 0xFF000000), compression=3, header=124)
    files["bmp_16_555.bmp"] = write_bmp(brgb, 16)
    files["bmp_16_565_bitfields.bmp"] = write_bmp(brgb, 16, masks=(0xF800, 0x7E0, 0x1F), compression=3)
    bgray = brgb[..., 1].astype(np.uint32)
    for bits in (1, 4, 8):
        n = 1 << bits
        pal = rng.integers(0, 256, (n, 3))
        idx = bgray * n // 256
        files[f"bmp_{bits}.bmp"] = write_bmp(idx, bits, palette=pal)
        files[f"bmp_{bits}_topdown.bmp"] = write_bmp(idx, bits, palette=pal, top_down=True)
    files["bmp_8_gray_palette.bmp"] = write_bmp(bgray, 8, palette=[(i, i, i) for i in range(256)])
    files["bmp_8_colors_used_40.bmp"] = write_bmp(bgray * 40 // 256, 8, palette=rng.integers(0, 256, (40, 3)), colors_used=40)
    files["bmp_4_os2_core.bmp"] = write_bmp(bgray * 16 // 256, 4, palette=rng.integers(0, 256, (16, 3)), header=12)
    files["bmp_24_v4.bmp"] = write_bmp(brgb, 24, header=108)
    b = io.BytesIO()
    Image.fromarray(brgb).save(b, "BMP")
    files["bmp_pil_rgb.bmp"] = b.getvalue()

    # PNM.
    ph, pw = 11, 14
    prgb = photo(pw, ph, 12)
    pg = prgb[..., 0]
    files["pnm_p6.ppm"] = b"P6\n# comment line\n%d %d\n255\n" % (pw, ph) + prgb.tobytes()
    files["pnm_p5.pgm"] = b"P5 %d %d 255\n" % (pw, ph) + pg.tobytes()
    files["pnm_p5_maxval100.pgm"] = b"P5\n%d %d\n100\n" % (pw, ph) + (pg.astype(np.uint32) * 100 // 255).astype(np.uint8).tobytes()
    files["pnm_p6_maxval7.ppm"] = b"P6\n%d\t%d\n7\n" % (pw, ph) + (prgb.astype(np.uint32) * 7 // 255).astype(np.uint8).tobytes()
    files["pnm_p6_16bit.ppm"] = b"P6\n%d %d\n1000\n" % (pw, ph) + (prgb.astype(np.uint32) * 1000 // 255).astype(">u2").tobytes()
    files["pnm_p5_16bit.pgm"] = b"P5\n%d %d\n65535\n" % (pw, ph) + (pg.astype(np.uint32) * 257 + 100).clip(0, 65535).astype(">u2").tobytes()
    bits = (pg > 128)
    files["pnm_p4.pbm"] = b"P4\n%d %d\n" % (pw, ph) + np.packbits(bits, axis=1).tobytes()
    return files


def pil_rgb(data, name):
    """PIL's reference RGB for an input file, and a note when our decoder deliberately differs."""
    im = Image.open(io.BytesIO(data))
    if im.format == "JPEG":
        im = ImageOps.exif_transpose(im)
    if im.mode in ("I", "I;16", "I;16B"):
        # PIL's I->RGB (Convert.c i2rgb) clamps 16-bit gray at 255; we keep 8 significant bits instead:
        # the high byte for PNG (as PIL itself does for 16-bit RGB/RGBA/LA), round(v*255/maxval) for PGM.
        a = np.asarray(im).astype(np.int64)
        if name.endswith(".png"):
            g = (a >> 8).astype(np.uint8)
        else:  # PpmImagePlugin already scaled to 0..65535 = round(v / maxval * 65535)
            g = np.asarray(im_raw_pgm16(data), np.uint8)
        return np.repeat(g[..., None], 3, -1), "16-bit gray: high byte / 8-bit rescale instead of PIL's clamp"
    return np.asarray(im.convert("RGB")), ""


def im_raw_pgm16(data):
    head, rest = data.split(b"\n65535\n", 1)
    w, h = map(int, head.split()[1:3])
    v = np.frombuffer(rest, ">u2").reshape(h, w).astype(np.float64)
    return np.array([[min(255, round(x / 65535 * 255)) for x in row] for row in v])


# ---------------------------------------------------------------- transform references
def tv_pipeline(resize, crop_h, crop_w, interp, mean, std):
    M = {"Nearest": T.InterpolationMode.NEAREST, "Bilinear": T.InterpolationMode.BILINEAR, "Bicubic": T.InterpolationMode.BICUBIC}
    steps = [T.Resize(resize, interpolation=M[interp])] if resize else [T.Resize((crop_h, crop_w), interpolation=M[interp])]
    if resize:
        steps.append(T.CenterCrop((crop_h, crop_w)))
    prep = T.Compose(steps)
    full = T.Compose([prep, T.ToTensor(), T.Normalize(mean, std)])
    return prep, full


IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
HALF = ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
SYN_CONFIGS = {
    "tv32c28": (32, 28, 28, "Bilinear", *IMAGENET),
    "bicubic50c24x30": (50, 24, 30, "Bicubic", *IMAGENET),
    "whole20x36": (0, 20, 36, "Bilinear", *HALF),
    "nearest40c36": (40, 36, 36, "Nearest", *IMAGENET),
    "pad16c24": (16, 24, 24, "Bilinear", *IMAGENET),
    "upbicubic45c30x26": (45, 30, 26, "Bicubic", *HALF),
}
SYN_TRANSFORM_INPUTS = ["jpeg_420_progressive.jpg", "jpeg_17x13_420.jpg", "jpeg_gray.jpg", "png_palette4.png",
                        "png_rgb16_adam7.png", "jpeg_exif_orientation_6.jpg"]
RESIZE_SIZES = [(10, 7), (33, 22), (67, 9), (5, 45), (80, 31), (1, 1), (66, 44)]


# Full 224x224 torchvision-preset references for a subset of the photos keep the fixtures near 2 MB.
TV_PHOTOS = {"cat.bmp", "cat_720p.jpg", "face.jpg", "parrot.jpg", "hot_dog.jpg"}


def delta_coded(img):
    """uint8 (H, W, C) -> each sample minus its upper and left neighbours plus the upper-left one,
    per channel, modulo 256 (missing neighbours count as 0): lossless, and photo content deflates to
    about three quarters of its plain size. ImagingFixtures (C#) undoes it when it loads the file."""
    p = img.astype(np.int32)
    d = p.copy()
    d[1:] -= p[:-1]
    d[:, 1:] -= p[:, :-1]
    d[1:, 1:] += p[:-1, :-1]
    return (d % 256).astype(np.uint8)


def cfg_string(c):
    return ",".join(str(x) for x in (c[0], c[1], c[2], c[3], *c[4], *c[5]))


def main():
    os.makedirs(INPUTS, exist_ok=True)
    for f in os.listdir(INPUTS):
        os.remove(os.path.join(INPUTS, f))
    files = make_inputs()
    decoded, meta = {}, {}
    for name, data in sorted(files.items()):
        try:
            rgb, note = pil_rgb(data, name)
        except Exception as e:  # PIL cannot read it: keep out of the fixtures
            print("skip", name, e)
            continue
        with open(os.path.join(INPUTS, name), "wb") as f:
            f.write(data)
        decoded[name] = rgb
        if note:
            meta["note:" + name] = note
    write_safetensors(os.path.join(OUT, "decoded.safetensors"), decoded, meta)

    # Transforms on synthetic inputs: PIL resize outputs (uint8) and full torchvision tensors.
    tensors, tmeta = {}, {}
    for name in SYN_TRANSFORM_INPUTS:
        im = Image.fromarray(decoded[name])
        for cname, c in SYN_CONFIGS.items():
            prep, full = tv_pipeline(*c)
            key = f"{name}|{cname}"
            tensors["prep|" + key] = np.asarray(prep(im))
            tensors["tensor|" + key] = full(im).numpy().astype(np.float16)  # compact; F16 rounding <= 0.002
            tmeta[key] = cfg_string(c)
    for name in ["jpeg_444.jpg", "png_gray8_adam7.png"]:
        im = Image.fromarray(decoded[name])
        for (w, h) in RESIZE_SIZES:
            for interp, flt in (("Nearest", Image.NEAREST), ("Bilinear", Image.BILINEAR), ("Bicubic", Image.BICUBIC)):
                tensors[f"resize|{name}|{w}x{h}|{interp}"] = np.asarray(im.resize((w, h), flt))
    write_safetensors(os.path.join(OUT, "transforms.safetensors"), tensors, tmeta)

    # Shared photos: decode references (crops + per-row/column sums) and transform references.
    photos, pmeta = {}, {}
    if os.path.isdir(PHOTOS):
        tv_prep, _ = tv_pipeline(256, 224, 224, "Bilinear", *IMAGENET)
        extra = {"cat.bmp": "timm", "parrot.jpg": "timm", "owl.jpg": "whole", "pets.jpg": "nearest", "face.jpg": "tensor"}
        for name in sorted(os.listdir(PHOTOS)):
            im = Image.open(os.path.join(PHOTOS, name))
            if im.format == "JPEG":
                im = ImageOps.exif_transpose(im)
            rgb = np.asarray(im.convert("RGB"))
            h, w, _ = rgb.shape
            photos[f"{name}|rowsum"] = rgb.astype(np.int32).sum(axis=1).astype(np.int32)
            photos[f"{name}|colsum"] = rgb.astype(np.int32).sum(axis=0).astype(np.int32)
            cy, cx = (h - 64) // 2, (w - 64) // 2
            photos[f"{name}|crop|{cx},{cy}"] = rgb[cy:cy + 64, cx:cx + 64]
            photos[f"{name}|crop|{w - 41},{h - 37}"] = rgb[h - 37:, w - 41:]
            pim = Image.fromarray(rgb)
            if name in TV_PHOTOS:
                photos[f"{name}|prep|tv"] = np.asarray(tv_prep(pim))
                pmeta["tv"] = cfg_string((256, 224, 224, "Bilinear", *IMAGENET))
            kind = extra.get(name)
            if kind == "timm":  # timm eval: input 224, crop_pct 0.95, bicubic -> Resize(235), CenterCrop(224)
                c = (int(math.floor(224 / 0.95)), 224, 224, "Bicubic", *IMAGENET)
                photos[f"{name}|prep|timm"] = np.asarray(tv_pipeline(*c)[0](pim))
                pmeta["timm"] = cfg_string(c)
            elif kind == "whole":
                c = (0, 224, 224, "Bilinear", *HALF)
                photos[f"{name}|prep|whole"] = np.asarray(tv_pipeline(*c)[0](pim))
                pmeta["whole"] = cfg_string(c)
            elif kind == "nearest":
                c = (256, 224, 224, "Nearest", *IMAGENET)
                photos[f"{name}|prep|nearest"] = np.asarray(tv_pipeline(*c)[0](pim))
                pmeta["nearest"] = cfg_string(c)
            elif kind == "tensor":
                photos[f"{name}|tensor|tv"] = tv_pipeline(256, 224, 224, "Bilinear", *IMAGENET)[1](pim).numpy().astype(np.float16)
        # The 224x224 transform references are most of the file: stored delta-coded (see delta_coded).
        coded = sorted(k for k in photos if "|prep|" in k)
        for k in coded:
            photos[k] = delta_coded(photos[k])
        pmeta["delta_coded"] = json.dumps(coded)
        write_safetensors(os.path.join(OUT, "photos.safetensors"), photos, pmeta)
    else:
        print("shared photos not found at", PHOTOS, "- photos.safetensors not regenerated")

    total = fixture_files.apparent_size(OUT)
    print(f"{len(decoded)} inputs, fixtures total {total / 1e6:.2f} MB in {OUT}")


if __name__ == "__main__":
    main()
