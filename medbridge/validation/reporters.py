"""Machine-readable validation reports: JSON, JUnit XML and SARIF 2.1.0.

Each reporter takes the validated files in input order as ``(path, Report)`` pairs and returns
the whole document; output is deterministic (no timestamps, host names or random ids). The
reporters know the report formats, not MedCom.

* **JSON**: ``{"medbridge-validate": 1, "files": [{"path", "ok", "format", "kind", "version",
  "findings": [...]}]}``; the first key names the document and its format version (the command
  line's ``detect --format json`` and ``convert --report`` documents are built the same way by
  :func:`json_document`).
* **JUnit XML**: one test suite, one test case per file, one ``<failure>`` per error finding
  (warnings too with ``warnings_as_errors``); other findings go to ``<system-out>``. Any CI server
  shows it.
* **SARIF 2.1.0**: one run; every finding a result with ``ruleId`` (the finding code), ``level``,
  ``message`` and a physical location (file, line/column, or the byte offset for EDIFACT); the
  driver lists each rule once, with a ``helpUri`` to the findings catalogue (the ``Findings``
  project URL of the installed package). Artifact URIs are percent-encoded file names.

Paths are given as Python holds them (a name that is not UTF-8 carries surrogates); every format
shows them through :func:`medbridge.inputs.display_name` (``\\xff``), so none ever fails on a name.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

from lxml import etree

from medbridge.findings import Finding, Report, Severity
from medbridge.inputs import display_name

__all__ = [
    "FORMAT_VERSION",
    "SARIF_SCHEMA",
    "finding_json",
    "findings_url",
    "json_document",
    "to_json",
    "to_junit",
    "to_sarif",
]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The format version of medbridge's JSON documents; it changes when a key changes meaning.
FORMAT_VERSION = 1
#: What XML 1.0 cannot hold (besides what ``display_name`` escapes in paths).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

Results = Sequence[tuple[str, Report]]


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as JSON, its location without the file (the file is the entry's path)."""
    out = finding.as_dict()
    location = dict(finding.location.as_dict())
    location.pop("file", None)
    out["location"] = location
    return out


def json_document(command: str, files: list[dict[str, Any]]) -> str:
    """A JSON document of ``medbridge <command>``: ``{"medbridge-<command>": FORMAT_VERSION,
    "files": files}``, indented, with a final newline."""
    document = {f"medbridge-{command}": FORMAT_VERSION, "files": files}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_json(results: Results, *, warnings_as_errors: bool = False) -> str:
    """The JSON report (the shape ``medbridge validate --format json`` prints). ``ok`` is the
    verdict: false when a finding is an error (or a warning, with ``warnings_as_errors``)."""
    files = [
        {
            "path": display_name(path),
            "ok": not any(_fails(f, warnings_as_errors) for f in report.findings),
            "format": report.format,
            "kind": report.kind,
            "version": report.version,
            "findings": [finding_json(f) for f in report.findings],
        }
        for path, report in results
    ]
    return json_document("validate", files)


def _fails(finding: Finding, warnings_as_errors: bool) -> bool:
    return finding.is_error or (warnings_as_errors and finding.severity is Severity.WARNING)


def to_junit(results: Results, *, warnings_as_errors: bool = False) -> bytes:
    """JUnit XML: a test case per file, a failure per error finding."""
    failures = sum(
        1 for _, report in results if any(_fails(f, warnings_as_errors) for f in report.findings)
    )
    suites = etree.Element("testsuites", name="medbridge validate")
    suite = etree.SubElement(
        suites,
        "testsuite",
        name="medbridge validate",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for path, report in results:
        what = " ".join(x for x in (report.kind, report.version) if x) or "unknown"
        name = display_name(path)
        case = etree.SubElement(suite, "testcase", classname=_xml(what), name=name, file=name)
        notes: list[str] = []
        for finding in report.findings:
            if _fails(finding, warnings_as_errors):
                failure = etree.SubElement(
                    case, "failure", message=_xml(finding.message), type=_xml(finding.code)
                )
                failure.text = _xml(finding.format())
            else:
                notes.append(_xml(finding.format()))
        if notes:
            etree.SubElement(case, "system-out").text = "\n".join(notes)
    suites.set("tests", str(len(results)))
    suites.set("failures", str(failures))
    return bytes(etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _xml(text: str) -> str:
    """``text`` with what XML 1.0 cannot carry shown as escapes (``\\x01``, ``\\udcff``)."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _uri(path: str) -> str:
    """A file path as a URI reference: its bytes percent-encoded, ``/`` kept."""
    return urllib.parse.quote(os.fsencode(path), safe="/")


@functools.cache
def findings_url() -> str | None:
    """Where a user can read what each finding code means and how to fix it: the ``Findings``
    project URL of the installed package, if it has one."""
    try:
        entries = importlib.metadata.metadata("medbridge").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "findings" and url.strip():
            return url.strip()
    return None


def _sarif_location(path: str, finding: Finding) -> dict[str, Any]:
    loc = finding.location
    region: dict[str, Any] = {}
    # A region may be textual and binary at once (SARIF 2.1.0 §3.30.1): EDIFACT findings have a
    # byte offset, and a line and column too when the file has line breaks.
    if loc.line is not None:
        region["startLine"] = loc.line
        if loc.column is not None:
            region["startColumn"] = loc.column
    if loc.offset is not None and (loc.line is None or loc.segment is not None):
        region["byteOffset"] = loc.offset
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if region and not loc.layers:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = loc.path or (
        f"segment {loc.segment} {loc.tag or ''}".strip() if loc.segment is not None else None
    )
    if loc.layers:
        # Inside an envelope the outer file stays the artifact; the layer chain is a logical
        # location, and the line and column (which point into the decoded payload) go with it.
        logical = f"{loc.layers} > {logical}" if logical else loc.layers
        if region:
            location["properties"] = {"payloadRegion": region}
    if logical:
        location["logicalLocations"] = [{"fullyQualifiedName": logical}]
    return location


def to_sarif(results: Results, *, version: str = "0") -> str:
    """SARIF 2.1.0: a result per finding with rule id, level, message and physical location."""
    rules: dict[str, dict[str, Any]] = {}
    index: dict[str, int] = {}
    help_uri = findings_url()
    sarif_results: list[dict[str, Any]] = []
    for path, report in results:
        for finding in report.findings:
            if finding.code not in rules:
                index[finding.code] = len(rules)
                rules[finding.code] = {
                    "id": finding.code,
                    "defaultConfiguration": {"level": _LEVELS[finding.severity]},
                }
                if help_uri is not None:
                    rules[finding.code]["helpUri"] = help_uri
            sarif_results.append(
                {
                    "ruleId": finding.code,
                    "ruleIndex": index[finding.code],
                    "level": _LEVELS[finding.severity],
                    "message": {"text": finding.message},
                    "locations": [_sarif_location(path, finding)],
                }
            )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "medbridge",
                        "version": version,
                        "rules": list(rules.values()),
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
