"""Hardened XML parsing: the only module that may create an lxml parser.

Owns ``safety-and-validation.md`` §1 up to (not including) schema validation:

- the parser settings of §1.2 (:data:`SAFE_OPTIONS`, :func:`new_parser`);
- the encoding policy of §1.7, applied to the raw bytes before any parser runs (BOM, allowed
  labels, BOM/declaration conflict, undeclared input as UTF-8 or Latin-1, strict decode, UTF-8
  mojibake under a single-byte label, C1 controls);
- the DOCTYPE pre-scan of §1.3, the node budget (:mod:`medbridge.xml.budget`), and the
  after-parse checks (docinfo DTDs, entity nodes, XInclude, encoding consistency, C1 controls
  that arrived as character references);
- mapping libxml2 failures to stable finding codes by ``etree.ErrorTypes`` (§1.5), with
  libxml2's line and column.

:func:`parse_xml` is the entry point for untrusted bytes; :func:`parse_trusted` parses our own
XSDs and opaque snippets with the same options. Every tree walk here is iterative.

Two choices the spec leaves open, made here:

- An XML declaration *without* an ``encoding`` pseudo-attribute counts as "no declaration" for
  §1.7 step 4 (the Latin-1 fallback with its warning), since the declaration says nothing about
  the encoding.
- libxml2 reports both the depth limit and the text-node limit as ``ERR_RESOURCE_LIMIT``. We tell
  them apart without reading the message text: the error lies far (more than 100 000 characters)
  from the last ``<`` only when a single text node or attribute value is too long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any, NoReturn

from lxml import etree

from medbridge.errors import XmlInputError
from medbridge.findings import Finding, Location, Severity, mask_identifiers
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.xml.budget import check_budget
from medbridge.xml.namespaces import XINCLUDE

__all__ = ["SAFE_OPTIONS", "ParsedXml", "new_parser", "parse_trusted", "parse_xml"]

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
# encoding policy (§1.7)

#: Allowed labels (case-insensitive) → canonical name.
_LABELS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "iso-8859-1": "iso-8859-1",
    "iso_8859-1": "iso-8859-1",
    "latin1": "iso-8859-1",
    "windows-1252": "windows-1252",
    "cp1252": "windows-1252",
    "us-ascii": "us-ascii",
}
#: Canonical name → Python codec (UTF-16 is decided per BOM, see ``_decide``).
_CODECS: dict[str, str] = {
    "utf-8": "utf-8",
    "iso-8859-1": "latin-1",
    "windows-1252": "cp1252",
    "us-ascii": "ascii",
}
_SINGLE_BYTE = frozenset({"iso-8859-1", "windows-1252", "us-ascii"})
_ALLOWED_TEXT = "UTF-8, UTF-16 (with a byte order mark), ISO-8859-1, windows-1252 or US-ASCII"

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
#: The first bytes of ``<`` in UTF-16 or UTF-32 without a byte order mark.
_WIDE_WITHOUT_BOM = (b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00<", b"<\x00")

_DECLARATION = re.compile(r"<\?xml(?=[ \t\r\n?])(?P<body>[^<>]*?)\?>")
_PSEUDO_ATTRIBUTE = re.compile(
    r"""[ \t\r\n]*(?P<name>[A-Za-z]+)[ \t\r\n]*=[ \t\r\n]*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')"""
)
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf]")
_C1 = re.compile("[\u0080-\u009f]")
_ENTITY_REFERENCE = re.compile(r"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z_:]")
_C1_REFERENCE = re.compile(r"&#(?:[xX]0*(?:[89][0-9a-fA-F])|0*(?:12[89]|1[3-5][0-9]));")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_SPACE = re.compile(r"[ \t\r\n]*")
_ONLY_SPACE = re.compile(rb"[ \t\r\n]*")


@dataclass(slots=True)
class _Decision:
    """The outcome of §1.7 steps 1–4 for one input."""

    encoding: str
    codec: str
    declared: str | None
    has_declaration: bool
    bom_length: int
    standalone: str | None
    override: str | None  # the only encoding ever passed to lxml (step 4)
    findings: list[Finding] = field(default_factory=list)


class _Document:
    """The decoded text and helpers to turn positions into locations and excerpts."""

    __slots__ = ("bom_length", "codec", "text")

    def __init__(self, text: str, codec: str, bom_length: int) -> None:
        self.text = text
        self.codec = codec
        self.bom_length = bom_length

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of the character at ``index``, CR, LF and CRLF as line ends."""
        prefix = self.text[:index]
        line = len(_LINE_BREAK.findall(prefix)) + 1
        last = max(prefix.rfind("\n"), prefix.rfind("\r"))
        return line, index - last

    def byte_offset(self, index: int) -> int:
        return self.bom_length + len(self.text[:index].encode(self.codec, "replace"))

    def index_of(self, line: int, column: int) -> int | None:
        """The character index of a 1-based (line, column), or None if out of range."""
        start = self._line_start(line)
        if start is None:
            return None
        return min(start + max(column, 1) - 1, len(self.text))

    def location(self, index: int) -> Location:
        line, column = self.position(index)
        return Location(line=line, column=column, offset=self.byte_offset(index))

    def excerpt(self, line: int, column: int | None) -> str | None:
        """A piece of the given line around ``column``, never starting inside a word/number."""
        start = self._line_start(line)
        if start is None:
            return None
        brk = _LINE_BREAK.search(self.text, start)
        end = brk.start() if brk else len(self.text)
        low = start if (column or 1) <= 40 else start + (column or 1) - 1 - 20
        steps = 0
        while low > start and low < end and steps < 40 and _word_char(self.text[low - 1]):
            low += 1
            steps += 1
        # Mask before Finding escapes control characters: "\x00" + a CPR would hide the CPR
        # from the masking pattern (the escape ends in a digit).
        piece = mask_identifiers(self.text[low : min(end, low + 120)])
        return piece or None

    def _line_start(self, line: int) -> int | None:
        start = 0
        for _ in range(line - 1):
            brk = _LINE_BREAK.search(self.text, start)
            if brk is None:
                return None
            start = brk.end()
        return start


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "-"


def _fail(prior: list[Finding], *new: Finding) -> NoReturn:
    """Raise ``XmlInputError`` with the findings so far (warnings included) and the new ones."""
    findings = [*prior, *new]
    errors = [f for f in findings if f.is_error]
    first = errors[0].format() if errors else "invalid XML"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise XmlInputError(first + more, findings)


def _error(code: str, message: str, location: Location, excerpt: str | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, location, excerpt)


def _decide(data: bytes, strict_encoding: bool) -> _Decision:
    """§1.7 steps 1–4: BOM, label, BOM versus declaration, the undeclared case."""
    if data.startswith(_UTF32_BOMS):
        _fail(
            [],
            _error(
                "xml.encoding.unsupported",
                f"The input starts with a UTF-32 byte order mark; UTF-32 is not supported. "
                f"Re-encode the message as {_ALLOWED_TEXT}.",
                Location(line=1, column=1, offset=0),
            ),
        )
    bom_codec: str | None = None
    bom_length = 0
    if data.startswith(_UTF8_BOM):
        bom_codec, bom_length = "utf-8", 3
    elif data[:2] in _UTF16_BOMS:
        bom_codec, bom_length = _UTF16_BOMS[data[:2]], 2
    elif data.startswith(_WIDE_WITHOUT_BOM):
        _fail(
            [],
            _error(
                "xml.encoding.unsupported",
                "The input looks like UTF-16 or UTF-32 without a byte order mark, which is "
                f"not supported. Re-encode the message as {_ALLOWED_TEXT}.",
                Location(line=1, column=1, offset=0),
            ),
        )
    # The declaration ends at the first ">" (its pseudo-attributes cannot hold one).
    if bom_codec in ("utf-16-le", "utf-16-be"):
        body = data[bom_length : len(data) - (len(data) - bom_length) % 2]
        head = body.decode(bom_codec, "replace")
        head = head[: head.find(">") + 1] if ">" in head else head
        char_width = 2
    else:
        end = data.find(b">", bom_length)
        head = data[bom_length : end + 1 if end >= 0 else len(data)].decode("latin-1")
        char_width = 1
    declared: str | None = None
    standalone: str | None = None
    label_index = 0
    has_declaration = head.startswith("<?xml") and (len(head) == 5 or head[5] in " \t\r\n?")
    match = _DECLARATION.match(head) if has_declaration else None
    if match is not None:
        body_start = match.start("body")
        for attr in _PSEUDO_ATTRIBUTE.finditer(match.group("body")):
            value = attr.group("dq") if attr.group("dq") is not None else attr.group("sq")
            if attr.group("name") == "encoding" and declared is None:
                declared = value
                label_index = body_start + attr.start(
                    "dq" if attr.group("dq") is not None else "sq"
                )
            elif attr.group("name") == "standalone" and standalone is None:
                standalone = value

    def label_location() -> Location:  # only a refusal needs it: not computed otherwise
        line, column = _Document(head, "latin-1", 0).position(label_index)
        return Location(line=line, column=column, offset=bom_length + label_index * char_width)

    findings: list[Finding] = []
    if declared is not None:
        canonical = _LABELS.get(declared.lower())
        if canonical is None:
            _fail(
                [],
                _error(
                    "xml.encoding.unsupported",
                    f"The declared encoding {declared[:40]!r} is not supported; "
                    f"use {_ALLOWED_TEXT}.",
                    label_location(),
                    _declaration_text(head),
                ),
            )
        bom_name = {"utf-8": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(
            bom_codec or ""
        )
        if bom_name is not None and bom_name != canonical:
            _fail(
                [],
                _error(
                    "xml.encoding.bom-conflict",
                    f"The byte order mark says {bom_name.upper()} but the declaration says "
                    f"{declared!r}; remove the byte order mark or correct the declaration.",
                    label_location(),
                    _declaration_text(head),
                ),
            )
        if canonical == "utf-16" and bom_codec is None:
            _fail(
                [],
                _error(
                    "xml.encoding.unsupported",
                    "UTF-16 is only accepted with a byte order mark; add one or re-encode "
                    "the message as UTF-8.",
                    label_location(),
                    _declaration_text(head),
                ),
            )
        codec = bom_codec if canonical == "utf-16" and bom_codec else _CODECS[canonical]
        return _Decision(canonical, codec, declared, has_declaration, bom_length, standalone, None)
    if bom_codec is not None:
        canonical = "utf-8" if bom_codec == "utf-8" else "utf-16"
        return _Decision(canonical, bom_codec, None, has_declaration, bom_length, standalone, None)
    # Step 4: no BOM and no declared encoding.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        doc = _Document(data[: exc.start].decode("utf-8", "replace"), "utf-8", 0)
        line, column = doc.position(len(doc.text))
        severity = Severity.ERROR if strict_encoding else Severity.WARNING
        findings.append(
            Finding(
                "xml.encoding.undeclared-latin1",
                severity,
                "The message declares no encoding and is not valid UTF-8, so it was read as "
                'ISO-8859-1; add encoding="ISO-8859-1" (or the real encoding) to the XML '
                "declaration.",
                Location(line=line, column=column, offset=exc.start),
            )
        )
        if strict_encoding:
            _fail(findings)
        return _Decision(
            "iso-8859-1", "latin-1", None, has_declaration, 0, standalone, "iso-8859-1", findings
        )
    return _Decision("utf-8", "utf-8", None, has_declaration, 0, standalone, None)


def _declaration_text(head: str) -> str:
    end = head.find("?>")
    return head[: end + 2] if end >= 0 else head[:80]


def _decode(data: bytes, decision: _Decision) -> _Document:
    """§1.7 step 5: decode the whole input strictly, or report the first bad byte."""
    body = data[decision.bom_length :]
    try:
        text = body.decode(decision.codec)
    except UnicodeDecodeError as exc:
        prefix = _Document(
            body[: exc.start].decode(decision.codec, "replace"),
            decision.codec,
            decision.bom_length,
        )
        index = len(prefix.text)
        line, column = prefix.position(index)
        offset = decision.bom_length + exc.start
        bad = body[exc.start : exc.start + 1].hex().upper()
        label = decision.declared or decision.encoding.upper()
        whole = _Document(body.decode(decision.codec, "replace"), decision.codec, 0)
        _fail(
            decision.findings,
            _error(
                "xml.encoding.invalid-bytes",
                f"Byte 0x{bad} at offset {offset} is not valid {label}; the file is in "
                "another encoding than it declares. Correct the declaration or re-encode "
                "the file.",
                Location(line=line, column=column, offset=offset),
                whole.excerpt(line, column),
            ),
        )
    return _Document(text, decision.codec, decision.bom_length)


def _check_text(data: bytes, decision: _Decision, doc: _Document) -> None:
    """§1.7 steps 6 and 7: UTF-8 read under a single-byte label; C1 control characters."""
    if decision.encoding in _SINGLE_BYTE:
        body = data[decision.bom_length :]
        first = _NON_ASCII_BYTE.search(body)
        index: int | None = None
        if first is not None:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                index = len(body[: first.start()].decode("latin-1"))
        # Mojibake starts with Ã or Â: a substring test finds their absence far faster than the
        # regex scan (hot path for every Danish single-byte letter).
        if index is None and ("\u00c3" in doc.text or "\u00c2" in doc.text):
            found = _MOJIBAKE.search(doc.text)
            index = found.start() if found is not None else None
        if index is not None:
            label = decision.declared or "ISO-8859-1 (undeclared)"
            location = doc.location(index)
            _fail(
                decision.findings,
                _error(
                    "xml.encoding.utf8-as-latin1",
                    f"The text is UTF-8 but is read as {label}, which would turn "
                    'æ, ø and å into two characters each; declare encoding="UTF-8".',
                    location,
                    doc.excerpt(location.line or 1, location.column),
                ),
            )
    c1 = _C1.search(doc.text) if _may_hold_c1(data, decision.codec) else None
    if c1 is not None:
        location = doc.location(c1.start())
        excerpt = doc.excerpt(location.line or 1, location.column)
        _fail(decision.findings, _c1_finding(ord(c1.group()), decision, location, excerpt))


def _may_hold_c1(data: bytes, codec: str) -> bool:
    """False when the decoded text cannot hold a C1 control, told without scanning the text.

    Strict windows-1252 and ASCII decoding never yield U+0080–U+009F, and UTF-8 encodes them
    as C2 80 … C2 9F, so UTF-8 without a C2 byte holds none; anything else is looked at.
    """
    if codec in ("cp1252", "ascii"):
        return False
    if codec == "utf-8":
        return b"\xc2" in data
    return True


def _c1_finding(
    code_point: int, decision: _Decision, location: Location, excerpt: str | None
) -> Finding:
    hint = (
        " If the sender meant windows-1252 characters such as € or curly quotes, the "
        'declaration must say encoding="windows-1252".'
        if decision.encoding == "iso-8859-1"
        else ""
    )
    return _error(
        "xml.encoding.c1-control",
        f"The text holds the C1 control character U+{code_point:04X}, which has no place in a "
        f"letter.{hint}",
        location,
        excerpt,
    )


# ---------------------------------------------------------------------------------------------
# DOCTYPE pre-scan (§1.3.1)

_COMMENT_END = "-->"
_PI_END = "?>"


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
        raise XmlInputError(finding.format(), [finding]) from None


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


def _c1_after_parse(root: Any, decision: _Decision, doc: _Document) -> Finding | None:
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
            if value and _C1.search(value):
                code_point = ord(_C1.search(value).group())  # type: ignore[union-attr]
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


def _encoding_findings(root: Any, decision: _Decision) -> list[Finding]:
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
    after.extend(_encoding_findings(root, decision))
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
