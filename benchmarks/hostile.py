"""Bounded cost (issue 11, points 8-10): hostile inputs against a normal letter, each in a fresh
process so that its peak RSS is its own. Time is one run's median, memory the process's peak."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from common import (
    EPIKRISE_EDI,
    FIXTURES,
    PEAK,
)

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
                _HOSTILE_CHILD.replace("PEAK", PEAK),
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
