#!/usr/bin/env python3
"""Writes the hand-made hostile inputs of tests/MobileNets.Tests/Fixtures/Regressions/ for the
image decoders, the PyTorch checkpoint reader and the TFLite reader (standard library only):

    python3 tools/reference/make_regression_files.py [OUT_DIR]

Each file is the smallest input that reaches one refusal path: a truncation, a huge declared size,
or an offset that points back at itself. Hostile-but-valid files (a PNG whose zlib stream inflates
past its declared size, say) are not here: the corpus holds only inputs that must be refused.
The expected exception and reason of each file are in that folder's expected.txt; the safetensors
files there were minimised by hand from fuzzer findings and are not written by this script.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "MobileNets.Tests", "Fixtures", "Regressions")


# ---------------------------------------------------------------- images

def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, idat: bytes, *, end: bool = True) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
    return out + (png_chunk(b"IEND", b"") if end else b"")


def jpeg_segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_sof(width: int, height: int) -> bytes:
    # Baseline, 8-bit, one grey component, 1x1 sampling, quantization table 0.
    return jpeg_segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0]))


DQT = jpeg_segment(0xDB, bytes([0]) + bytes([1] * 64))


def bmp(width: int, height: int, pixel_offset: int, pixels: bytes) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    header = b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, pixel_offset)
    return header + info + pixels


IMAGES = {
    # 100,000 x 100,000 = 10 gigapixels declared by a 65-byte file: refused from IHDR, before any buffer.
    "png-huge-declared-size.png": png(100_000, 100_000, zlib.compress(b"")),
    # 64 x 64 RGB needs 12,352 scanline bytes; the zlib stream holds 10.
    "png-idat-shorter-than-declared.png": png(64, 64, zlib.compress(b"\0" * 10)),
    # Cut inside the IDAT chunk: its length runs past the end of the file.
    "png-truncated-in-idat.png": png(4, 4, zlib.compress(b"\0" * 52))[:50],
    # SOF0 of 65,535 x 65,535 (4.3 gigapixels) in 17 bytes.
    "jpeg-huge-declared-size.jpg": b"\xFF\xD8" + jpeg_sof(65535, 65535) + b"\xFF\xD9",
    # A DQT whose length runs past the end of the file.
    "jpeg-truncated-in-dqt.jpg": b"\xFF\xD8" + DQT[:40],
    # A DHT whose 16 code-length counts add up to 4,080 codes (at most 256 symbols exist).
    "jpeg-overfull-huffman-table.jpg": b"\xFF\xD8" + DQT + jpeg_sof(8, 8)
        + jpeg_segment(0xC4, bytes([0x00]) + bytes([255] * 16) + bytes(range(256))) + b"\xFF\xD9",
    # 1,000,000 x 1,000,000 pixels declared by a 54-byte header.
    "bmp-huge-declared-size.bmp": bmp(1_000_000, 1_000_000, 54, b""),
    # The pixel array starts past the end of the file (bfOffBits = 2^31 - 1).
    "bmp-pixel-offset-past-end.bmp": bmp(2, 2, 0x7FFFFFFF, bytes(16)),
    "pnm-huge-declared-size.ppm": b"P6\n200000 200000\n255\n",
    "pnm-maxval-zero.pgm": b"P5\n2 2\n0\n\0\0\0\0",
    "pnm-truncated-raster.ppm": b"P6\n4 4\n255\n" + bytes(20),
}


# ---------------------------------------------------------------- PyTorch checkpoints

def eocd(count: int, size: int, offset: int) -> bytes:
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, offset, 0)


def central_header(name: bytes, local_offset: int) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0,
                       len(name), 0, 0, 0, 0, 0, local_offset) + name


def legacy(root_pickle: bytes, keys_pickle: bytes = b"\x80\x02]q\x00.") -> bytes:
    """The legacy format's five pickles: magic number, protocol 1001, sys_info, the object, the storage keys."""
    magic = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little") + b"."
    protocol = b"\x80\x02M\xe9\x03."
    sys_info = b"\x80\x02}q\x00."
    return magic + protocol + sys_info + root_pickle + keys_pickle


ZIP_EOCD = 22
CHECKPOINTS = {
    # The end record says the central directory starts at byte 0, which is the end record itself.
    "zip-directory-is-its-own-end-record.pth": eocd(1, ZIP_EOCD, 0),
    # The only entry's local header offset points back at the central directory entry.
    "zip-entry-local-header-is-the-directory.pth":
        central_header(b"archive/data.pkl", 0) + eocd(1, 46 + 16, 0),
    # A ZIP64 locator that names itself as the ZIP64 end record (which would need 56 bytes where 42 remain).
    "zip64-locator-points-at-itself.pth":
        b"PK" + bytes(54) + struct.pack("<IIQI", 0x07064B50, 0, 56, 1) + eocd(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
    # A list that contains itself (BINPUT 0, BINGET 0, APPEND) as the checkpoint's object.
    "legacy-self-containing-list.pth": legacy(b"\x80\x02]q\x00h\x00a."),
    # {"state_dict": <the same dict>}: the wrapper lookup must not follow the cycle.
    "legacy-state-dict-wraps-itself.pth": legacy(b"\x80\x02}q\x00X\x0a\x00\x00\x00state_dicth\x00s."),
    # A BINUNICODE that declares 2 GiB - 1 bytes of text in a 44-byte file.
    "legacy-huge-string-length.pth": legacy(b"\x80\x02X\xff\xff\xff\x7fabc."),
}


# ---------------------------------------------------------------- TFLite

def tflite_model(fields: dict[int, bytes], tail: bytes, tail_fields: dict[int, int]) -> bytes:
    """A Model table with inline scalar fields and uoffset fields pointing into `tail`.

    Layout: root uoffset, "TFL3", the vtable, the table (soffset, one 4-byte slot per field), tail.
    tail_fields maps a field index to an offset inside `tail`.
    """
    count = max([*fields, *tail_fields]) + 1
    vtable_size = 4 + 2 * count
    vtable_at = 8
    table_at = (vtable_at + vtable_size + 3) & ~3
    slots = sorted([*fields, *tail_fields])
    table_size = 4 + 4 * len(slots)
    tail_at = table_at + table_size
    offsets = [0] * count
    body = b""
    for k, f in enumerate(slots):
        offsets[f] = 4 + 4 * k
        at = table_at + 4 + 4 * k
        body += fields[f] if f in fields else struct.pack("<I", tail_at + tail_fields[f] - at)
    vtable = struct.pack("<HH", vtable_size, table_size) + b"".join(struct.pack("<H", o) for o in offsets)
    head = struct.pack("<I", table_at) + b"TFL3" + vtable
    head += bytes(table_at - len(head))
    return head + struct.pack("<i", table_at - vtable_at) + body + tail


VERSION = {0: struct.pack("<I", 3)}
TFLITE = {
    # The root table's soffset is 0, so its vtable is the table itself: a vtable of size 0.
    "tflite-root-table-is-its-own-vtable.tflite": struct.pack("<I", 8) + b"TFL3" + bytes(4),
    # subgraphs: a vector that claims 2^31 - 1 elements in a 36-byte file.
    "tflite-vector-claims-huge-length.tflite": tflite_model(VERSION, struct.pack("<I", 0x7FFFFFFF), {2: 0}),
    # The 8-byte header and half a vtable.
    "tflite-truncated-vtable.tflite": struct.pack("<I", 12) + b"TFL3" + struct.pack("<H", 10) + b"\0\0" + struct.pack("<i", 4),
}


def subgraph_points_back_at_the_model() -> bytes:
    # A one-element subgraphs vector whose element is meant to point back at the Model table. A
    # uoffset is unsigned and only leads forward, so no offset can form a cycle: read as written, this
    # one lands 4 GB past the end of the file.
    model = bytearray(tflite_model(VERSION, struct.pack("<II", 1, 0), {2: 0}))
    table_at = struct.unpack_from("<I", model, 0)[0]
    element_at = len(model) - 4
    struct.pack_into("<I", model, element_at, (table_at - element_at) & 0xFFFFFFFF)
    return bytes(model)


TFLITE["tflite-subgraph-points-back-at-the-model.tflite"] = subgraph_points_back_at_the_model()


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name, data in {**IMAGES, **CHECKPOINTS, **TFLITE}.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
