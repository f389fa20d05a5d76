"""The XML side of the public operations (:class:`~medbridge.registry.LetterCodec`).

Reading runs the hardened parser, detection, the schema (with identifier checks in place of the
schema's generic value error), the mapping and the semantic rules, whose findings get the line
of the element their path names. Known newer versions stop after detection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from medbridge.codecs.base import CodecBase
from medbridge.errors import ConversionError, XmlInputError
from medbridge.findings import Finding, Severity
from medbridge.registry import (
    REGISTRY,
    XML,
    Detection,
    LetterCodec,
    Parsed,
    Rules,
    other_letter_message,
)

if TYPE_CHECKING:
    from lxml import etree

    from medbridge.limits import Limits
    from medbridge.model.message import Message

__all__ = ["CODEC", "XmlCodec", "leaf_text"]


class XmlCodec(CodecBase):
    """OIOXML Emessages (:mod:`medbridge.codecs.xml.codec`)."""

    format = XML
    input_error = XmlInputError

    def read(self, data: bytes, *, strict_encoding: bool, limits: Limits, rules: Rules) -> Parsed:
        from medbridge.codecs.xml.codec import detect_tree, read_tree
        from medbridge.validation.schema_ids import refine_schema_findings
        from medbridge.xml.parse import parse_xml
        from medbridge.xml.schema import validate_tree

        detection = Detection(format=XML)
        try:
            parsed = parse_xml(data, strict_encoding=strict_encoding, limits=limits)
        except XmlInputError as exc:
            return Parsed(detection, None, exc.findings)
        detection.encoding = parsed.encoding
        findings = list(parsed.findings)
        kind, version, identifier = detect_tree(parsed.root)
        detection.kind, detection.version, detection.identifier = kind, version, identifier
        if REGISTRY.xml_unsupported(version) is not None:
            findings.append(_unsupported_version(version or ""))
            return Parsed(detection, None, findings)
        other = REGISTRY.others.get(kind or "")
        if other is not None:  # a known letter medbridge does not map: named, never schema-checked
            text = other_letter_message(other, version or "")
            findings.append(Finding("xml.mapping.unsupported-letter", Severity.ERROR, text))
            return Parsed(detection, None, findings)
        schema_findings = validate_tree(parsed.root)
        schema_findings = refine_schema_findings(schema_findings, leaf_text(parsed.root))
        findings.extend(schema_findings)
        if any(f.is_error for f in schema_findings):
            return Parsed(detection, None, findings)
        try:
            message, mapping_findings = read_tree(parsed.root, syntax=parsed)
        except XmlInputError as exc:
            findings.extend(exc.findings)
            return Parsed(detection, None, findings)
        findings.extend(mapping_findings)
        findings.extend(_with_lines(parsed.root, rules(message)))
        return Parsed(detection, message, findings)

    def detect(self, data: bytes, *, limits: Limits) -> Detection:
        from medbridge.codecs.xml.codec import detect_tree
        from medbridge.xml.parse import parse_xml

        det = Detection(format=XML)
        try:
            parsed = parse_xml(data, limits=limits)
        except XmlInputError as exc:
            det.findings = exc.findings
            return det
        det.encoding = parsed.encoding
        det.kind, det.version, det.identifier = detect_tree(parsed.root)
        return det

    def write(
        self, message: Message, *, allow_loss: bool, allow_nonstandard: bool
    ) -> tuple[bytes, list[Finding]]:
        """The XML, checked against the schema it would be read with: medbridge never hands
        out as a letter what it would refuse to read. A value the 2005 schema does not allow
        (a model from EDIFACT or JSON with a value longer than its XML element may hold, say) is
        a ``convert.invalid-output`` error, or with ``allow_nonstandard`` a warning with the
        output written anyway."""
        from medbridge.codecs.xml.codec import build_xml, serialise_xml

        root = build_xml(message)
        problems = _output_problems(root)
        if problems and not allow_nonstandard:
            raise ConversionError.from_findings(problems)
        notes = [replace(f, severity=Severity.WARNING) for f in problems]
        return serialise_xml(root, message), notes

    def losses(self, message: Message) -> list[Finding]:
        # EDIFACT wire facts XML has no place for, also when the EDIFACT came through JSON.
        from medbridge.codecs.edifact.codec import xml_losses

        return xml_losses(message)


CODEC: LetterCodec = XmlCodec()


def _output_problems(root: etree._Element) -> list[Finding]:
    """``convert.invalid-output`` for each schema error of the tree about to be written (the
    tree itself is checked: parsing the bytes again would cost three times as much). The
    municipality schemas, whose findings are warnings, never refuse an output."""
    from medbridge.xml.paths import namespace_of
    from medbridge.xml.schema import schema_for_namespace, validate_tree

    schema_set = schema_for_namespace(namespace_of(root))
    if schema_set is None or schema_set.severity is not Severity.ERROR:
        return []  # nothing could refuse it: no need to validate (or build xmlschema's detail)
    findings = validate_tree(root)
    return [
        Finding(
            "convert.invalid-output",
            Severity.ERROR,
            f"The XML written would not conform to its schema, and medbridge would refuse to "
            f"read it: {f.message}",
            replace(f.location, line=None),  # the path is the output's; a line would be too
        )
        for f in findings
        if f.is_error
    ]


def leaf_text(root: etree._Element) -> Callable[[str], str | None]:
    """A lookup of the text of the element at a path in ``root``'s document, when that element
    exists and has no child elements (None otherwise)."""
    from medbridge.xml.paths import find_by_path

    def text_at(path: str) -> str | None:
        element = find_by_path(root, path)
        if element is None or len(element):
            return None
        return element.text or ""

    return text_at


def _with_lines(root: etree._Element, findings: list[Finding]) -> list[Finding]:
    """Rule findings with the line of the element their path names (when they have none)."""
    from medbridge.xml.paths import find_by_path

    out: list[Finding] = []
    for f in findings:
        if f.location.path and f.location.line is None:
            element = find_by_path(root, f.location.path)
            line = element.sourceline if element is not None else None
            out.append(replace(f, location=replace(f.location, line=line)))
        else:
            out.append(f)
    return out


def _unsupported_version(version: str) -> Finding:
    return Finding(
        "xml.mapping.unsupported-version",
        Severity.ERROR,
        f"Version {version} is a known MedCom version that medbridge does not support yet; "
        f"supported are {REGISTRY.describe_kinds()}.",
    )
