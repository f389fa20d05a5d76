"""Checks of one envelope layer against itself and what it carries (spec B.5 step 4).

Labels are warnings, never decisions: the ``@mimeType`` and ``@encoding`` of SBDH
``BinaryContent`` against the sniffed content and its real charset, the VANS ``SizeInBytes``
against the decoded length, the identifiers against the RFC 4122 shape, and the layer against
our envelope XSDs (whose findings are warnings too; real traffic breaks them, B.4 D5, D6).
Every finding is located in the layer it concerns (the layer chain, then line and path).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from medbridge.envelopes.decoding import EDIFACT, FHIR_JSON, XML, root_name, sniff
from medbridge.envelopes.layers import LayerTree, Place
from medbridge.findings import MAX_FINDINGS, Finding, Location, Severity
from medbridge.model.transport import SBDH, VANS, TransportLayer
from medbridge.xml.encoding import decide_encoding
from medbridge.xml.paths import PathLocator
from medbridge.xml.schema_errors import rich_findings
from medbridge.xml.schema_sets import SBDH_2021, VANS_1_0_4, lazy_schema

__all__ = [
    "UUID_SHAPE",
    "at_layer",
    "content_kind",
    "id_findings",
    "label_findings",
    "schema_findings",
    "size_finding",
    "warning",
]

#: The ``@mimeType`` values of MedCom's 2025 SBDH schema.
KNOWN_MIME_TYPES = frozenset({"application/xml", "application/fhir+json", "application/fhir+xml"})
#: The shape of a UUID (8-4-4-4-12 hexadecimal digits), stricter than the VANS schema's pattern.
UUID_SHAPE = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_UNB_CHARSET = re.compile(rb"UNB\+UNO([A-Z])")
_EDIFACT_CHARSETS = {b"A": "us-ascii", b"B": "us-ascii", b"C": "iso-8859-1", b"W": "utf-8"}
_FHIR_NS = b"http://hl7.org/fhir"
_ID_FIELDS = {"envelope_id": "EnvelopeIdentifier", "message_id": "MetaInformation/Identifier"}


def at_layer(findings: list[Finding], chain: str | None) -> list[Finding]:
    """``findings`` located inside the layer reached through ``chain`` (None: the file)."""
    if chain is None:
        return findings
    return [replace(f, location=replace(f.location, layers=chain)) for f in findings]


def warning(code: str, message: str, chain: str | None, place: Place | None) -> Finding:
    """A warning at ``place`` in the layer reached through ``chain``."""
    where = Location(layers=chain)
    if place is not None:
        where = Location(line=place.line, path=place.path, layers=chain)
    return Finding(code, Severity.WARNING, message, where)


def content_kind(data: bytes) -> str:
    """What a layer carries: ``xml`` (an Emessage or another envelope), ``fhir-xml``,
    ``fhir-json``, ``edifact``, ``json``, ``binary`` or ``unknown`` — from the bytes."""
    kind = sniff(data)
    if kind == XML and root_name(data) == "Bundle" and _FHIR_NS in data[:4096]:
        return "fhir-xml"
    return kind


def charset_of(data: bytes) -> str | None:
    """The real charset of XML or EDIFACT content (canonical, lower-case), when it can be told."""
    kind = sniff(data)
    if kind == XML:
        return decide_encoding(data)
    if kind == EDIFACT:
        found = _UNB_CHARSET.search(data[:512])
        return _EDIFACT_CHARSETS.get(found.group(1)) if found is not None else None
    return None


def _mime_mismatch(mime: str, kind: str) -> bool:
    fhir_label = mime.startswith("application/fhir+")
    if kind == XML:
        return fhir_label
    if kind == "fhir-xml":
        return mime in ("text/xml", "application/xml", "application/fhir+json")
    if kind == FHIR_JSON:
        return "xml" in mime
    if kind == EDIFACT:
        return "xml" in mime or "json" in mime
    return False


def label_findings(tree: LayerTree, chain: str | None, carried: bytes) -> list[Finding]:
    """The SBDH ``BinaryContent`` labels against the bytes they carry (B.5 step 4)."""
    layer = tree.layer
    if layer.kind != SBDH:
        return []
    place = tree.places.get("content")
    findings: list[Finding] = []
    kind = content_kind(carried)
    mime = (layer.mime_type or "").lower()
    if mime and mime not in KNOWN_MIME_TYPES:
        findings.append(
            warning(
                "wrapper.mimetype-unknown",
                f"BinaryContent declares mimeType {_quote(layer.mime_type)}, which is not one "
                "of MedCom's SBDH values (application/xml, application/fhir+xml, "
                "application/fhir+json).",
                chain,
                place,
            )
        )
    if mime and _mime_mismatch(mime, kind):
        findings.append(
            warning(
                "wrapper.mimetype-mismatch",
                f"BinaryContent declares mimeType {_quote(layer.mime_type)}, but its content "
                f"is {_describe(kind, carried)}; the content was read by what it is.",
                chain,
                place,
            )
        )
    charset = charset_of(carried)
    label = (layer.encoding or "").lower()
    if label and charset is not None and not _compatible(label, charset):
        findings.append(
            warning(
                "wrapper.encoding-mismatch",
                f"BinaryContent declares encoding {_quote(layer.encoding)}, but its content is "
                f"{charset.upper()}; the content's own encoding was used.",
                chain,
                place,
            )
        )
    return findings


def _compatible(label: str, charset: str) -> bool:
    return label == charset or (charset == "us-ascii" and label in ("utf-8", "iso-8859-1"))


def _describe(kind: str, data: bytes) -> str:
    if kind == XML:
        return f"an XML {root_name(data) or 'document'}"
    return {
        "fhir-xml": "a FHIR Bundle in XML",
        FHIR_JSON: "a FHIR resource in JSON",
        EDIFACT: "an EDIFACT interchange",
    }.get(kind, f"{kind} data")


def _quote(value: str | None) -> str:
    text = (value or "")[:60]
    return repr(text)


def size_finding(tree: LayerTree, chain: str | None, decoded: int) -> list[Finding]:
    """VANS ``SizeInBytes`` against the length of the decoded ``Data``."""
    declared = tree.layer.size
    if tree.layer.kind != VANS or declared is None or declared == decoded:
        return []
    return [
        warning(
            "wrapper.size-mismatch",
            f"SizeInBytes says {declared} bytes, but Data decodes to {decoded} bytes.",
            chain,
            tree.places.get("size"),
        )
    ]


def id_findings(tree: LayerTree, chain: str | None) -> list[Finding]:
    """VANS identifiers that are not shaped as UUIDs (B.4 D5): a warning each."""
    layer = tree.layer
    if layer.kind != VANS:
        return []
    findings: list[Finding] = []
    for name, element in _ID_FIELDS.items():
        value = getattr(layer, name)
        if value is not None and UUID_SHAPE.fullmatch(value) is None:
            findings.append(
                warning(
                    "wrapper.id-not-uuid",
                    f"The VANS {element} {_quote(value)} is not a UUID; VANS identifiers are "
                    "UUIDs (8-4-4-4-12 hexadecimal digits).",
                    chain,
                    tree.places.get(name),
                )
            )
    return findings


def schema_findings(tree: LayerTree, root: Any, chain: str | None) -> list[Finding]:
    """The layer against our XSD for its kind (warnings); a value the id check already reports
    is not reported twice (one root cause, one finding)."""
    schema_set = VANS_1_0_4 if tree.layer.kind == VANS else SBDH_2021
    lazy = lazy_schema(schema_set)
    if lazy.fast().validate(root):
        return []
    found, _ = rich_findings(lazy.rich(), root, schema_set, MAX_FINDINGS, PathLocator())
    if not found and tree.padded:
        # libxml2 refuses whitespace around a dateTime that xmlschema collapses (B.3.1, D7)
        found = [
            warning(
                "wrapper.padded-value",
                "The value has whitespace around it, which the schema does not allow here; "
                "it was read without it.",
                None,
                tree.places.get(name),
            )
            for name in tree.padded
        ]
    if not found:
        found = [
            Finding(
                "xml.schema.invalid",
                Severity.WARNING,
                f"The envelope does not conform to medbridge's {schema_set.name} schema.",
                Location(line=root.sourceline, path="/" + root.tag.split("}")[-1]),
            )
        ]
    # The base64 content is ours to check (decode_base64 names the problem), and an id the
    # shape check reports is not reported twice: one root cause, one finding.
    reported = {p.path for n, p in tree.places.items() if n in _ID_FIELDS}
    reported = reported if id_findings(tree, chain) else set()
    content = tree.places.get("content")
    base64_path = content.path if content is not None else None
    kept = [
        f
        for f in found
        if f.location.path not in reported
        and not (f.code == "xml.schema.value" and f.location.path == base64_path)
    ]
    return at_layer(kept, chain)


def layer_summary(layer: TransportLayer) -> str:
    """``VANS envelope <id>`` for messages."""
    return f"{layer.kind.upper()} envelope {layer.envelope_id or '(no identifier)'}"
