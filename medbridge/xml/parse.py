"""Hardened XML parsing: the only module that may create an lxml parser.

Owns ``safety-and-validation.md`` §1 up to (not including) schema validation:

- the parser settings of §1.2 (:data:`SAFE_OPTIONS`, :func:`new_parser`);
- applying the encoding policy of §1.7 (:mod:`medbridge.xml.encoding`) to the raw bytes before
  any parser runs;
- the DOCTYPE pre-scan of §1.3, the node budget (:mod:`medbridge.xml.budget`), and the
  after-parse checks (docinfo DTDs, entity nodes, XInclude, encoding consistency, C1 controls
  that arrived as character references);
- mapping libxml2 failures to stable finding codes by ``etree.ErrorTypes`` (§1.5), with
  libxml2's line and column.

:func:`parse_xml` is the entry point for untrusted bytes; :func:`parse_trusted` parses our own
XSDs and opaque snippets with the same options. Every tree walk here is iterative.

A choice the spec leaves open, made here (another is in :mod:`medbridge.xml.encoding`):
libxml2 reports both the depth limit and the text-node limit as ``ERR_RESOURCE_LIMIT``. We tell
them apart without reading the message text: the error lies far (more than 100 000 characters)
from the last ``<`` only when a single text node or attribute value is too long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

from lxml import etree

from medbridge.errors import XmlInputError
from medbridge.findings import Finding, Location
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.xml.budget import check_budget
from medbridge.xml.encoding import (
    _LABELS,
    _UTF8_BOM,
    C1_CONTROLS,
    Decision,
    _c1_finding,
    _check_text,
    _decide,
    _decode,
    _Document,
    _error,
    _fail,
)
from medbridge.xml.namespaces import XINCLUDE

__all__ = [
    "SAFE_OPTIONS",
    "ParsedXml",
    "encoding_findings",
    "new_parser",
    "parse_trusted",
    "parse_xml",
]

SAFE_OPTIONS: dict[str, Any] = dict(
    resolve_entities=False,
    load_dtd=False,
    dtd_validation=False,
    attribute_defaults=False,
    no_network=True,
    huge_tree=False,
    recover=False,
    remove_comments=False,
    remove_pis=False,
    remove_blank_text=False,
    strip_cdata=True,
)


def new_parser(encoding: str | None = None) -> etree.XMLParser:
    """A fresh parser with the safe options. Parsers are never shared between threads."""
    return etree.XMLParser(encoding=encoding, **SAFE_OPTIONS)


@dataclass(slots=True)
class ParsedXml:
    """A parsed document and what the syntax layer decided about it.

    ``encoding`` is the decided encoding, canonical and lower-case (``utf-8``, ``utf-16``,
    ``iso-8859-1``, ``windows-1252``, ``us-ascii``); ``declared_encoding`` the label exactly as
    written, or None. ``findings`` holds non-error findings (such as
    ``xml.encoding.undeclared-latin1``).
    """

    root: Any
    encoding: str
    declared_encoding: str | None
    has_declaration: bool
    bom: bool
    standalone: str | None
    findings: list[Finding] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# DOCTYPE pre-scan (§1.3.1)

_COMMENT_END = "-->"
_PI_END = "?>"
_SPACE = re.compile(r"[ \t\r\n]*")
_ONLY_SPACE = re.compile(rb"[ \t\r\n]*")
_ENTITY_REFERENCE = re.compile(r"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z_:]")
_C1_REFERENCE = re.compile(r"&#(?:[xX]0*(?:[89][0-9a-fA-F])|0*(?:12[89]|1[3-5][0-9]));")


def _prolog_doctype(text: str) -> int | None:
    """The index of a ``<!DOCTYPE`` in the prolog (before the root start tag), else None."""
    pos = 0
    while True:
        space = _SPACE.match(text, pos)
        pos = space.end() if space is not None else pos
        if text.startswith("<?", pos):
            end = text.find(_PI_END, pos + 2)
            if end < 0:
                return None
            pos = end + len(_PI_END)
        elif text.startswith("<!--", pos):
            end = text.find(_COMMENT_END, pos + 4)
            if end < 0:
                return None
            pos = end + len(_COMMENT_END)
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            return pos
        else:
            return None


def _doctype_finding(location: Location, excerpt: str | None) -> Finding:
    return _error(
        "xml.security.doctype",
        "The document has a DOCTYPE; MedCom messages never need one, and DTDs and entities "
        "are refused for safety. Remove the DOCTYPE and write characters directly.",
        location,
        excerpt,
    )


# ---------------------------------------------------------------------------------------------
# libxml2 errors → codes (§1.5)

_E = etree.ErrorTypes
_TYPE_CODES: dict[int, str] = {
    _E.ERR_DOCUMENT_EMPTY: "xml.syntax.empty",
    _E.ERR_DOCUMENT_END: "xml.syntax.trailing-content",
    _E.ERR_EXTRA_CONTENT: "xml.syntax.trailing-content",
    _E.ERR_TAG_NAME_MISMATCH: "xml.syntax.mismatched-tag",
    _E.ERR_TAG_NOT_FINISHED: "xml.syntax.truncated",
    _E.ERR_INVALID_CHAR: "xml.syntax.invalid-char",
    _E.ERR_INVALID_CHARREF: "xml.syntax.invalid-char",
    _E.ERR_INVALID_DEC_CHARREF: "xml.syntax.invalid-char",
    _E.ERR_INVALID_HEX_CHARREF: "xml.syntax.invalid-char",
    _E.ERR_UNDECLARED_ENTITY: "xml.syntax.entity",
    _E.WAR_UNDECLARED_ENTITY: "xml.syntax.entity",
    _E.ERR_UNPARSED_ENTITY: "xml.syntax.entity",
    _E.ERR_ENTITY_LOOP: "xml.syntax.entity",
    _E.ERR_ENTITYREF_SEMICOL_MISSING: "xml.syntax.entity",
    _E.ERR_ENTITYREF_NO_NAME: "xml.syntax.entity",
    _E.ERR_UNSUPPORTED_ENCODING: "xml.encoding.unsupported",
    _E.ERR_UNKNOWN_ENCODING: "xml.encoding.unsupported",
    _E.ERR_INVALID_ENCODING: "xml.encoding.invalid-bytes",
}
_MESSAGES: dict[str, str] = {
    "xml.syntax.empty": "The document has no root element.",
    "xml.syntax.trailing-content": (
        "There is content after the end of the root element; a message has exactly one root."
    ),
    "xml.syntax.mismatched-tag": "An end tag does not match the open start tag.",
    "xml.syntax.truncated": "The document ends too early; the file looks cut off.",
    "xml.syntax.invalid-char": "The document holds a character XML 1.0 does not allow.",
    "xml.syntax.entity": (
        "The document uses an undefined entity; write the character itself or a numeric "
        "character reference instead."
    ),
    "xml.syntax.not-well-formed": "The document is not well-formed XML.",
    "xml.limit.depth": "Elements are nested deeper than the limit of 256 levels.",
    "xml.limit.node-size": (
        "One text node or attribute value is longer than the limit of 10 000 000 bytes."
    ),
    "xml.encoding.unsupported": "The document's encoding is not supported.",
    "xml.encoding.invalid-bytes": "The document holds bytes that are invalid in its encoding.",
}
#: More than this many characters between the last ``<`` and a resource-limit error → node size.
_NODE_SIZE_DISTANCE = 100_000


def _lxml_parse(data: bytes, override: str | None, doc: _Document) -> Any:
    """Parse with a fresh safe parser; map the first libxml2 error to one finding."""
    parser = new_parser(override)
    try:
        return etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        entries = [entry for entry in parser.error_log if entry.level >= etree.ErrorLevels.ERROR]
        if entries:
            entry = entries[0]
            finding = _libxml2_finding(
                entry.type, entry.line or None, entry.column or None, entry.message, doc
            )
        else:
            finding = _libxml2_finding(-1, getattr(exc, "lineno", None), None, "", doc)
        raise XmlInputError.of(finding) from None


def _libxml2_finding(
    error_type: int, line: int | None, column: int | None, detail: str, doc: _Document
) -> Finding:
    index = doc.index_of(line, column or 1) if line is not None else None
    code = _TYPE_CODES.get(error_type)
    if error_type == _E.ERR_RESOURCE_LIMIT:
        code = "xml.limit.depth"
        if index is not None and index - doc.text.rfind("<", 0, index) > _NODE_SIZE_DISTANCE:
            code = "xml.limit.node-size"
    elif code is None:
        end = doc.position(len(doc.text.rstrip(" \t\r\n")))
        at_end = line is not None and (line, column or 1) >= end
        code = "xml.syntax.truncated" if at_end else "xml.syntax.not-well-formed"
    message = _MESSAGES[code]
    detail = detail.strip().splitlines()[0][:100] if detail.strip() else ""
    detail = detail.replace("{", "(").replace("}", ")")  # never looks like a placeholder
    if detail:
        message = f"{message[:-1]} (libxml2: {detail})."
    offset = doc.byte_offset(index) if index is not None else None
    excerpt = doc.excerpt(line, column) if line is not None else None
    return _error(code, message, Location(line=line, column=column, offset=offset), excerpt)


# ---------------------------------------------------------------------------------------------
# after parsing (§1.3.2, §1.3.4, §1.7 steps 7 and 8)


def _nodes(root: Any) -> Iterator[Any]:
    """Every node of the document, top-level comments and PIs included; iterative."""
    return chain(root.itersiblings(preceding=True), root.iter(), root.itersiblings())


def _security_findings(root: Any, doc: _Document) -> list[Finding]:
    findings: list[Finding] = []
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        findings.append(_doctype_finding(Location(line=1, column=1), None))
    # The tree walk below is defence in depth; it can only find something when the text holds
    # a non-predefined entity reference or the word XInclude, so skip it otherwise (hot path).
    if "XInclude" not in doc.text and not _ENTITY_REFERENCE.search(doc.text):
        return findings
    entity_seen = xinclude_seen = False
    for node in _nodes(root):
        if isinstance(node, etree._Entity):
            if not entity_seen:
                entity_seen = True
                location = _find_on_line(doc, node.sourceline or _parent_line(node), str(node))
                findings.append(
                    _error(
                        "xml.security.entity",
                        f"The document holds an entity reference ({str(node)[:40]}); entities "
                        "are refused for safety. Write the characters directly.",
                        location,
                        _excerpt_at(doc, location),
                    )
                )
        elif isinstance(node.tag, str) and not xinclude_seen:
            namespace = etree.QName(node).namespace
            if namespace in XINCLUDE:
                xinclude_seen = True
                qualified = f"{node.prefix}:{node.tag.split('}')[-1]}" if node.prefix else ""
                location = _find_on_line(
                    doc, node.sourceline, "<" + (qualified or node.tag.split("}")[-1])
                )
                findings.append(
                    _error(
                        "xml.security.xinclude",
                        "The document holds an XInclude element; XInclude is never processed "
                        "and is refused. Put the content into the message itself.",
                        location,
                        _excerpt_at(doc, location),
                    )
                )
    return findings


def _find_on_line(doc: _Document, line: int | None, needle: str) -> Location:
    """The location of ``needle`` at or after the start of ``line``; the line alone if absent."""
    if line is None:
        return Location()
    start = doc.index_of(line, 1)
    if start is not None:
        found = doc.text.find(needle, start)
        if found >= 0:
            return doc.location(found)
    return Location(line=line)


def _excerpt_at(doc: _Document, location: Location) -> str | None:
    return doc.excerpt(location.line, location.column) if location.line else None


def _parent_line(node: Any) -> int | None:
    parent = node.getparent()
    return parent.sourceline if parent is not None else None


def _c1_after_parse(root: Any, decision: Decision, doc: _Document) -> Finding | None:
    """A C1 control that arrived as a character reference (raw ones were caught before)."""
    if not _C1_REFERENCE.search(doc.text):
        return None  # no such reference anywhere: nothing to walk for (hot path)
    for node in _nodes(root):
        values: list[str | None] = [node.tail]
        if isinstance(node, etree._Entity):
            pass
        elif isinstance(node.tag, str):
            values.append(node.text)
            values.extend(node.attrib.values())
        else:  # comments and processing instructions
            values.append(node.text)
        for value in values:
            if value and C1_CONTROLS.search(value):
                code_point = ord(C1_CONTROLS.search(value).group())  # type: ignore[union-attr]
                line = node.sourceline or _parent_line(node)
                location = _reference_location(doc, line)
                excerpt = doc.excerpt(location.line, location.column) if location.line else None
                return _c1_finding(code_point, decision, location, excerpt)
    return None


def _reference_location(doc: _Document, line: int | None) -> Location:
    """The first C1 character reference at or after ``line``; the line alone if none found."""
    if line is None:
        return Location()
    start = doc.index_of(line, 1)
    if start is not None:
        found = _C1_REFERENCE.search(doc.text, start)
        if found is not None:
            location = doc.location(found.start())
            return location
    return Location(line=line)


def encoding_findings(root: Any, decision: Decision) -> list[Finding]:
    """§1.7 step 8: lxml must have used the encoding we decided."""
    # For undeclared input lxml reports its default, UTF-8 (a UTF-16 BOM included).
    undeclared = decision.override or "utf-8"
    expected = decision.encoding if decision.declared is not None else undeclared
    reported = root.getroottree().docinfo.encoding or ""
    canonical = _LABELS.get(reported.lower())
    if canonical is None and reported.lower() in ("utf-16le", "utf-16be"):
        canonical = "utf-16"
    if canonical == expected:
        return []
    return [
        _error(
            "xml.encoding.conflict",
            f"The parser read the document as {reported[:40]!r} but the encoding policy decided "
            f"{expected!r}; check the XML declaration.",
            Location(line=1, column=1),
        )
    ]


# ---------------------------------------------------------------------------------------------
# entry points


def parse_xml(
    data: bytes, *, strict_encoding: bool = False, limits: Limits = DEFAULT_LIMITS
) -> ParsedXml:
    """Parse untrusted XML bytes under the full §1 policy and the XML count ``limits``.

    Raises :class:`~medbridge.errors.XmlInputError` (findings inside, warnings included) for every
    rejected input; returns the tree with its encoding facts and non-error findings otherwise.
    """
    if isinstance(data, str):
        raise TypeError("pass bytes, or a pathlib.Path")
    data = bytes(data)
    if _ONLY_SPACE.fullmatch(data) is not None:  # no stripped copy of a large input
        what = "0 bytes" if not data else "only whitespace"
        _fail(
            [],
            _error(
                "input.empty",
                f"The input is empty ({what}); expected an XML message.",
                Location(line=1, column=1, offset=0),
            ),
        )
    decision = _decide(data, strict_encoding)
    doc = _decode(data, decision)
    _check_text(data, decision, doc)
    doctype = _prolog_doctype(doc.text)
    if doctype is not None:
        location = doc.location(doctype)
        _fail(
            decision.findings,
            _doctype_finding(location, doc.excerpt(location.line or 1, location.column)),
        )
    over = check_budget(doc.text, limits, partial(_located, doc))
    if over is not None:
        _fail(decision.findings, over)
    try:
        root = _lxml_parse(data, decision.override, doc)
    except XmlInputError as exc:
        _fail(decision.findings, *exc.findings)
    after = _security_findings(root, doc)
    c1 = _c1_after_parse(root, decision, doc)
    if c1 is not None:
        after.append(c1)
    after.extend(encoding_findings(root, decision))
    if after:
        _fail(decision.findings, *after)
    return ParsedXml(
        root=root,
        encoding=decision.encoding,
        declared_encoding=decision.declared,
        has_declaration=decision.has_declaration,
        bom=decision.bom_length > 0,
        standalone=decision.standalone,
        findings=list(decision.findings),
    )


def _located(doc: _Document, index: int) -> tuple[Location, str | None]:
    location = doc.location(index)
    return location, doc.excerpt(location.line or 1, location.column)


def parse_trusted(data: bytes) -> Any:
    """Parse our own XSDs and opaque snippets (e.g. kept ``Local_Elements``) with the safe options.

    No encoding policy beyond libxml2's own, but the same error mapping and the same refusal of
    DTDs, entity nodes and XInclude. Raises :class:`~medbridge.errors.XmlInputError`.
    """
    data = bytes(data)
    bom = 3 if data.startswith(_UTF8_BOM) else 0
    doc = _Document(data[bom:].decode("utf-8", "replace"), "utf-8", bom)
    root = _lxml_parse(data, None, doc)
    findings = _security_findings(root, doc)
    if findings:
        _fail([], *findings)
    return root
