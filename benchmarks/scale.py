"""Archive scale (issue #15): start-up, whole-interchange reads, Spark. Kept in one module."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from common import (
    FIXTURES,
    copies,
    interchange,
    median_time,
    xml_fixtures,
)

import medbridge

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
    """Median CPU time of ``fn`` after one call to warm it."""
    fn()
    return median_time(fn, repeat, time.process_time)


def bench_interchange_read(small: int, large: int) -> list[tuple[str, str, str, str]]:
    """CPU per message of ``read`` for a whole interchange, small against large."""
    limits = medbridge.Limits(max_input_bytes=1 << 40, max_segments=1 << 40)
    per_message = {}
    for messages in (small, large):
        data = interchange(messages)
        repeats = max(3, 3 * small // messages)
        per_message[messages] = (
            median_cpu(partial(medbridge.read, data, limits=limits), repeats) / messages
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
        inputs = [(str(path), path.read_bytes()) for path in copies(sources, folder, letters)]
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
