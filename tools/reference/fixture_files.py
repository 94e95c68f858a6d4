#!/usr/bin/env python3
"""How test fixtures are stored in the repository: large ones deflated, one file per zip.

A fixture `NAME` is committed either as `NAME` or, when deflating it pays, as `NAME.zip` holding a
single entry `NAME`. `tests/Fixtures.targets` unpacks every `*.zip` under a test project's
`Fixtures/` into the build output next to the plain files, so tests only ever open `NAME`. The zips
are deterministic (fixed entry time, deflate level 9): regenerating unchanged content leaves them
byte-identical.

Budgets (apparent sizes, what `du -b` sums), stated here once and imported by the generators and
checkers:
  ALL_FIXTURES_BUDGET_BYTES   every `tests/*/Fixtures` folder together (issue 2: under 20 MB)
  CLASSIFIER_BUDGET_BYTES     tests/MobileNets.Tests/Fixtures/Classifiers alone

  python3 tools/reference/fixture_files.py budget          # sizes per folder, fails above the budget
  python3 tools/reference/fixture_files.py pack FILE...    # store existing files by the rule below
      (for fixtures no generator here can rebuild: the hand-made Regressions corpus, and the TfLite
      references, which need TensorFlow Lite's WebAssembly build)
"""

from __future__ import annotations

import io
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TESTS = os.path.join(REPO, "tests")

ALL_FIXTURES_BUDGET_BYTES = 18_000_000
CLASSIFIER_BUDGET_BYTES = 13_000_000

# Deflate only files big enough to matter and only when it saves at least 5%: small fixtures
# stay plain so they can be read and diffed as they are.
MIN_ZIPPED_BYTES = 32 * 1024
MAX_ZIPPED_RATIO = 0.95
_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time zip can store: no build time leaks in


def zipped(data: bytes, name: str) -> bytes:
    """`data` as a deterministic single-entry zip named `name`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo(name, date_time=_ENTRY_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.create_system = 3  # unix, so the attributes above are read as permissions
        z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def write(path: str, data: bytes) -> int:
    """Writes fixture `path` as `path.zip` when that pays, else as `path`; removes the other form.
    Returns the number of bytes stored."""
    packed = zipped(data, os.path.basename(path)) if len(data) >= MIN_ZIPPED_BYTES else None
    use_zip = packed is not None and len(packed) <= MAX_ZIPPED_RATIO * len(data)
    target, stale = (path + ".zip", path) if use_zip else (path, path + ".zip")
    with open(target, "wb") as f:
        f.write(packed if use_zip else data)
    if os.path.exists(stale):
        os.remove(stale)
    return len(packed) if use_zip else len(data)


def read(path: str) -> bytes:
    """The content of fixture `path`, whichever way it is stored."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    with zipfile.ZipFile(path + ".zip") as z:
        return z.read(os.path.basename(path))


def exists(path: str) -> bool:
    return os.path.exists(path) or os.path.exists(path + ".zip")


def names(folder: str) -> set:
    """The fixture names in `folder` (a zip counts as the file it holds)."""
    return {f[:-4] if f.endswith(".zip") else f for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f))}


def apparent_size(folder: str) -> int:
    """Sum of the apparent sizes of everything under `folder`, directories included (`du -sb`)."""
    total = os.path.getsize(folder)
    for dirpath, dirnames, filenames in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(dirpath, d)) for d in dirnames)
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in filenames)
    return total


def fixture_folders() -> list:
    return sorted(os.path.join(TESTS, p, "Fixtures") for p in os.listdir(TESTS)
                  if os.path.isdir(os.path.join(TESTS, p, "Fixtures")))


def budget() -> int:
    total = 0
    for folder in fixture_folders():
        size = apparent_size(folder)
        total += size
        print(f"{size / 1e6:7.2f} MB  {os.path.relpath(folder, REPO)}")
        for sub in sorted(os.listdir(folder)):
            if os.path.isdir(os.path.join(folder, sub)):
                print(f"{apparent_size(os.path.join(folder, sub)) / 1e6:7.2f} MB    {sub}/")
    print(f"{total / 1e6:7.2f} MB  all fixtures (budget {ALL_FIXTURES_BUDGET_BYTES / 1e6:.0f} MB)")
    return 0 if total <= ALL_FIXTURES_BUDGET_BYTES else 1


def pack(paths) -> int:
    for p in paths:
        logical = p[:-4] if p.endswith(".zip") else p
        stored = write(logical, read(logical))
        print(f"{stored:9d}  {os.path.basename(logical)}{'.zip' if os.path.exists(logical + '.zip') else ''}")
    return 0


def main(argv) -> int:
    if argv[:1] == ["budget"]:
        return budget()
    if argv[:1] == ["pack"] and len(argv) > 1:
        return pack(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
