"""Shared by the benchmark modules: the fixture paths, timing helpers and generated inputs."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "valid"
EPIKRISE_EDI = FIXTURES / "epikrise" / "medcom-example-6-5.edi"


def median_time(
    fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
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


def copies(sources: list[Path], folder: Path, letters: int) -> list[Path]:
    """``letters`` copies of ``sources`` in turn, written into the existing ``folder`` under
    distinct names (``00042-apopleksi.xml``)."""
    paths = []
    for n in range(letters):
        src = sources[n % len(sources)]
        path = folder / f"{n:05d}-{src.name}"
        path.write_bytes(src.read_bytes())
        paths.append(path)
    return paths


def xml_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.xml"))


# VmHWM resets at exec; ru_maxrss would inherit the parent's peak on Linux.
PEAK = "int(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')).split()[1])"
