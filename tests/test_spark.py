"""The Spark recipe on a real Spark in local mode (``local[2]``, bound to 127.0.0.1, UI off):
every row is what in-process ``convert`` / ``convert_item`` gives for the same bytes.

One session serves the whole module (start-up costs seconds); the tests are few and each runs
a handful of small jobs. Spark talks to its JVM and its Python workers over loopback sockets,
so this module lets connections to 127.0.0.0/8 and ::1 through; any other address stays
blocked, as everywhere in the suite.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from batch_inputs import broken_inputs, fixture_inputs, unseen_inputs
from conftest import DEAD_PROXY, NetworkBlocked
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession
from strategies import messages

import medbridge
from medbridge.batch import OUTPUT_SCHEMA, ItemStatus, arrow_converter, convert_item
from medbridge.batch.arrow import OUTPUT_COLUMNS
from medbridge.batch.item import findings_json
from medbridge.batch.spark import convert_files, convert_frame
from medbridge.model import Message


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else None
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Overrides the suite's guard for this module: loopback allowed, everything else not."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX or _loopback(address):
            return real_connect(self, address)
        raise NetworkBlocked(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(var, DEAD_PROXY)
    yield


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    with pytest.MonkeyPatch.context() as env:
        # The Python workers run this interpreter (with medbridge and pyarrow installed).
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            SparkSession.builder.master("local[2]")
            .appName("medbridge-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.warehouse.dir", str(warehouse))
            # Small Arrow batches: several batches per partition go through the converter.
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


def _write_tree(root: Path, inputs: dict[str, bytes]) -> None:
    for name, data in inputs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _local_path(uri: str) -> Path:
    assert uri.startswith("file:")
    return Path(uri.removeprefix("file:").removeprefix("//"))


def _expected_row(name: str, data: bytes, to: str, allow_loss: bool) -> dict[str, Any]:
    item = convert_item(name, data, to=to, allow_loss=allow_loss)
    return {
        "path": name,
        "status": item.status.value,
        "format": item.format,
        "kind": item.kind,
        "version": item.version,
        "output": item.output,
        "findings": findings_json(item.findings),
        "losses": findings_json(item.losses),
    }


def _check_against_convert(row: dict[str, Any], data: bytes, to: str, allow_loss: bool) -> None:
    """The row's output and findings are ``medbridge.convert``'s for the same bytes."""
    try:
        result = medbridge.convert(data, to, allow_loss=allow_loss)
    except (medbridge.InputError, medbridge.ConversionError) as exc:
        assert row["status"] == "invalid" and row["output"] is None
        assert [f["code"] for f in json.loads(row["findings"])] == [f.code for f in exc.findings]
        return
    assert row["status"] == ("lossy" if result.losses else "converted")
    assert row["output"] == result.output
    assert [f["code"] for f in json.loads(row["findings"])] == [f.code for f in result.findings]


def test_binary_files_convert_to_the_in_process_rows(spark: SparkSession, tmp_path: Path) -> None:
    inputs = {**fixture_inputs(), **broken_inputs()}
    _write_tree(tmp_path / "in", inputs)
    frame = convert_frame(spark, str(tmp_path / "in"), "edifact")
    fields = [(f.name, f.dataType.simpleString()) for f in frame.schema.fields]
    assert fields == list(OUTPUT_COLUMNS)
    rows = [row.asDict() for row in frame.collect()]
    seen = {}
    for row in rows:
        data = _local_path(row["path"]).read_bytes()
        assert row == _expected_row(row["path"], data, "edifact", False)
        _check_against_convert(row, data, "edifact", False)
        seen[_local_path(row["path"]).relative_to(tmp_path / "in").as_posix()] = row["status"]
    # Spark's file sources skip 0-byte files: they get no row (documented).
    assert set(seen) == {name for name, data in inputs.items() if data}
    assert len(rows) == len(seen)
    assert seen["valid/epikrise/apopleksi.xml"] == "converted"
    assert seen["valid/epikrise/xmlonly-fritekst-cp1252.xml"] == "invalid"  # refused: loss
    broken = [name for name, data in broken_inputs().items() if data and name.endswith("edi")]
    assert broken and all(seen[name] == "invalid" for name in broken)
    assert "failed" not in seen.values()


def test_convert_files_writes_the_parquet_report(spark: SparkSession, tmp_path: Path) -> None:
    inputs = {
        name: data
        for name, data in fixture_inputs().items()
        if name.startswith("valid/") or "schema" in name
    } | broken_inputs()
    _write_tree(tmp_path / "in", inputs)
    report = tmp_path / "report.parquet"
    counts = convert_files(
        spark,
        str(tmp_path / "in"),
        "edifact",
        str(report),
        allow_loss=True,
        path_glob="*.{xml,edi}",
        include_output=True,
    )
    table = pq.read_table(report)
    assert table.column_names == [
        "path",
        "status",
        "format",
        "kind",
        "version",
        "output",
        "findings",
        "losses",
    ]
    rows = table.to_pylist()
    expected_names = {n for n, data in inputs.items() if data and n.endswith((".xml", ".edi"))}
    assert {
        _local_path(r["path"]).relative_to(tmp_path / "in").as_posix() for r in rows
    } == expected_names
    for row in rows:
        data = _local_path(row["path"]).read_bytes()
        assert row == _expected_row(row["path"], data, "edifact", True)
    by_status = {status.value: 0 for status in ItemStatus}
    for row in rows:
        by_status[row["status"]] += 1
    assert counts == by_status
    assert counts["converted"] and counts["lossy"] and counts["invalid"] and not counts["failed"]
    # Without the outputs, and never over an existing report.
    slim = tmp_path / "slim.parquet"
    convert_files(spark, str(tmp_path / "in"), "json", str(slim))
    assert "output" not in pq.read_table(slim).column_names
    with pytest.raises(AnalysisException, match=r"(?i)already exists"):
        convert_files(spark, str(tmp_path / "in"), "json", str(slim))


@settings(max_examples=3, phases=[Phase.generate], database=None)
@given(letters=st.lists(messages(), min_size=4, max_size=6))
def test_letters_no_fixture_holds_convert_as_in_process(
    spark: SparkSession, letters: list[Message]
) -> None:
    inputs = unseen_inputs(letters)
    frame = spark.createDataFrame(list(inputs.items()), "path string, content binary")
    for to in ("xml", "edifact"):
        rows = [
            row.asDict()
            for row in frame.mapInArrow(arrow_converter(to=to), OUTPUT_SCHEMA).collect()
        ]
        assert [row["path"] for row in rows] == list(inputs)
        for row in rows:
            assert row == _expected_row(row["path"], inputs[row["path"]], to, False)
            _check_against_convert(row, inputs[row["path"]], to, False)
