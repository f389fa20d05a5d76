"""docs/findings.md lists every finding code the library can emit, and nothing else.

Codes are found mechanically: every string literal in the package shaped like a finding code.
Every module writes its codes as literals (never assembled at run time) so this test sees them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREAS = r"(?:input|xml|edifact|id|rule|receipt|convert|io|report|internal)"
CODE = re.compile(rf"^{AREAS}\.[a-z0-9]+(?:[.-][a-z0-9]+)*$")
DOC_ROW = re.compile(r"^\| `([a-z0-9.-]+)` \|", re.MULTILINE)

#: Literals of the same shape that are not finding codes: keys of the codecs' ``wire`` dicts.
WIRE_KEYS_ALSO_CODES_FORBIDDEN = {
    "xml.bom",
    "xml.declaration",
    "xml.encoding",
    "xml.namespaces",
    "xml.standalone",
    "xml.root_attributes",
    "xml.declared_encoding",
    "edifact.ftx",
}


def _literals() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((ROOT / "medbridge").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
            ):
                found.setdefault(node.value, path)
    return found


def _is_wire_key(value: str) -> bool:
    if value in WIRE_KEYS_ALSO_CODES_FORBIDDEN:
        return True
    # EDIFACT provenance keys name segments or UNB parts, e.g. "edifact.unb.sender".
    return value.startswith("edifact.unb.") or value.startswith("edifact.wire.")


def _documented() -> set[str]:
    return set(DOC_ROW.findall((ROOT / "docs" / "findings.md").read_text("utf-8")))


def test_every_emitted_code_is_documented() -> None:
    emitted = {code for code in _literals() if not _is_wire_key(code)}
    missing = sorted(emitted - _documented())
    assert not missing, f"codes emitted but not in docs/findings.md: {missing}"


def test_every_documented_code_is_emitted() -> None:
    emitted = set(_literals())
    stale = sorted(_documented() - emitted)
    assert not stale, f"codes in docs/findings.md that no module emits: {stale}"


def test_codes_follow_the_naming_scheme() -> None:
    for code in _documented():
        assert CODE.match(code), code
        assert code == code.lower()
