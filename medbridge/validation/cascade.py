"""One root cause, one finding (``safety-and-validation.md`` §4.2).

:func:`suppress_cascades` takes the findings for one input, in the order they were found, and
drops those that only repeat a root cause already reported, then caps the list:

1. A wrong root namespace (``xml.schema.namespace``) is reported once; every other
   ``xml.schema.*`` finding follows from it and is dropped.
2. A well-formedness error (``xml.syntax.*`` error) means the schema verdict is meaningless:
   ``xml.schema.*`` findings are dropped.
3. An identifier whose format is wrong (``id.<kind>.format``) has no meaningful date, century,
   check digit or prefix: other ``id.*`` findings at the same location are dropped. Likewise a
   wrong eCPR century drops ``id.ecpr.date`` at that location.
4. Segment and message counts (``edifact.envelope.unt-count``, ``.unz-count``) are not trustworthy
   after an ``edifact.syntax.*`` error and are dropped.
5. Exact duplicates (same code, severity, message, location) are kept once.
6. At most :data:`~medbridge.findings.MAX_FINDINGS` findings, then one ``info``
   ``report.truncated``. Truncation never changes the verdict: errors are kept before warnings,
   warnings before infos, and the kept findings stay in their original order.

Only an *error* suppresses anything (a root cause that is itself a warning explains nothing
away), so suppression never turns an invalid input into a valid one.

The function is pure and deterministic, and applying it twice gives the same result.
"""

from __future__ import annotations

from medbridge.findings import MAX_FINDINGS, Finding, Location, Severity

__all__ = ["suppress_cascades"]

_TRUNCATED = "report.truncated"
_COUNT_CODES = frozenset({"edifact.envelope.unt-count", "edifact.envelope.unz-count"})
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _namespace_and_syntax(findings: list[Finding]) -> list[Finding]:
    has_namespace = any(f.code == "xml.schema.namespace" and f.is_error for f in findings)
    has_syntax_error = any(f.code.startswith("xml.syntax.") and f.is_error for f in findings)
    if not has_namespace and not has_syntax_error:
        return findings
    out: list[Finding] = []
    namespace_kept = False
    for f in findings:
        if f.code.startswith("xml.schema."):
            if has_syntax_error:
                continue
            if f.code != "xml.schema.namespace" or not f.is_error or namespace_kept:
                continue
            namespace_kept = True
        out.append(f)
    return out


def _identifier_kind(code: str) -> str | None:
    """``id.cpr.date`` → ``cpr``; None for codes outside the ``id`` area."""
    parts = code.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "id" else None


def _identifiers(findings: list[Finding]) -> list[Finding]:
    format_at: set[Location] = set()
    century_at: set[Location] = set()
    for f in findings:
        if not f.is_error:
            continue  # only an error can stand for the findings it explains
        if _identifier_kind(f.code) is not None and f.code.endswith(".format"):
            format_at.add(f.location)
        elif f.code == "id.ecpr.century":
            century_at.add(f.location)
    if not format_at and not century_at:
        return findings
    out: list[Finding] = []
    for f in findings:
        if _identifier_kind(f.code) is not None:
            if f.location in format_at and not f.code.endswith(".format"):
                continue
            if f.location in century_at and f.code == "id.ecpr.date":
                continue
        out.append(f)
    return out


def _edifact_counts(findings: list[Finding]) -> list[Finding]:
    if not any(f.code.startswith("edifact.syntax.") and f.is_error for f in findings):
        return findings
    return [f for f in findings if f.code not in _COUNT_CODES]


def _duplicates(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, Severity, str, Location]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.code, f.severity, f.message, f.location)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _cap(findings: list[Finding], limit: int) -> list[Finding]:
    body = [f for f in findings if f.code != _TRUNCATED]
    if len(body) <= limit:
        return findings
    by_priority = sorted(range(len(body)), key=lambda i: (_SEVERITY_RANK[body[i].severity], i))
    keep = sorted(by_priority[:limit])
    kept = [body[i] for i in keep]
    dropped = len(body) - limit
    kept.append(
        Finding(
            _TRUNCATED,
            Severity.INFO,
            f"{dropped} further findings were not reported; fix the ones above first.",
        )
    )
    return kept


def suppress_cascades(findings: list[Finding], limit: int = MAX_FINDINGS) -> list[Finding]:
    """The findings with consequential ones removed and at most ``limit`` kept (plus one
    ``report.truncated``). See the module docstring for the rules."""
    out = _namespace_and_syntax(list(findings))
    out = _identifiers(out)
    out = _edifact_counts(out)
    out = _duplicates(out)
    return _cap(out, limit)
