"""The fixture set under ``fixtures/``: where the files are and what each invalid one expects.

Owns the layout conventions of ``fixtures/README.md``:

* ``fixtures/valid/<kind>/<name>.xml`` — valid messages of one kind (``epikrise``, ``henvisning``,
  ``plejeforloebsplan``). A name starting with ``xmlonly-`` marks a file that deliberately uses
  XML-only features; every other epikrise/henvisning file can be carried by EDIFACT without loss.
  Plejeforløbsplan has no EDIFACT form at all.
* ``fixtures/invalid/<category>/<case>.xml`` with ``<case>.expected.json``::

      {"description": "...",
       "findings": [{"code": "xml.schema.missing-element", "severity": "error",
                     "line": 23, "path_endswith": "/Patient"}],
       "exclusive": false}

  ``line``, ``path_endswith`` and ``path_contains`` are optional; a ``code`` ending in ``.*``
  matches every code under that prefix. ``exclusive`` means: the report has no *error* whose code
  is not one of the expected codes.

Findings are matched by duck typing (``.code``, ``.severity``, ``.location.line``,
``.location.path``), so these helpers work for any reader that produces medbridge findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from medbridge.xml.parse import new_parser

__all__ = [
    "EDIFACT_KINDS",
    "FIXTURES",
    "INVALID_CATEGORIES",
    "KINDS",
    "RECEIPT_KIND",
    "Expectation",
    "ExpectedFinding",
    "edifact_clean_fixtures",
    "fixture_id",
    "invalid_fixtures",
    "is_edifact_clean",
    "kind_of",
    "load_expectation",
    "parse_fixture",
    "valid_fixtures",
]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KINDS = ("epikrise", "henvisning", "plejeforloebsplan")
#: The receipts: valid fixtures of their own (``fixtures/valid/kvittering/``, XML and EDIFACT),
#: checked by ``tests/test_receipts.py`` rather than the clinical coverage tests.
RECEIPT_KIND = "kvittering"
#: The kinds that have an EDIFACT form (plejeforløbsplan is XML only).
EDIFACT_KINDS = ("epikrise", "henvisning")
INVALID_CATEGORIES = ("schema", "namespace", "encoding", "hostile", "syntax", "receipt")
XML_ONLY_PREFIX = "xmlonly-"
_SEVERITIES = frozenset({"error", "warning", "info"})
_FINDING_KEYS = frozenset({"code", "severity", "line", "path_endswith", "path_contains"})


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """One finding an invalid fixture must produce."""

    code: str
    severity: str = "error"
    line: int | None = None
    path_endswith: str | None = None
    path_contains: str | None = None

    def matches_code(self, code: str) -> bool:
        if self.code.endswith(".*"):
            return code.startswith(self.code[:-1])
        return code == self.code

    def matches(self, finding: Any) -> bool:
        """True when ``finding`` (a medbridge ``Finding``) has this code, severity, line, path."""
        if not self.matches_code(str(finding.code)) or str(finding.severity) != self.severity:
            return False
        location = finding.location
        if self.line is not None and location.line != self.line:
            return False
        path = location.path or ""
        if self.path_endswith is not None and not path.endswith(self.path_endswith):
            return False
        return self.path_contains is None or self.path_contains in path

    def describe(self) -> str:
        parts = [f"{self.severity} {self.code}"]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.path_endswith is not None:
            parts.append(f"path …{self.path_endswith}")
        if self.path_contains is not None:
            parts.append(f"path ∋ {self.path_contains}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Expectation:
    """What an invalid fixture must produce."""

    description: str
    findings: tuple[ExpectedFinding, ...]
    exclusive: bool

    def missing(self, findings: Iterable[Any]) -> list[ExpectedFinding]:
        """The expected findings that none of ``findings`` matches."""
        actual = list(findings)
        return [e for e in self.findings if not any(e.matches(f) for f in actual)]

    def unexpected_errors(self, findings: Iterable[Any]) -> list[Any]:
        """Error findings whose code is not expected (only meaningful when ``exclusive``)."""
        return [
            f
            for f in findings
            if str(f.severity) == "error"
            and not any(e.matches_code(str(f.code)) for e in self.findings)
        ]


def load_expectation(fixture: Path) -> Expectation:
    """The ``<case>.expected.json`` next to ``fixture``, checked for shape."""
    data = json.loads(expectation_path(fixture).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - {"description", "findings", "exclusive"}:
        raise ValueError(f"{fixture}: unexpected keys in the expectation")
    findings: list[ExpectedFinding] = []
    for item in data["findings"]:
        if not isinstance(item, dict) or set(item) - _FINDING_KEYS or "code" not in item:
            raise ValueError(f"{fixture}: bad expected finding {item!r}")
        severity = item.get("severity", "error")
        if severity not in _SEVERITIES:
            raise ValueError(f"{fixture}: bad severity {severity!r}")
        findings.append(
            ExpectedFinding(
                code=item["code"],
                severity=severity,
                line=item.get("line"),
                path_endswith=item.get("path_endswith"),
                path_contains=item.get("path_contains"),
            )
        )
    if not findings:
        raise ValueError(f"{fixture}: an invalid fixture must expect at least one finding")
    return Expectation(
        description=str(data.get("description", "")),
        findings=tuple(findings),
        exclusive=bool(data.get("exclusive", False)),
    )


def expectation_path(fixture: Path) -> Path:
    return fixture.with_name(fixture.stem + ".expected.json")


def valid_fixtures(kind: str | None = None) -> list[Path]:
    """Every valid XML fixture (of ``kind``), sorted."""
    kinds = KINDS if kind is None else (kind,)
    return sorted(p for k in kinds for p in (FIXTURES / "valid" / k).glob("*.xml"))


def is_edifact_clean(path: Path) -> bool:
    """True for a valid epikrise/henvisning fixture EDIFACT can carry without loss."""
    return kind_of(path) in EDIFACT_KINDS and not path.name.startswith(XML_ONLY_PREFIX)


def edifact_clean_fixtures(kind: str | None = None) -> list[Path]:
    """The valid fixtures whose content EDIFACT can carry losslessly."""
    return [p for p in valid_fixtures(kind) if is_edifact_clean(p)]


def invalid_fixtures(category: str | None = None) -> list[Path]:
    """Every invalid fixture (of ``category``), sorted: XML, and EDIFACT (receipts)."""
    categories = INVALID_CATEGORIES if category is None else (category,)
    return sorted(
        p
        for c in categories
        for p in (FIXTURES / "invalid" / c).iterdir()
        if p.suffix in (".xml", ".edi")
    )


def kind_of(path: Path) -> str:
    """The message kind of a valid fixture, from its folder."""
    kind = path.parent.name
    if kind not in KINDS:
        raise ValueError(f"{path} is not in a valid/<kind>/ folder")
    return kind


def fixture_id(path: Path) -> str:
    """A short test id: the path below ``fixtures/``."""
    return path.relative_to(FIXTURES).as_posix()


def parse_fixture(path: Path) -> etree._Element:
    """The root element of a *valid* fixture, parsed with medbridge's hardened parser only.

    Files without an XML declaration that are not UTF-8 are the observed municipality payloads
    in ISO-8859-1 (xml-messages.md §6.3); only for those is the encoding passed to the parser.
    """
    data = path.read_bytes()
    encoding: str | None = None
    if not data.startswith(b"<?xml"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "iso-8859-1"
    root: etree._Element = etree.fromstring(data, new_parser(encoding))  # noqa: TID251
    return root
