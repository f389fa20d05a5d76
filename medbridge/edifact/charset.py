"""EDIFACT character sets: which syntax identifiers we decode, and what may appear in a segment.

This module owns ``safety-and-validation.md`` §2.3: the table from the UNB syntax identifier
(``UNOA``, ``UNOB``, ``UNOC``, ``UNOY``) to a codec and a repertoire, the byte-level checks run on
every segment before it is decoded (control characters, C1 bytes under UNOC, UTF-8 suspected
under a single-byte identifier, invalid UTF-8 under UNOY, the UNOA/UNOB repertoire), and the
writer-side test of whether a value can be written in a repertoire at all.

All service characters are printable ASCII (``syntax.parse_una`` enforces it), and no byte of a
multi-byte UTF-8 sequence is ASCII, so every check here can work on raw segment bytes, and an
index into those bytes is a byte offset.

Problems are raised as :class:`CharsetProblem` (code, index into the checked bytes, sentence); the
tokenizer turns them into located :class:`~medbridge.findings.Finding` objects. It never escapes
the package.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CHARSETS",
    "Charset",
    "CharsetProblem",
    "decode_checked",
    "describe_char",
    "first_unwritable",
    "good_bytes",
    "lookup_charset",
    "unwritable_pattern",
]


@dataclass(frozen=True, slots=True)
class Charset:
    """One supported syntax identifier (code list 0001) and how to read and write it."""

    identifier: str
    codec: str
    min_version: int
    repertoire: str


CHARSETS: MappingProxyType[str, Charset] = MappingProxyType(
    {
        "UNOA": Charset(
            "UNOA",
            "ascii",
            1,
            'A–Z, 0–9, space and . , - ( ) / = ! " % & * ; < > plus the service characters',
        ),
        "UNOB": Charset("UNOB", "ascii", 1, "printable ASCII (U+0020–U+007E)"),
        "UNOC": Charset(
            "UNOC", "latin-1", 1, "ISO 8859-1 graphic characters (U+0020–U+007E, U+00A0–U+00FF)"
        ),
        "UNOY": Charset("UNOY", "utf-8", 4, "any character except control characters"),
    }
)

_UNOA_BASIC = 'A-Z0-9 .,\\-()/=!"%&*;<>'
_CONTROL_NAMES = {
    0x00: "NULL",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x7F: "DELETE",
}

# Byte patterns of everything that needs a closer look, per identifier. UNOA depends on the
# service characters in use and is compiled per interchange (see ``_unoa_bytes``).
_C0_DEL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
_UNOB_BAD_BYTES = re.compile(rb"[^\x20-\x7e]")
_UNOC_BAD_BYTES = re.compile(rb"[\x00-\x1f\x7f-\x9f]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_C1_TEXT = re.compile("[\x80-\x9f]")
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")

# Writer side: characters a value may hold (service characters are escaped, so allowed).
_UNOB_UNWRITABLE = re.compile("[^\x20-\x7e]")
_UNOC_UNWRITABLE = re.compile("[^\x20-\x7e\xa0-\xff]")
_UNOY_UNWRITABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class CharsetProblem(Exception):
    """A segment's bytes break the character set rules. Internal: the tokenizer converts it."""

    def __init__(self, code: str, index: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.index = index
        self.message = message


def describe_char(ch: str) -> str:
    """``U+00E6 LATIN SMALL LETTER AE``; control characters get their ISO 6429 name."""
    cp = ord(ch)
    name = _CONTROL_NAMES.get(cp) or unicodedata.name(ch, "") or "<control>"
    return f"U+{cp:04X} {name}"


def lookup_charset(identifier: str) -> Charset | None:
    """The supported character set for a syntax identifier, or None."""
    return CHARSETS.get(identifier)


def _unoa_text(service: str) -> str:
    extra = "".join(re.escape(c) for c in sorted(set(service)) if c != " ")
    return f"[^{_UNOA_BASIC}{extra}]"


def _unoa_pattern(service: str) -> re.Pattern[str]:
    """Characters outside UNOA (``re`` caches the compiled pattern per service string)."""
    return re.compile(_unoa_text(service))


def _unoa_bytes_pattern(service: str) -> re.Pattern[bytes]:
    return re.compile(_unoa_text(service).encode("ascii"))


def _control(raw: bytes, index: int) -> CharsetProblem:
    ch = chr(raw[index])
    return CharsetProblem(
        "edifact.charset.control",
        index,
        f"Control character {describe_char(ch)} inside a segment; line breaks and other "
        "control characters are allowed only as layout after a segment terminator.",
    )


def _utf8_suspected(raw: bytes, identifier: str) -> int | None:
    """Index of the first suspicious byte when single-byte text looks like UTF-8, else None."""
    if raw.isascii():
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        match = _MOJIBAKE.search(raw.decode("latin-1"))
        return match.start() if match else None
    return next(i for i, b in enumerate(raw) if b >= 0x80)


def _suspected_problem(index: int, identifier: str) -> CharsetProblem:
    return CharsetProblem(
        "edifact.charset.utf8-suspected",
        index,
        f"The segment holds UTF-8 byte sequences (such as 'Ã¸' for 'ø') but UNB declares "
        f"{identifier}; re-encode the file as ISO 8859-1 for UNOC, or declare UNOY:4 for UTF-8.",
    )


def _repertoire_problem(raw: bytes, index: int, charset: Charset) -> CharsetProblem:
    """The byte at ``index`` is outside the (UNOA or UNOB) repertoire."""
    byte = raw[index]
    if byte >= 0x80:
        what = f"Byte 0x{byte:02X} ({describe_char(chr(byte))} in ISO 8859-1)"
        advice = "declare UNOC:3 or remove it."
    else:
        what = describe_char(chr(byte))
        advice = "declare UNOB or UNOC, or remove it."
    return CharsetProblem(
        "edifact.charset.repertoire",
        index,
        f"{what} is outside the {charset.identifier} repertoire ({charset.repertoire}); {advice}",
    )


def good_bytes(charset: Charset, service: str) -> bytes:
    """The bytes that need no closer look under ``charset`` (a ``bytes.translate`` delete set):
    a segment whose bytes are all in it, and are ASCII, decodes without further checks."""
    ident = charset.identifier
    if ident == "UNOA":
        allowed = {b for b in range(0x80) if _unoa_bytes_pattern(service).match(bytes([b])) is None}
        return bytes(sorted(allowed))
    if ident == "UNOB":
        return bytes(range(0x20, 0x7F))
    if ident == "UNOC":
        return bytes(range(0x20, 0x7F)) + bytes(range(0xA0, 0x100))
    return bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))


def decode_checked(raw: bytes, charset: Charset, service: str) -> str:
    """Check one segment's bytes (tag to terminator, terminator excluded) and decode them.

    ``service`` holds the interchange's service characters (UNOA allows them). Raises
    :class:`CharsetProblem` for the first problem, checked in this order: C0/DEL control,
    UTF-8 suspected (single-byte identifiers), C1 byte (UNOC), repertoire, invalid UTF-8 (UNOY).
    """
    ident = charset.identifier
    if ident == "UNOC":
        if _UNOC_BAD_BYTES.search(raw) is None and raw.isascii():
            return raw.decode("ascii")
        _raise_common(raw, ident)
        c1 = _C1_BYTES.search(raw)
        if c1 is not None:
            byte = raw[c1.start()]
            try:
                guess = describe_char(bytes([byte]).decode("cp1252"))
                hint = f"in windows-1252 it would be {guess}, which ISO 8859-1 cannot carry"
            except UnicodeDecodeError:
                hint = "it has no meaning in ISO 8859-1 or windows-1252"
            raise CharsetProblem(
                "edifact.charset.c1-control",
                c1.start(),
                f"Byte 0x{byte:02X} is a C1 control character under UNOC (ISO 8859-1); {hint}. "
                "The sender probably wrote windows-1252: re-encode as ISO 8859-1 without it.",
            )
        return raw.decode("latin-1")
    if ident == "UNOY":
        bad = _C0_DEL_BYTES.search(raw)
        if bad is not None:
            raise _control(raw, bad.start())
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CharsetProblem(
                "edifact.charset.invalid-utf8",
                exc.start,
                f"Byte 0x{raw[exc.start]:02X} is not valid UTF-8, which UNOY requires; the file "
                "is probably ISO 8859-1: declare UNOC:3, or re-encode it as UTF-8.",
            ) from None
        c1_text = _C1_TEXT.search(text)
        if c1_text is not None:
            index = len(text[: c1_text.start()].encode("utf-8"))
            raise CharsetProblem(
                "edifact.charset.control",
                index,
                f"Control character {describe_char(c1_text.group())} inside a segment.",
            )
        return text
    # UNOA / UNOB: ASCII only.
    pattern = _unoa_bytes_pattern(service) if ident == "UNOA" else _UNOB_BAD_BYTES
    bad_match = pattern.search(raw)
    if bad_match is None:
        return raw.decode("ascii")
    _raise_common(raw, ident)
    raise _repertoire_problem(raw, bad_match.start(), charset)


def _raise_common(raw: bytes, identifier: str) -> None:
    """C0/DEL controls first, then UTF-8 suspected: shared by the single-byte identifiers."""
    bad = _C0_DEL_BYTES.search(raw)
    if bad is not None:
        raise _control(raw, bad.start())
    suspect = _utf8_suspected(raw, identifier)
    if suspect is not None:
        raise _suspected_problem(suspect, identifier)


def first_unwritable(value: str, charset: Charset, service: str) -> int | None:
    """Index of the first character of ``value`` the charset cannot carry, or None.

    Used by the writer before encoding: control characters (TAB, CR, LF included) are never
    writable; UNOA/UNOB/UNOC add their repertoire; UNOY refuses lone surrogates.
    """
    match = unwritable_pattern(charset, service).search(value)
    return None if match is None else match.start()


def unwritable_pattern(charset: Charset, service: str) -> re.Pattern[str]:
    """The pattern :func:`first_unwritable` searches with: one character the charset cannot
    carry in a value (``service`` holds the interchange's service characters, which UNOA allows).

    The writer searches a whole segment's values at once with it, joined by the service
    characters, which every repertoire can carry."""
    ident = charset.identifier
    if ident == "UNOC":
        return _UNOC_UNWRITABLE
    if ident == "UNOB":
        return _UNOB_UNWRITABLE
    if ident == "UNOA":
        return _unoa_pattern(service)
    return _UNOY_UNWRITABLE
