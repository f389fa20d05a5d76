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


# statements for the view's worst case: every sentence holds a critical fact or a follow-up item,
# some with a typo; dates vary so that the letter is not one word list repeated
VIEW_STATEMENTS = (
    "Pt. ønsker ikke genoplivning, jf. samtale {date} kl. 14.30.",
    "Ingen HLR og ingen respirator, aftalt med pt. og datter {date}.",
    "CAVE: Penicillin (udslæt {year}).",
    "MRSA-bærer; isoleres på enestue indtil {date}.",
    "Tåler ikke morfin.",
    "Genoplivnig fravalgt efter samtale {date}.",
    "Penicilinalergi.",
    "Behandlingsniveau aftalt {date}: ikke kandidat til ITA.",
    "Kontrol hos egen læge om {weeks} uger.",
)


def _view_parts() -> tuple[str, str, str]:
    """The fixture epikrise (UTF-8) around its clinical text, and that text."""
    source = (FIXTURES / "epikrise" / "hjertesvigt-hlr.xml").read_bytes().decode("cp1252")
    source = source.replace('encoding="windows-1252"', 'encoding="utf-8"')
    head, rest = source.split("<Text01>", 1)
    body, tail = rest.split("</Text01>", 1)
    return head + "<Text01>", body, "</Text01>" + tail


def repeated_letter(size: int) -> bytes:
    """The fixture epikrise with its clinical text repeated, as paragraphs, to ``size`` bytes:
    a letter at the size limit with the density of a real one."""
    head, body, tail = _view_parts()
    copy = body + "<Break/><Break/>"
    copies = (size - len((head + tail).encode())) // len(copy.encode())
    return (head + copy * copies + tail).encode()


def view_letter(size: int, paragraphs: bool) -> bytes:
    """The fixture epikrise with its clinical text replaced by dense statements, ``size`` bytes:
    one paragraph (with a word in bold now and then), or paragraphs of three lines of three
    statements."""
    head, _, tail = _view_parts()
    budget = size - len((head + tail).encode())
    parts: list[str] = []
    used = 0
    n = 0
    while True:
        template = VIEW_STATEMENTS[n % len(VIEW_STATEMENTS)]
        day = n % 28 + 1
        text = template.format(
            date=f"{day:02d}.{n % 12 + 1:02d}.{2000 + n % 25}", year=1990 + n % 35, weeks=n % 9 + 2
        )
        glue = " "
        if paragraphs and n % 9 == 8:
            glue = "<Break/><Break/>"
        elif paragraphs and n % 3 == 2:
            glue = "<Break/>"
        elif n % 9999 == 0:  # libxml2 takes text nodes of up to 10 MB: bold, same paragraph
            text = f"<Bold>{text}</Bold>"
        piece = text + glue
        if used + len(piece.encode()) > budget:
            break
        parts.append(piece)
        used += len(piece.encode())
        n += 1
    return (head + "".join(parts) + tail).encode()


def bench_view(repeat: int, size: int) -> list[tuple[str, str, str, str]]:
    """``critical_facts`` against ``medbridge.read`` of the same letter: a fixture, and letters
    of ``size`` bytes where every sentence is a statement the view quotes."""
    from medbridge.view import critical_facts

    mib = f"{size / 2**20:.0f} MiB"
    cases = [
        ("hjertesvigt-hlr.xml", (FIXTURES / "epikrise" / "hjertesvigt-hlr.xml").read_bytes()),
        (f"its text repeated, {mib}", repeated_letter(size)),
        (f"dense, paragraphs, {mib}", view_letter(size, True)),
        (f"dense, one paragraph, {mib}", view_letter(size, False)),
    ]
    rows = []
    for label, data in cases:
        letter = medbridge.read(data).letters[0]
        facts = critical_facts(letter)
        times = 1 if len(data) > 1 << 20 else 200
        ours, base = alternate(
            lambda letter=letter, times=times: [critical_facts(letter) for _ in range(times)],
            lambda data=data, times=times: [medbridge.read(data) for _ in range(times)],
            repeat,
        )
        hits = sum(len(f.terms) for f in facts)
        rows.append(
            (
                f"critical_facts {label} ({hits} terms)",
                f"{ours / times * 1e3:.1f} ms vs read {base / times * 1e3:.1f} ms",
                f"{ours / base:.2f}× of read",
                "≤ 1.5× of read",
            )
        )
    return rows


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
    rows += bench_view(3 if quick else 5, 2 << 20 if quick else medbridge.Limits().max_input_bytes)
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
