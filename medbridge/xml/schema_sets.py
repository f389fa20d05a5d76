"""The packaged schema sets and their validators (safety §1.4; see :mod:`medbridge.xml.schema`).

Loading the packaged XSDs (``medbridge/xsd/``, next to the package's modules) once, lazily and
under a lock, into two validators: lxml's ``XMLSchema`` for the fast yes/no verdict, compiled from
trees parsed with :func:`medbridge.xml.parse.parse_trusted`, and ``xmlschema.XMLSchema``
(``allow="sandbox"``, ``defuse="always"``, import/include warnings turned into errors) for rich
errors. A schema that does not build, is ``invalid`` or lacks an expected namespace is our bug
and raises :class:`~medbridge.errors.InternalError`.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from medbridge.errors import InternalError, MedbridgeError
from medbridge.findings import Severity
from medbridge.xml.namespaces import (
    M100,
    M102,
    M103,
    MC2005,
    PEPPOL_ENVELOPE,
    SBDH,
    VANS_ENVELOPE,
)
from medbridge.xml.parse import parse_trusted

__all__ = [
    "ENVELOPE_SETS",
    "MEDCOM_2005",
    "MUNICIPALITY",
    "SBDH_2021",
    "SCHEMA_SETS",
    "VANS_1_0_4",
    "SchemaSet",
    "compile_fast",
    "compile_rich",
    "compiled_validators",
    "lazy_schema",
    "schema_files",
    "schema_for_namespace",
]


@dataclass(frozen=True, slots=True)
class SchemaSet:
    """One compiled schema: its entry file, the namespaces it must define, how it reports."""

    name: str
    entry: str  # path below medbridge/xsd/
    root_namespace: str
    namespaces: frozenset[str]
    severity: Severity
    description: str


MEDCOM_2005 = SchemaSet(
    name="MedCom 2005/08/07",
    entry="2005-08-07/medcom.xsd",
    root_namespace=MC2005,
    namespaces=frozenset({MC2005}),
    severity=Severity.ERROR,
    description="epikrise XDIS01 and henvisning XREF01",
)
MUNICIPALITY = SchemaSet(
    name="municipality 1.0.3",
    entry="municipality.xsd",
    root_namespace=M103,
    namespaces=frozenset({M100, M102, M103}),
    severity=Severity.WARNING,
    description="plejeforløbsplan XDIS21",
)
#: Every schema set, in the order they are named to the user.
SCHEMA_SETS = (MEDCOM_2005, MUNICIPALITY)
#: The transport envelopes' schemas (spec part B). Real traffic breaks them (D5, D6), so their
#: findings are warnings; they never decide what a letter is.
VANS_1_0_4 = SchemaSet(
    name="VANSEnvelope 1.0.4",
    entry="vans-1.0.4/VANSEnvelope.xsd",
    root_namespace=VANS_ENVELOPE,
    namespaces=frozenset({VANS_ENVELOPE}),
    severity=Severity.WARNING,
    description="the VANS envelope",
)
SBDH_2021 = SchemaSet(
    name="SBDH 2021",
    entry="sbdh-2021/StandardBusinessDocumentHeader.xsd",
    root_namespace=SBDH,
    namespaces=frozenset({SBDH, PEPPOL_ENVELOPE}),
    severity=Severity.WARNING,
    description="the SBDH document",
)
ENVELOPE_SETS = (VANS_1_0_4, SBDH_2021)


def schema_for_namespace(namespace: str | None) -> SchemaSet | None:
    """The schema set for a document whose root is in ``namespace``, or None."""
    for schema_set in SCHEMA_SETS:
        if schema_set.root_namespace == namespace:
            return schema_set
    return None


def _xsd_root() -> Path:
    # The XSDs are package data next to this package, and must be files (lxml and xmlschema
    # read them, and their includes, by path). importlib.resources would only find the same
    # folder, after importing zipfile, tempfile and the compressors on every first schema use.
    root = Path(__file__).resolve().parent.parent / "xsd"
    if not root.is_dir():
        raise InternalError("medbridge's XSDs must be installed as files (medbridge/xsd/)")
    return root


def schema_files() -> list[Path]:
    """Every packaged XSD file, sorted."""
    return sorted(_xsd_root().rglob("*.xsd"))


def compile_fast(schema_set: SchemaSet) -> Any:
    """lxml's ``XMLSchema`` for the verdict."""
    path = _xsd_root() / schema_set.entry
    try:
        root = parse_trusted(path.read_bytes())
        tree = root.getroottree()
        tree.docinfo.URL = path.as_uri()  # base URL: relative imports resolve inside xsd/
        return etree.XMLSchema(tree)
    except (OSError, MedbridgeError, etree.Error) as exc:
        raise InternalError(f"the packaged schema {schema_set.entry} does not load") from exc


def compile_rich(schema_set: SchemaSet, validation: str = "skip") -> Any:
    """xmlschema's ``XMLSchema`` for the detailed errors (imported here: it costs about 0.5 s
    of CPU to import and build, which only an invalid letter needs).

    The packaged XSDs are medbridge's own and do not change at run time, so they are built
    without checking them against the XSD meta-schema (``validation="skip"``, about a quarter
    of the build); the test suite builds each one with ``validation="strict"`` instead."""
    import xmlschema

    path = _xsd_root() / schema_set.entry
    try:
        with warnings.catch_warnings():  # local; never a process-wide filter
            warnings.simplefilter("error", xmlschema.XMLSchemaImportWarning)
            warnings.simplefilter("error", xmlschema.XMLSchemaIncludeWarning)
            rich = xmlschema.XMLSchema(
                str(path),
                base_url=str(path.parent),
                allow="sandbox",
                defuse="always",
                validation=validation,
            )
    except (OSError, Warning, xmlschema.XMLSchemaException) as exc:
        raise InternalError(f"the packaged schema {schema_set.entry} does not build") from exc
    if rich.validity == "invalid" or not schema_set.namespaces <= set(rich.maps.namespaces):
        raise InternalError(f"the packaged schema {schema_set.entry} is incomplete")
    return rich


class _LazySchema:
    """A schema set's two validators, each compiled on first use, exactly once, under a lock;
    never changed afterwards. The xmlschema one is built only when a letter is invalid."""

    __slots__ = ("_fast", "_rich", "schema_set")

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set
        self._fast = _Once(compile_fast, schema_set)
        self._rich = _Once(compile_rich, schema_set)

    def fast(self) -> Any:
        return self._fast.get()

    def rich(self) -> Any:
        return self._rich.get()


class _Once:
    """``build(schema_set)``, built by the first thread that asks and shared afterwards."""

    __slots__ = ("_build", "_lock", "_schema_set", "_value")

    def __init__(self, build: Callable[[SchemaSet], Any], schema_set: SchemaSet) -> None:
        self._build = build
        self._schema_set = schema_set
        self._lock = threading.Lock()
        self._value: Any = None

    def get(self) -> Any:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build(self._schema_set)
                value = self._value
        return value


_SCHEMAS = {s.root_namespace: _LazySchema(s) for s in (*SCHEMA_SETS, *ENVELOPE_SETS)}


def lazy_schema(schema_set: SchemaSet) -> _LazySchema:
    """The validators of ``schema_set``, each compiled on first use."""
    return _SCHEMAS[schema_set.root_namespace]


def compiled_validators(schema_set: SchemaSet) -> tuple[Any, Any]:
    """The (lxml, xmlschema) validators of ``schema_set``, compiled on first use (for tests)."""
    lazy = _SCHEMAS[schema_set.root_namespace]
    return lazy.fast(), lazy.rich()
