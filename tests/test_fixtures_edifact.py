"""fixtures/README.md's EDIFACT claims, checked against every epikrise and henvisning fixture.

The EDIFACT-clean fixtures (no ``xmlonly-`` prefix) convert to EDIFACT without loss; those the
README lists as needing ``--allow-nonstandard`` are refused by a strict conversion only for
MedCom's FTX count limit and convert with ``allow_nonstandard=True``; every other clean fixture
converts strictly. Every ``xmlonly-`` fixture is refused by a strict conversion.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixture_cases import (
    EDIFACT_KINDS,
    FIXTURES,
    edifact_clean_fixtures,
    fixture_id,
    valid_fixtures,
)

import medbridge

_LISTED = re.compile(r"^\s*Need `--allow-nonstandard`: (.+)\.$", re.MULTILINE)


def _nonstandard() -> set[str]:
    """The fixtures (``<kind>/<name>.xml``) the README says need ``--allow-nonstandard``."""
    (line,) = _LISTED.findall((FIXTURES / "README.md").read_text(encoding="utf-8"))
    return {f"valid/{name}" for name in re.findall(r"`([^`]+)`", line)}


def test_the_listed_fixtures_exist_and_are_edifact_clean() -> None:
    clean = {fixture_id(p) for p in edifact_clean_fixtures()}
    listed = _nonstandard()
    assert listed and listed <= clean


@pytest.mark.parametrize("path", edifact_clean_fixtures(), ids=fixture_id)
def test_clean_fixtures_convert_without_loss(path: Path) -> None:
    if fixture_id(path) in _nonstandard():
        with pytest.raises(medbridge.ConversionError) as exc:
            medbridge.convert(path, "edifact")
        for finding in exc.value.findings:
            assert finding.code == "convert.unmapped"
            assert "FTX" in finding.message and "at most 9" in finding.message
        result = medbridge.convert(path, "edifact", allow_nonstandard=True)
        assert "convert.nonstandard" in {f.code for f in result.findings}
    else:
        result = medbridge.convert(path, "edifact")
        assert "convert.nonstandard" not in {f.code for f in result.findings}
    assert result.losses == []
    assert medbridge.read(result.output).letters


@pytest.mark.parametrize(
    "path",
    [p for kind in EDIFACT_KINDS for p in valid_fixtures(kind) if p.name.startswith("xmlonly-")],
    ids=fixture_id,
)
def test_xmlonly_fixtures_are_refused_by_a_strict_conversion(path: Path) -> None:
    with pytest.raises(medbridge.ConversionError):
        medbridge.convert(path, "edifact")
