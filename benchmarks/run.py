"""medbridge benchmarks: each operation against a baseline in the same run, alternating.

Run from the repository root after the README set-up::

    .venv/bin/python benchmarks/run.py            # full run (a few minutes)
    .venv/bin/python benchmarks/run.py --quick    # smaller inputs, fewer repeats
    .venv/bin/python benchmarks/run.py --only-hostile   # only the bounded-cost rows (issue 11)

Inputs are generated from the bundled fixtures into a temporary folder. Every measurement
alternates the medbridge operation and its baseline, repeats, and prints medians and the ratio
next to the target from the performance issue. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from functools import partial
from pathlib import Path

from cli_rows import bench_cli
from common import (
    EPIKRISE_EDI,
    PEAK,
    alternate,
    copies,
    interchange,
    median_time,
    xml_fixtures,
)
from hostile import bench_hostile
from lxml import etree
from scale import bench_scale
from view_rows import bench_view

import medbridge
from medbridge.edifact import iter_segments


def pydifact_parse(text: str) -> list[object]:
    from pydifact.parser import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(Parser().parse(text))


def bench_tokenizer(repeat: int, messages: int) -> list[tuple[str, str, str, str]]:
    data = interchange(messages)
    text = data.decode("iso-8859-1")
    ours, base = alternate(
        lambda: sum(1 for _ in iter_segments(data)), lambda: pydifact_parse(text), repeat
    )
    return [
        (
            f"EDIFACT tokenizing ({messages} msgs, {len(data) // 1024} KiB)",
            f"{ours * 1000:.1f} ms vs pydifact {base * 1000:.1f} ms",
            f"{base / ours:.1f}× faster",
            "≥ 10× faster",
        )
    ]


def bench_validation(repeat: int) -> list[tuple[str, str, str, str]]:
    from medbridge.xml.parse import new_parser
    from medbridge.xml.schema import compiled_validators, schema_for_namespace

    rows = []
    for path in xml_fixtures()[:3]:
        data = path.read_bytes()
        root = etree.fromstring(data, new_parser())  # noqa: TID251 - baseline needs raw lxml
        schema_set = schema_for_namespace(etree.QName(root).namespace)
        assert schema_set is not None
        schema = compiled_validators(schema_set)[0]

        def floor(data: bytes = data, schema: etree.XMLSchema = schema) -> bool:
            doc = etree.fromstring(data, new_parser())  # noqa: TID251
            return bool(schema.validate(doc))

        ours, base = alternate(partial(medbridge.validate, data), floor, repeat)
        rows.append(
            (
                f"validate {path.name} ({len(data) // 1024} KiB)",
                f"{ours * 1e3:.2f} ms vs lxml {base * 1e3:.2f} ms",
                f"{ours / base:.2f}× of lxml",
                "≤ 2× of bare lxml",
            )
        )
    return rows


def bench_roundtrips(repeat: int) -> list[tuple[str, str, str, str]]:
    rows = []
    xml_path = next(p for p in xml_fixtures() if p.with_suffix(".edi").exists())
    xml = xml_path.read_bytes()
    edi = xml_path.with_suffix(".edi").read_bytes()
    t = median_time(lambda: medbridge.write(medbridge.read(xml), "xml"), repeat)
    rows.append(("XML → model → XML", f"{t * 1e3:.2f} ms/letter", f"{1 / t:.0f} letters/s", "-"))
    t = median_time(lambda: medbridge.write(medbridge.read(edi), "edifact"), repeat)
    rows.append(
        ("EDIFACT → model → EDIFACT", f"{t * 1e3:.2f} ms/letter", f"{1 / t:.0f} letters/s", "-")
    )
    t = median_time(lambda: medbridge.convert(xml, "edifact"), repeat)
    rows.append(
        (
            f"XML → EDIFACT {xml_path.name} ({len(xml) / 1024:.1f} KiB)",
            f"{t * 1e3:.2f} ms/letter",
            f"{1 / t:.0f} letters/s",
            "< 0.5 ms",
        )
    )
    return rows


def bench_empty_components(repeat: int) -> list[tuple[str, str, str, str]]:
    """Issue 11 point 9: writing an interchange whose UNB holds 60 000 empty components, against
    writing the same letter without them (time and tracemalloc peak)."""
    import tracemalloc

    plain = EPIKRISE_EDI.read_bytes()
    padded = plain.replace(b"UNB+UNOC:3+", b"UNB+UNOC:3" + b":" * 60_000 + b"+", 1)
    normal, hostile = medbridge.read(plain), medbridge.read(padded)
    t_hostile, t_normal = alternate(
        lambda: medbridge.write(hostile, "edifact"),
        lambda: medbridge.write(normal, "edifact"),
        repeat,
    )
    peaks = []
    for message in (hostile, normal):
        tracemalloc.start()
        medbridge.write(message, "edifact")
        peaks.append(tracemalloc.get_traced_memory()[1] / 1024)
        tracemalloc.stop()
    size_ratio = len(padded) / len(plain)
    return [
        (
            "write EDIFACT with 60 000 empty UNB components vs a normal letter",
            f"{t_hostile * 1e3:.2f} ms vs {t_normal * 1e3:.2f} ms",
            f"{t_hostile / t_normal:.1f}× for {size_ratio:.0f}× the bytes, "
            f"peak {peaks[0]:.0f} vs {peaks[1]:.0f} KiB",
            "linear: time ratio ≲ byte ratio (was 20 s)",
        )
    ]


def bench_batch(letters: int) -> list[tuple[str, str, str, str]]:
    sources = xml_fixtures()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        copies(sources, folder, letters)
        cli = [sys.executable, "-m", "medbridge"]
        timings = {}
        for jobs in (1, os.cpu_count() or 1):
            out = Path(tmp) / f"out{jobs}"
            start = time.perf_counter()
            subprocess.run(
                [
                    *cli,
                    "convert",
                    str(folder),
                    "--to",
                    "json",
                    "--out",
                    str(out),
                    "--jobs",
                    str(jobs),
                ],
                check=False,
                capture_output=True,
            )
            timings[jobs] = time.perf_counter() - start
    n = os.cpu_count() or 1
    return [
        (
            f"batch convert {letters} XML letters, --jobs 1 vs --jobs {n}",
            f"{timings[1]:.1f} s vs {timings[n]:.1f} s",
            f"{timings[1] / timings[n]:.2f}× speed-up",
            "≥ 1.7× with 2 processes",
        )
    ]


_MEMORY_CHILD = """
import sys
from pathlib import Path
import medbridge
limits = medbridge.Limits(max_input_bytes=1 << 40, max_segments=1 << 40, max_components=1 << 40)
count = 0
for message in medbridge.iter_read(Path(sys.argv[1]), limits=limits):
    count += 1
print(count, PEAK)
"""


def bench_memory(megabytes: int) -> list[tuple[str, str, str, str]]:
    one = interchange(1)
    per_message = len(one)
    messages = max(1, megabytes * 1024 * 1024 // per_message)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.edi"
        path.write_bytes(interchange(messages))
        size = path.stat().st_size
        baseline = subprocess.run(
            [sys.executable, "-c", f"import medbridge; print(0, {PEAK})"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        result = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD.replace("PEAK", PEAK), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1][:80] if result.stderr.strip() else "?"
        return [("iter_read peak memory", "failed", reason, "< 100 MB")]
    count, peak_kib = result.stdout.split()
    peak = int(peak_kib) / 1024
    base = int(baseline[1]) / 1024
    return [
        (
            f"iter_read {size / 1e6:.0f} MB interchange ({count} msgs)",
            f"peak RSS {peak:.0f} MB (import alone {base:.0f} MB)",
            f"{peak - base:.0f} MB above import",
            "< 100 MB",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    parser.add_argument("--only-scale", action="store_true", help="only the archive-scale rows")
    parser.add_argument(
        "--only-hostile", action="store_true", help="only the bounded-cost rows (issue 11)"
    )
    args = parser.parse_args()
    quick = args.quick
    repeat = 5 if quick else 21
    rows: list[tuple[str, str, str, str]] = []
    if not (args.only_scale or args.only_hostile):
        rows += bench_tokenizer(repeat, 50 if quick else 500)
        rows += bench_validation(repeat * 4)
        rows += bench_roundtrips(repeat * 4)
        rows += bench_empty_components(repeat)
        rows += bench_batch(200 if quick else 2000)
        rows += bench_memory(10 if quick else 100)
        rows += bench_cli(200 if quick else 1000, 3 if quick else 5)
        rows += bench_view(
            3 if quick else 5, 2 << 20 if quick else medbridge.Limits().max_input_bytes
        )
    if not args.only_hostile:
        rows += bench_scale(quick)
    if not args.only_scale:
        rows += bench_hostile(repeat)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, lxml {etree.__version__}"
    )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("measurement", "time", "ratio", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
