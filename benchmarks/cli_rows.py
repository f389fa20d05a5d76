"""The command line against the library (issue #15): ``bench_cli`` and its helpers."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    FIXTURES,
    copies,
)

import medbridge


def cli_letters(folder: Path, letters: int) -> list[Path]:
    """``letters`` copies of the valid fixtures of ordinary size (the 40–140 KB stress letters
    left out), XML and EDIFACT, under distinct names in ``folder``."""
    sources = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".xml", ".edi"))
    sources = [p for p in sources if p.stat().st_size < 16 * 1024]
    folder.mkdir()
    return copies(sources, folder, letters)


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
