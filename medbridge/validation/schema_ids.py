"""Identifier checks in place of the schema's generic value error (``safety-and-validation.md`` §3).

Our XSDs type some identifier elements with a pattern (the CPR number: ten ASCII digits). When the
pattern fails, the schema can only say ``xml.schema.value`` ("wrong shape"), and because the
letter is then not mapped, the identifier rules never see the value. The spec names the finding for
a malformed identifier in a message field (§3.1: nine or eleven digits, a letter or a hyphen →
``id.cpr.format``), so :func:`refine_schema_findings` re-checks the element's text with the
identifier check and, when that check reports an error, reports it *instead of* the schema error:
one root cause, one finding, with the precise code. The location (line, column, path) stays the
schema finding's.
"""

from __future__ import annotations

from collections.abc import Callable

from medbridge.findings import Finding, Location
from medbridge.validation.identifiers import check_cpr

__all__ = ["refine_schema_findings"]

#: Local names of the elements whose schema type is an identifier pattern, and their check.
_IDENTIFIER_ELEMENTS: dict[str, Callable[[str, Location], list[Finding]]] = {
    "CivilRegistrationNumber": check_cpr,
}


def refine_schema_findings(
    findings: list[Finding], leaf_text: Callable[[str], str | None]
) -> list[Finding]:
    """``findings`` with each ``xml.schema.value`` error on an identifier element replaced by the
    identifier check's errors for the same text (unchanged when that check finds no error).

    ``leaf_text(path)`` is the text of the element at a finding's path, or None when there is no
    such element or it has child elements (the XML side,
    :func:`medbridge.codecs.xml.letter_codec.leaf_text`, looks it up in the tree)."""
    out: list[Finding] = []
    for finding in findings:
        out.extend(_refined(finding, leaf_text) or (finding,))
    return out


def _refined(finding: Finding, leaf_text: Callable[[str], str | None]) -> list[Finding]:
    path = finding.location.path
    if finding.code != "xml.schema.value" or not finding.is_error or not path:
        return []
    check = _IDENTIFIER_ELEMENTS.get(path.rsplit("/", 1)[-1].split("[", 1)[0])
    text = leaf_text(path) if check is not None else None
    if check is None or text is None:
        return []
    return [f for f in check(text, finding.location) if f.is_error]
