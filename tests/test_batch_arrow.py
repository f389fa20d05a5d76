"""``medbridge.batch.arrow_converter`` on Arrow batches, without Spark: one report row per
input row, in the declared schema, each row what ``convert_item`` gives for that input."""

from __future__ import annotations

import json
import pickle

import pyarrow as pa
import pytest
from batch_inputs import broken_inputs, fixture_inputs

from medbridge.batch import OUTPUT_SCHEMA, arrow_converter, convert_item
from medbridge.batch.arrow import OUTPUT_COLUMNS
from medbridge.batch.item import findings_json
from medbridge.limits import Limits

INPUTS = {**fixture_inputs(), **broken_inputs()}


def _batches(items: dict[str, bytes], size: int, large: bool = False) -> list[pa.RecordBatch]:
    string, binary = (pa.large_string(), pa.large_binary()) if large else (pa.string(), pa.binary())
    names = list(items)
    return [
        pa.RecordBatch.from_arrays(
            [
                pa.array(names[i : i + size], type=string),
                pa.array([items[n] for n in names[i : i + size]], type=binary),
            ],
            names=["path", "content"],
        )
        for i in range(0, len(names), size)
    ]


def test_output_schema_is_the_documented_ddl() -> None:
    assert OUTPUT_SCHEMA == (
        "path string, status string, format string, kind string, version string, "
        "output binary, findings string, losses string"
    )


@pytest.mark.parametrize("large", [False, True], ids=["32-bit offsets", "64-bit offsets"])
def test_every_row_is_what_convert_item_gives(large: bool) -> None:
    converter = arrow_converter(to="edifact", allow_loss=True)
    inputs = _batches(INPUTS, size=16, large=large)
    outputs = list(converter(iter(inputs)))
    assert [len(b) for b in outputs] == [len(b) for b in inputs]
    string, binary = (pa.large_string(), pa.large_binary()) if large else (pa.string(), pa.binary())
    types = {"string": string, "binary": binary}
    expected_schema = pa.schema([(name, types[kind]) for name, kind in OUTPUT_COLUMNS])
    rows = []
    for batch in outputs:
        assert batch.schema == expected_schema
        rows += batch.to_pylist()
    assert [row["path"] for row in rows] == list(INPUTS)
    for row in rows:
        item = convert_item(row["path"], INPUTS[row["path"]], to="edifact", allow_loss=True)
        assert row == {
            "path": item.name,
            "status": item.status.value,
            "format": item.format,
            "kind": item.kind,
            "version": item.version,
            "output": item.output,
            "findings": findings_json(item.findings),
            "losses": findings_json(item.losses),
        }
    statuses = {row["status"] for row in rows}
    assert statuses == {"converted", "lossy", "invalid"}
    lossy = next(row for row in rows if row["status"] == "lossy")
    assert {f["code"] for f in json.loads(lossy["losses"])} == {"convert.loss"}


def test_null_cells_and_options_reach_every_row() -> None:
    batch = pa.RecordBatch.from_arrays(
        [pa.array([None, "big.xml"], pa.string()), pa.array([None, b"<a/>" * 40], pa.binary())],
        names=["path", "content"],
    )
    converter = arrow_converter(to="xml", limits=Limits(max_input_bytes=100))
    (out,) = converter([batch])
    rows = out.to_pylist()
    assert [r["path"] for r in rows] == ["", "big.xml"]
    assert [r["status"] for r in rows] == ["invalid", "invalid"]
    assert json.loads(rows[0]["findings"])[0]["code"] == "input.empty"
    assert json.loads(rows[1]["findings"])[0]["code"] == "input.too-large"
    assert rows[1]["output"] is None


def test_the_converter_pickles_for_the_executors_and_checks_its_target() -> None:
    converter = arrow_converter(to="json", allow_nonstandard=True)
    again = pickle.loads(pickle.dumps(converter))
    assert again == converter
    with pytest.raises(ValueError, match="unknown format"):
        arrow_converter(to="pdf")
