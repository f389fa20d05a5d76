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


# ---------------------------------------------------------------------------------------------
# Archive scale (issue #15): start-up, whole-interchange reads, Spark. Kept in one section.

_FIRST_LETTER_CHILD = """
import sys, time
start = time.process_time()
import medbridge
imported = time.process_time()
medbridge.convert(open(sys.argv[1], "rb").read(), to=sys.argv[2])
done = time.process_time()
print(imported - start, done - start)
"""


def bench_first_letter(repeat: int) -> list[tuple[str, str, str, str]]:
    """CPU of a fresh process converting its first letter (import included) against the
    steady per-letter CPU of the same conversion in a warm process."""
    xml = FIXTURES / "epikrise" / "apopleksi.xml"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as cache:
        env["PYTHONPYCACHEPREFIX"] = cache  # bytecode cached, as after any installation
        runs = []
        for index in range(repeat + 1):
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_LETTER_CHILD, str(xml), "edifact"],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout.split()
            if index:  # the first run writes the bytecode cache
                runs.append((float(out[0]), float(out[1])))
    imported = statistics.median(r[0] for r in runs)
    first = statistics.median(r[1] for r in runs)
    data = xml.read_bytes()
    steady = median_cpu(lambda: medbridge.convert(data, "edifact"), repeat * 20)
    return [
        (
            "first letter in a fresh process (XML → EDIFACT)",
            f"{first:.3f} s CPU (import {imported:.3f} s) vs {steady * 1e3:.2f} ms warm",
            f"{first / steady:.0f}× a warm letter",
            "≤ 0.25 s CPU",
        )
    ]


def median_cpu(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def bench_interchange_read(small: int, large: int) -> list[tuple[str, str, str, str]]:
    """CPU per message of ``read`` for a whole interchange, small against large."""
    limits = medbridge.Limits(max_input_bytes=1 << 40, max_segments=1 << 40)
    per_message = {}
    for messages in (small, large):
        data = interchange(messages)
        repeats = max(3, 3 * small // messages)
        per_message[messages] = (
            median_cpu(lambda data=data: medbridge.read(data, limits=limits), repeats) / messages
        )
    return [
        (
            f"read a whole interchange, {small} vs {large} msgs",
            f"{per_message[small] * 1e3:.2f} vs {per_message[large] * 1e3:.2f} ms CPU/msg",
            f"{per_message[large] / per_message[small]:.2f}× per message",
            "flat (≈ 1×)",
        )
    ]


def bench_spark(letters: int) -> list[tuple[str, str, str, str]]:
    """Spark local[2] (``convert_frame`` over ``binaryFile``) against ``convert_item`` in one
    process, on the same letters; both in wall-clock letters per second."""
    try:
        from pyspark.sql import SparkSession

        from medbridge.batch import convert_item
        from medbridge.batch.spark import convert_frame
    except ImportError:
        return [("Spark local[2]", "not installed", "pip install -e '.[spark]'", "-")]
    sources = [
        p
        for p in xml_fixtures()
        if p.stat().st_size < 20_000 and convert_item(p.name, p.read_bytes(), to="edifact").ok
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        inputs = []
        for n in range(letters):
            src = sources[n % len(sources)]
            path = folder / f"{n:05d}-{src.name}"
            path.write_bytes(src.read_bytes())
            inputs.append((str(path), path.read_bytes()))
        start = time.perf_counter()
        for name, data in inputs:
            convert_item(name, data, to="edifact")
        in_process = letters / (time.perf_counter() - start)
        cli = [sys.executable, "-m", "medbridge", "convert", str(folder), "--to", "edifact"]
        start = time.perf_counter()
        subprocess.run([*cli, "--out", str(Path(tmp) / "cli"), "--jobs", "2", "-q"], check=False)
        cli_rate = letters / (time.perf_counter() - start)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # A small open cost packs many small letters into each task (the README explains).
            .config("spark.sql.files.openCostInBytes", str(8 * 1024))
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        try:
            frame = convert_frame(spark, str(folder), "edifact")
            frame.groupBy("status").count().collect()  # warm: JVM, Python workers, imports
            start = time.perf_counter()
            counts = frame.groupBy("status").count().collect()
            spark_rate = letters / (time.perf_counter() - start)
        finally:
            spark.stop()
    converted = sum(row["count"] for row in counts if row["status"] == "converted")
    return [
        (
            f"Spark local[2] vs 1 process, {letters} 3–7 KB XML letters → EDIFACT ({converted} ok)",
            f"{spark_rate:.0f} vs {in_process:.0f} letters/s",
            f"{spark_rate / in_process:.2f}× one process",
            "-",
        ),
        (
            f"Spark local[2] vs CLI --jobs 2, the same {letters} letters → EDIFACT",
            f"{spark_rate:.0f} vs {cli_rate:.0f} letters/s",
            f"{spark_rate / cli_rate:.2f}× the CLI",
            "-",
        ),
    ]


def bench_scale(quick: bool) -> list[tuple[str, str, str, str]]:
    rows = bench_first_letter(3 if quick else 7)
    rows += bench_interchange_read(100, 1000 if quick else 10_000)
    rows += bench_spark(400 if quick else 2000)
    return rows


# -- bounded cost (issue 11, points 8-10): hostile inputs against a normal letter, each in a fresh
# process so that its peak RSS is its own. Time is one run's median, memory the process's peak.

_HOSTILE_CHILD = """
import statistics, sys, time
from pathlib import Path
import medbridge
op, path, warm, repeat = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
data = path.read_bytes()
medbridge.validate(warm.read_bytes())  # schemas compiled, modules imported: not measured
message = medbridge.read(data) if op == "write" else None
def run():
    if op == "write":
        return medbridge.write(message, "edifact")
    return medbridge.validate(data)
times = []
for _ in range(repeat):
    start = time.perf_counter()
    result = run()
    times.append(time.perf_counter() - start)
codes = sorted({f.code for f in result.findings if f.is_error}) if op == "validate" else ["written"]
print(statistics.median(times), PEAK, ",".join(codes) or "valid")
"""


def _measure(op: str, data: bytes, warm: Path, repeat: int) -> tuple[float, float, str] | str:
    """(seconds, peak RSS in MB, error codes) of ``op`` on ``data`` in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(data)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _HOSTILE_CHILD.replace("PEAK", _PEAK),
                op,
                str(path),
                str(warm),
                str(repeat),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        return result.stderr.strip().splitlines()[-1][:80] if result.stderr.strip() else "?"
    seconds, peak_kib, codes = result.stdout.split()
    return float(seconds), int(peak_kib) / 1024, codes


def _insert(base: bytes, marker: bytes, filler: bytes, before: bool = False) -> bytes:
    head, sep, tail = base.partition(marker)
    return head + filler + sep + tail if before else head + sep + filler + tail


def _up_to(size: int, base: bytes, unit: bytes) -> bytes:
    return unit * ((size - len(base)) // len(unit))


def bench_hostile(repeat: int) -> list[tuple[str, str, str, str]]:
    size = 20 * 1024 * 1024 - 64 * 1024  # just under the default byte limit
    letter = (FIXTURES / "epikrise" / "apopleksi.xml").read_bytes()
    large = FIXTURES / "epikrise" / "specialer.xml"
    prefixes = b"".join(b' xmlns:p%d="urn:u"' % n for n in range(1_000_000))[: size - len(letter)]
    prefixes = prefixes[: prefixes.rfind(b" ")]
    attributes = b"".join(b' a%d=""' % n for n in range(2_000_000))[: size - len(letter)]
    attributes = attributes[: attributes.rfind(b" ")]
    xml_cases = [
        ("50 000 unknown siblings", _insert(letter, b"</DischargeLetter>", b"<X/>" * 50_000, True)),
        ("20 MiB of <Break/>", _insert(letter, b"<Text01>", _up_to(size, letter, b"<Break/>"))),
        (
            "20 MiB of empty comments",
            _insert(letter, b"<Text01>", _up_to(size, letter, b"<!---->")),
        ),
        ("20 MiB of PIs", _insert(letter, b"<Text01>", _up_to(size, letter, b"<?a?>"))),
        (
            "20 MiB of xmlns per element",
            _insert(letter, b"<Text01>", _up_to(size, letter, b'<Break xmlns:a="u"/>')),
        ),
        ("20 MiB of xmlns prefixes", _insert(letter, b"<Letter", prefixes)),
        ("20 MiB of attributes", _insert(letter, b"<Letter", attributes)),
    ]
    rows = []
    base = _measure("validate", large.read_bytes(), large, repeat)
    if isinstance(base, str):
        return [("validate specialer.xml (baseline)", "failed", base, "-")]
    for name, data in xml_cases:
        got = _measure("validate", data, large, max(1, repeat // 4))
        rows.append(_hostile_row(f"validate {name} ({len(data) // 1024} KiB)", got, base, large))
    edi = EPIKRISE_EDI.read_bytes()
    cut = edi.index(b"UNT+")
    edi_cases = [
        ("20 MiB of tiny segments", edi[:cut] + _up_to(size, edi, b"FTX+AAA'") + edi[cut:]),
        (
            "20 MiB of empty elements",
            edi[:cut] + _up_to(size, edi, b"FTX+AAA" + b"+" * 60_000 + b"'") + edi[cut:],
        ),
    ]
    edi_base = _measure("validate", edi, EPIKRISE_EDI, repeat)
    if isinstance(edi_base, str):
        return [*rows, ("validate medcom-example-6-5.edi (baseline)", "failed", edi_base, "-")]
    for name, data in edi_cases:
        got = _measure("validate", data, EPIKRISE_EDI, max(1, repeat // 4))
        rows.append(_hostile_row(f"validate {name}", got, edi_base, EPIKRISE_EDI))
    # Point 9: the writer, given a UNB whose S001 ends in 60 000 empty components.
    wide = edi.replace(b"UNB+UNOC:3", b"UNB+UNOC:3" + b":" * 60_000, 1)
    write_base = _measure("write", edi, EPIKRISE_EDI, repeat)
    if isinstance(write_base, str):
        return [*rows, ("write medcom-example-6-5.edi (baseline)", "failed", write_base, "-")]
    got = _measure("write", wide, EPIKRISE_EDI, 1)
    rows.append(
        _hostile_row("write EDIFACT, UNB + 60 000 empty components", got, write_base, EPIKRISE_EDI)
    )
    return rows


def _hostile_row(
    name: str,
    got: tuple[float, float, str] | str,
    base: tuple[float, float, str],
    against: Path,
) -> tuple[str, str, str, str]:
    if isinstance(got, str):
        return (name, "failed", got, "< 512 MB")
    seconds, peak, codes = got
    return (
        f"{name}: {codes}",
        f"{_ms(seconds)} vs {_ms(base[0])} {against.name}; peak {peak:.0f} MB vs {base[1]:.0f} MB",
        f"{seconds / base[0]:.1f}× time, {peak / base[1]:.2f}× RSS",
        "< 512 MB",
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


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
    _ = resource


if __name__ == "__main__":
    main()
