"""Batch and distributed conversion: one result per letter, never an exception.

- :func:`convert_item` / :class:`ItemResult` (:mod:`medbridge.batch.item`): convert one named
  input; statuses ``converted``, ``lossy``, ``invalid``, ``failed``.
- :func:`arrow_converter` / :data:`OUTPUT_SCHEMA` (:mod:`medbridge.batch.arrow`): the function
  for Spark's ``DataFrame.mapInArrow`` (needs the ``spark`` extra: pyarrow).
- :mod:`medbridge.batch.spark`: ``convert_files``, the ready recipe from a folder to a Parquet
  report (needs the ``spark`` extra: pyspark and pyarrow).

Nothing here imports pyarrow or pyspark at import time.
"""

from medbridge.batch.arrow import OUTPUT_SCHEMA, arrow_converter
from medbridge.batch.item import ItemResult, ItemStatus, convert_item

__all__ = ["OUTPUT_SCHEMA", "ItemResult", "ItemStatus", "arrow_converter", "convert_item"]
