"""Arrow record batches in, report batches out: the function Spark's ``mapInArrow`` runs.

Spark (Databricks, Synapse, an on-premise cluster) reads a folder of letters as rows with its
``binaryFile`` source; after selecting ``path`` and ``content`` each Python worker receives them
as Arrow record batches. :func:`arrow_converter` returns the callable that converts every row
with :func:`~medbridge.batch.item.convert_item` and yields one report row per input row, in the
Spark schema :data:`OUTPUT_SCHEMA`::

    path string, status string, format string, kind string, version string,
    output binary, findings string, losses string

``findings`` and ``losses`` are JSON arrays (each finding as in the CLI's JSON report; losses
are the subset of findings with code ``convert.loss``); ``output`` is null unless the status
is ``converted`` or ``lossy``. A bad letter is a row, never an exception, so it never fails a
partition.

pyarrow is imported only here and only when a converter is made or called (install
``medbridge[spark]``); ``import medbridge`` never needs it. The callable is a small picklable
object: Spark ships it to the executors, where ``medbridge`` must be installed too. The costly
start-up (imports, compiling the XSD) is paid once per Python worker process, on its first
letter, and Spark reuses its workers across partitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Unpack

from medbridge.api import ConvertOptions
from medbridge.batch.item import ItemResult, convert_item, findings_json
from medbridge.registry import FORMATS

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "OUTPUT_COLUMNS",
    "OUTPUT_SCHEMA",
    "ArrowConverter",
    "arrow_converter",
    "require_pyarrow",
]

#: The report columns and their Spark SQL types, in order.
OUTPUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("path", "string"),
    ("status", "string"),
    ("format", "string"),
    ("kind", "string"),
    ("version", "string"),
    ("output", "binary"),
    ("findings", "string"),
    ("losses", "string"),
)
#: The Spark DDL schema of the rows an :func:`arrow_converter` yields.
OUTPUT_SCHEMA = ", ".join(f"{name} {kind}" for name, kind in OUTPUT_COLUMNS)


def require_pyarrow() -> Any:
    """The ``pyarrow`` module, or an ``ImportError`` that says which extra brings it."""
    try:
        import pyarrow
    except ImportError as exc:
        raise ImportError(
            "medbridge's Arrow/Spark adapters need pyarrow: pip install 'medbridge[spark]'"
        ) from exc
    return pyarrow


@dataclass(frozen=True, slots=True)
class ArrowConverter:
    """Converts Arrow batches with columns ``path`` (string) and ``content`` (binary) into
    batches of :data:`OUTPUT_SCHEMA`; one output row per input row, in the same order."""

    to: str
    options: ConvertOptions = field(default_factory=lambda: ConvertOptions())

    def __call__(self, batches: Iterable[pyarrow.RecordBatch]) -> Iterator[pyarrow.RecordBatch]:
        pa = require_pyarrow()
        for batch in batches:
            paths = batch.column("path").to_pylist()
            contents = batch.column("content").to_pylist()
            results = [
                self.convert(path or "", content or b"")
                for path, content in zip(paths, contents, strict=True)
            ]
            yield _report_batch(pa, results, _large_types(pa, batch))

    def convert(self, name: str, data: bytes) -> ItemResult:
        return convert_item(name, data, to=self.to, **self.options)


def arrow_converter(*, to: str, **options: Unpack[ConvertOptions]) -> ArrowConverter:
    """The function for ``DataFrame.mapInArrow(fn, OUTPUT_SCHEMA)`` converting every row to
    ``to`` (``xml``, ``edifact`` or ``json``) with :func:`medbridge.convert`'s options::

        rows = (
            spark.read.format("binaryFile").load("letters/")
            .select("path", "content")
            .mapInArrow(medbridge.batch.arrow_converter(to="xml"), medbridge.batch.OUTPUT_SCHEMA)
        )

    An unknown ``to`` is a ``ValueError`` and a missing pyarrow an ``ImportError`` here, on the
    driver, before any task runs.
    """
    if to not in FORMATS:
        raise ValueError(f"unknown format {to!r}; choose one of {', '.join(FORMATS)}")
    require_pyarrow()
    return ArrowConverter(to, options)


def _large_types(pa: Any, batch: pyarrow.RecordBatch) -> bool:
    """True when the input uses 64-bit offsets (Spark's ``useLargeVarTypes``): the output then
    does too, so it matches what Spark expects."""
    return bool(pa.types.is_large_binary(batch.schema.field("content").type))


def _report_batch(pa: Any, results: list[ItemResult], large: bool) -> pyarrow.RecordBatch:
    string = pa.large_string() if large else pa.string()
    binary = pa.large_binary() if large else pa.binary()
    types = {"string": string, "binary": binary}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in OUTPUT_COLUMNS])
    columns: dict[str, list[Any]] = {
        "path": [r.name for r in results],
        "status": [r.status.value for r in results],
        "format": [r.format for r in results],
        "kind": [r.kind for r in results],
        "version": [r.version for r in results],
        "output": [r.output for r in results],
        "findings": [findings_json(r.findings) for r in results],
        "losses": [findings_json(r.losses) for r in results],
    }
    arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
