"""medbridge benchmarks: each operation against a baseline in the same run, alternating.

Run from the repository root after the README set-up::

    .venv/bin/python benchmarks/run.py            # full run (a few minutes)
    .venv/bin/python benchmarks/run.py --quick    # smaller inputs, fewer repeats

Inputs are generated from the bundled fixtures into a temporary folder. Every measurement
alternates the medbridge operation and its baseline, repeats, and prints medians and the ratio
next to the target from the performance issue. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from lxml import etree

import medbridge
from medbridge.edifact import iter_segments

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "valid"
EPIKRISE_EDI = FIXTURES / "epikrise" / "medcom-example-6-5.edi"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def alternate(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of ``a`` and ``b``, run alternately so drift hits both alike."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeat):
        for fn, bucket in ((a, ta), (b, tb)):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def interchange(messages: int) -> bytes:
    """A UNOC interchange of ``messages`` DIS01 messages built from the §6.5 example."""
    text = EPIKRISE_EDI.read_bytes().decode("iso-8859-1")
    segments = [s for s in re.split(r"(?<=[^?]')\s*", text) if s]
    una, unb = segments[0], segments[1]
    body = segments[2:-1]
    out = [una, unb]
    for n in range(messages):
        for seg in body:
            out.append(seg.replace("EPI0000042", f"EPI{n:07d}"))
    out.append(f"UNZ+{messages}+ENV0000042'")
    return "".join(out).encode("iso-8859-1")


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


def xml_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.xml"))


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

        ours, base = alternate(lambda data=data: medbridge.validate(data), floor, repeat)
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


def bench_batch(letters: int) -> list[tuple[str, str, str, str]]:
    sources = xml_fixtures()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for n in range(letters):
            src = sources[n % len(sources)]
            (folder / f"{n:05d}-{src.name}").write_bytes(src.read_bytes())
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


def cli_letters(folder: Path, letters: int) -> list[Path]:
    """``letters`` copies of the valid fixtures of ordinary size (the 40–140 KB stress letters
    left out), XML and EDIFACT, under distinct names in ``folder``."""
    sources = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".xml", ".edi"))
    sources = [p for p in sources if p.stat().st_size < 16 * 1024]
    folder.mkdir()
    paths = []
    for n in range(letters):
        src = sources[n % len(sources)]
        path = folder / f"{n:05d}-{src.name}"
        path.write_bytes(src.read_bytes())
        paths.append(path)
    return paths


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_convert(folder: Path, out: Path, *options: str) -> tuple[float, float]:
    """CPU (this and every worker process, from ``RUSAGE_CHILDREN``) and wall time of one
    ``medbridge convert`` run into a fresh ``out``."""
    cpu, start = children_cpu(), time.perf_counter()
    command = [sys.executable, "-m", "medbridge", "convert", str(folder), "--to", "json"]
    done = subprocess.run(
        [*command, "--out", str(out), "--quiet", *options],
        check=False,
        capture_output=True,
    )
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-300:])
    return cpu, wall


def bench_cli(letters: int, repeat: int) -> list[tuple[str, str, str, str]]:
    """The command line against the library: ``convert --jobs 1`` CPU per letter against warm
    in-process ``medbridge.convert`` of the same bytes; its fixed part (a run over one copy of each
    distinct letter: start-up and every first-letter cost); the library converting and writing
    each output atomically without fsync, against which ``--fsync never`` shows the command's own
    work; what ``--fsync end`` adds; and ``--jobs 2`` against ``--jobs 1``."""
    from medbridge.files import atomic_write

    with tempfile.TemporaryDirectory() as tmp:
        paths = cli_letters(Path(tmp) / "in", letters)
        distinct = Path(tmp) / "distinct"
        distinct.mkdir()
        firsts = {p.name.split("-", 1)[1]: p for p in reversed(paths)}
        for path in firsts.values():
            (distinct / path.name).write_bytes(path.read_bytes())
        data = [p.read_bytes() for p in paths]
        for item in data:  # warm: schemas compiled, caches filled
            medbridge.convert(item, "json")
        runs = iter(range(1 << 30))

        def fresh() -> Path:
            return Path(tmp) / f"out{next(runs)}"

        def run(folder: str, *options: str) -> tuple[float, float]:
            return cli_convert(Path(tmp) / folder, fresh(), *options)

        def convert_and_write() -> None:
            out = fresh()
            for path in paths:
                result = medbridge.convert(path.read_bytes(), "json")
                atomic_write(out / path.with_suffix(".json").name, result.output, sync=False)

        library, written, cli1, fixed, never1, wall1, wall2 = [], [], [], [], [], [], []
        for _ in range(repeat):
            begin = time.process_time()
            for item in data:
                medbridge.convert(item, "json")
            library.append((time.process_time() - begin) / letters)
            begin = time.process_time()
            convert_and_write()
            written.append((time.process_time() - begin) / letters)
            cpu, wall = run("in", "--jobs", "1")
            cli1.append(cpu / letters)
            wall1.append(wall)
            fixed.append(run("distinct", "--jobs", "1")[0])
            never1.append(run("in", "--jobs", "1", "--fsync", "never")[0] / letters)
            wall2.append(run("in", "--jobs", "2")[1])
    lib, write, cli, never = (statistics.median(x) for x in (library, written, cli1, never1))
    start = statistics.median(fixed) - len(firsts) * lib
    never_marginal = (never * letters - start) / letters
    w1, w2 = statistics.median(wall1), statistics.median(wall2)
    return [
        (
            f"convert --jobs 1, {letters} letters → JSON: CPU per letter",
            f"{cli * 1e3:.2f} ms vs in-process {lib * 1e3:.2f} ms",
            f"{cli / lib:.2f}× of in-process",
            "≤ 1.5×",
        ),
        (
            "  of which start-up and first letters (once per run)",
            f"{start:.2f} s",
            f"{start / letters * 1e3:.2f} ms per letter",
            "-",
        ),
        (
            "  in-process convert + atomic write, no fsync",
            f"{write * 1e3:.2f} ms",
            f"{write / lib:.2f}× of in-process",
            "-",
        ),
        (
            "  --fsync never without start-up vs the line above",
            f"{never_marginal * 1e3:.2f} ms",
            f"{never_marginal / write:.2f}× of convert + write",
            "-",
        ),
        (
            "  --fsync end (the default) vs never",
            f"{cli * 1e3:.2f} ms vs {never * 1e3:.2f} ms",
            f"+{(cli - never) * 1e3:.2f} ms per letter",
            "-",
        ),
        (
            f"convert {letters} letters, --jobs 2 vs --jobs 1 (wall)",
            f"{w2:.2f} s vs {w1:.2f} s",
            f"{w1 / w2:.2f}× speed-up",
            "-",
        ),
    ]


# VmHWM resets at exec; ru_maxrss would inherit the parent's peak on Linux.
_PEAK = "int(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')).split()[1])"

_MEMORY_CHILD = """
import sys
from pathlib import Path
import medbridge
limits = medbridge.Limits(max_input_bytes=1 << 40, max_segments=1 << 40)
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
            [sys.executable, "-c", f"import medbridge; print(0, {_PEAK})"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        result = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD.replace("PEAK", _PEAK), str(path)],
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
    args = parser.parse_args()
    quick = args.quick
    repeat = 5 if quick else 21
    rows: list[tuple[str, str, str, str]] = []
    rows += bench_tokenizer(repeat, 50 if quick else 500)
    rows += bench_validation(repeat * 4)
    rows += bench_roundtrips(repeat * 4)
    rows += bench_batch(200 if quick else 2000)
    rows += bench_memory(10 if quick else 100)
    rows += bench_cli(200 if quick else 1000, 3 if quick else 5)
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
    _ = resource


if __name__ == "__main__":
    main()
