"""The ready Spark recipe: a folder (or bucket) of letters in, a Parquet report out.

:func:`convert_frame` reads every file below ``input_path`` with Spark's ``binaryFile`` source
(recursively; optionally only names matching ``path_glob``), converts each with
:func:`~medbridge.batch.arrow.arrow_converter` in ``mapInArrow`` and gives the report rows
(:data:`~medbridge.batch.arrow.OUTPUT_SCHEMA`). :func:`convert_files` writes them as Parquet:
the report columns, plus the converted bytes in ``output`` when ``include_output=True`` (a
Parquet dataset holds millions of small outputs far better than millions of small files;
write them out from it where files are needed). One row per input file, bad ones included.

Needs ``medbridge[spark]`` (pyspark and pyarrow) on the driver and the executors; pyspark is
imported only for type checking here, the session is the caller's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from medbridge.batch.arrow import OUTPUT_SCHEMA, arrow_converter
from medbridge.batch.item import ItemStatus

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from medbridge.api import ConvertOptions

__all__ = ["convert_files", "convert_frame"]


def convert_frame(
    spark: SparkSession,
    input_path: str,
    to: str,
    *,
    path_glob: str | None = None,
    **options: Unpack[ConvertOptions],
) -> DataFrame:
    """The report rows for every file below ``input_path`` (lazy: nothing runs until an
    action). ``path_glob`` filters file names (Spark's ``pathGlobFilter``, e.g.
    ``"*.{xml,edi,edifact}"``, the CLI's default patterns); by default every file is a row.
    The ``options`` are :func:`medbridge.convert`'s."""
    converter = arrow_converter(to=to, **options)
    reader = spark.read.format("binaryFile").option("recursiveFileLookup", "true")
    if path_glob is not None:
        reader = reader.option("pathGlobFilter", path_glob)
    files = reader.load(input_path).select("path", "content")
    return files.mapInArrow(converter, OUTPUT_SCHEMA)


def convert_files(
    spark: SparkSession,
    input_path: str,
    to: str,
    output_path: str,
    *,
    path_glob: str | None = None,
    include_output: bool = False,
    mode: str = "errorifexists",
    **options: Unpack[ConvertOptions],
) -> dict[str, int]:
    """Convert every file below ``input_path`` to ``to`` and write the report to
    ``output_path`` as Parquet (``mode`` as in ``DataFrameWriter.mode``; by default an existing
    ``output_path`` is an error). Returns how many files ended in each status (``converted``,
    ``lossy``, ``invalid``, ``failed``), counted from the written report."""
    rows = convert_frame(spark, input_path, to, path_glob=path_glob, **options)
    if not include_output:
        rows = rows.drop("output")
    rows.write.mode(mode).parquet(output_path)
    counts = {status.value: 0 for status in ItemStatus}
    for row in spark.read.parquet(output_path).groupBy("status").count().collect():
        counts[row["status"]] = row["count"]
    return counts
