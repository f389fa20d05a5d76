"""The encoding policy for XML input (``safety-and-validation.md`` §1.7) and the decoded text.

Applied to the raw bytes before any parser runs, so every parser path reaches the same verdict:
BOM, allowed labels, BOM/declaration conflict, undeclared input as UTF-8 or Latin-1 (step 4),
strict decoding with the offset of the first bad byte, UTF-8 read under a single-byte label, and C1
controls. :class:`_Document` holds the decoded text and turns character indexes into locations and
excerpts. Used by :mod:`medbridge.xml.parse` only (split from it to keep modules small).

An XML declaration *without* an ``encoding`` pseudo-attribute counts as "no declaration" for
step 4 (the Latin-1 fallback with its warning), since the declaration says nothing about the
encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, NoReturn

from medbridge.errors import MedbridgeError, XmlInputError
from medbridge.findings import Finding, Location, Severity, mask_identifiers

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
C1_CONTROLS = re.compile("[\u0080-\u009f]")
_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(slots=True)
class Decision:
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
        # The piece ends within 140 characters of the column: look no further for the line's end
        # (a hostile line can be 20 MB long).
        bound = min(len(self.text), start + (column or 1) + 200)
        brk = _LINE_BREAK.search(self.text, start, bound)
        end = brk.start() if brk else bound
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


class _Declaration(NamedTuple):
    """What the XML declaration says (all None / False without one)."""

    present: bool
    encoding: str | None
    standalone: str | None
    label_index: int  # where the encoding label starts in the head


def _decide(data: bytes, strict_encoding: bool) -> Decision:
    """§1.7 steps 1–4: BOM, label, BOM versus declaration, the undeclared case."""
    bom_codec, bom_length = _bom(data)
    head, char_width = _head(data, bom_codec, bom_length)
    declaration = _read_declaration(head)
    if declaration.encoding is not None:
        return _declared(declaration, head, bom_codec, bom_length, char_width)
    if bom_codec is not None:
        canonical = "utf-8" if bom_codec == "utf-8" else "utf-16"
        return Decision(
            canonical,
            bom_codec,
            None,
            declaration.present,
            bom_length,
            declaration.standalone,
            None,
        )
    return _undeclared(data, strict_encoding, declaration)


def decide_encoding(data: bytes) -> str | None:
    """The encoding §1.7 steps 1–4 decide for ``data`` (canonical, lower-case), or None when
    the policy refuses it; for callers that only need the charset (envelope label checks)."""
    try:
        return _decide(data, False).encoding
    except MedbridgeError:
        return None


def _bom(data: bytes) -> tuple[str | None, int]:
    """Step 1: the codec and length of a byte order mark (None, 0 without one); refuses UTF-32
    and UTF-16 or UTF-32 without one."""
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
    return bom_codec, bom_length


def _head(data: bytes, bom_codec: str | None, bom_length: int) -> tuple[str, int]:
    """The text up to the first ">" (the declaration, if any) and the width of a character."""
    # The declaration ends at the first ">" (its pseudo-attributes cannot hold one).
    if bom_codec in ("utf-16-le", "utf-16-be"):
        body = data[bom_length : len(data) - (len(data) - bom_length) % 2]
        head = body.decode(bom_codec, "replace")
        return (head[: head.find(">") + 1] if ">" in head else head), 2
    end = data.find(b">", bom_length)
    return data[bom_length : end + 1 if end >= 0 else len(data)].decode("latin-1"), 1


def _read_declaration(head: str) -> _Declaration:
    """Step 2: the encoding label and standalone of the XML declaration at the start of head."""
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
    return _Declaration(has_declaration, declared, standalone, label_index)


def _declared(
    declaration: _Declaration, head: str, bom_codec: str | None, bom_length: int, char_width: int
) -> Decision:
    """Steps 2–3 with an encoding label: a supported one, agreeing with the BOM."""
    declared = declaration.encoding
    assert declared is not None

    def label_location() -> Location:  # only a refusal needs it: not computed otherwise
        line, column = _Document(head, "latin-1", 0).position(declaration.label_index)
        offset = bom_length + declaration.label_index * char_width
        return Location(line=line, column=column, offset=offset)

    canonical = _LABELS.get(declared.lower())
    if canonical is None:
        _fail(
            [],
            _error(
                "xml.encoding.unsupported",
                f"The declared encoding {declared[:40]!r} is not supported; use {_ALLOWED_TEXT}.",
                label_location(),
                _declaration_text(head),
            ),
        )
    bom_name = {"utf-8": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(bom_codec or "")
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
    return Decision(
        canonical,
        codec,
        declared,
        declaration.present,
        bom_length,
        declaration.standalone,
        None,
    )


def _undeclared(data: bytes, strict_encoding: bool, declaration: _Declaration) -> Decision:
    """Step 4: no BOM and no declared encoding: UTF-8, or ISO-8859-1 with a finding."""
    has_declaration, standalone = declaration.present, declaration.standalone
    findings: list[Finding] = []
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
        return Decision(
            "iso-8859-1", "latin-1", None, has_declaration, 0, standalone, "iso-8859-1", findings
        )
    return Decision("utf-8", "utf-8", None, has_declaration, 0, standalone, None)


def _declaration_text(head: str) -> str:
    end = head.find("?>")
    return head[: end + 2] if end >= 0 else head[:80]


def _decode(data: bytes, decision: Decision) -> _Document:
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


def _check_text(data: bytes, decision: Decision, doc: _Document) -> None:
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
    c1 = C1_CONTROLS.search(doc.text) if may_hold_c1(data, decision.codec) else None
    if c1 is not None:
        location = doc.location(c1.start())
        excerpt = doc.excerpt(location.line or 1, location.column)
        _fail(decision.findings, _c1_finding(ord(c1.group()), decision, location, excerpt))


def may_hold_c1(data: bytes, codec: str) -> bool:
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
    code_point: int, decision: Decision, location: Location, excerpt: str | None
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
