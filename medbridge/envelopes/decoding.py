"""Bounded base64 decoding and payload sniffing for envelope layers (spec part B.5 steps 1, 3).

:func:`decode_base64` applies the ``xs:base64Binary`` rules: whitespace (space, TAB, CR, LF) is
allowed anywhere and ignored; any other character outside the alphabet, or bad padding, is
refused. The decoded size is computed from the length of the text **before** anything is
decoded, so a layer that would decode past the limit (a base64 bomb) is refused without
decoding it. :func:`sniff` tells what decoded bytes are from their first bytes only; labels
never decide.
"""

from __future__ import annotations

import binascii
import re

__all__ = [
    "BINARY",
    "EDIFACT",
    "FHIR_JSON",
    "JSON",
    "UNKNOWN",
    "XML",
    "Base64Problem",
    "decode_base64",
    "is_wrapped",
    "root_name",
    "sniff",
]

XML = "xml"
EDIFACT = "edifact"
JSON = "json"
FHIR_JSON = "fhir-json"
BINARY = "binary"
UNKNOWN = "unknown"

_SPACE = re.compile(r"[ \t\r\n]+")
_ALPHABET = re.compile(r"[A-Za-z0-9+/]*(?:={0,2})")
_BAD_CHAR = re.compile(r"[^A-Za-z0-9+/=]")
_MAGIC = (b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: The first start tag's (prefix and) local name, after the prolog.
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_ENVELOPE_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?(VANSEnvelope|StandardBusinessDocument)[\s>/]"
)
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


class Base64Problem(Exception):
    """Why a base64 text was refused: ``code`` is ``wrapper.base64-invalid`` or
    ``wrapper.too-large``; ``detail`` a sentence without content from the text."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def decode_base64(text: str, limit: int) -> bytes:
    """The bytes of ``text`` under the ``xs:base64Binary`` rules, at most ``limit`` of them.

    Raises :class:`Base64Problem` before decoding when the text would decode to more than
    ``limit`` bytes, and for a character outside the alphabet or bad padding.
    """
    compact = _SPACE.sub("", text)
    decoded_size = len(compact) // 4 * 3
    if decoded_size > limit:
        raise Base64Problem(
            "wrapper.too-large",
            f"The base64 content would decode to about {decoded_size} bytes, more than the "
            f"limit of {limit} bytes; it was refused without decoding it.",
        )
    bad = _BAD_CHAR.search(compact)
    if bad is not None:
        raise Base64Problem(
            "wrapper.base64-invalid",
            f"The base64 content holds a character outside the base64 alphabet "
            f"(U+{ord(bad.group()):04X} after {bad.start()} base64 characters).",
        )
    if len(compact) % 4 or _ALPHABET.fullmatch(compact) is None:
        raise Base64Problem(
            "wrapper.base64-invalid",
            "The base64 content is badly padded: its length is not a multiple of 4 or '=' "
            "stands inside it.",
        )
    try:
        return binascii.a2b_base64(compact, strict_mode=True)
    except binascii.Error:
        raise Base64Problem(
            "wrapper.base64-invalid", "The base64 content does not decode (bad padding)."
        ) from None


def _head(data: bytes) -> bytes:
    head = data[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            if bom == b"\xef\xbb\xbf":
                return head[3:].lstrip()
            # UTF-16: look at the ASCII of it only (enough to see the first tag).
            return head[2:].replace(b"\x00", b"").lstrip()
    return head.lstrip()


def sniff(data: bytes) -> str:
    """What ``data`` is from its first bytes: :data:`EDIFACT`, :data:`XML`, :data:`FHIR_JSON`,
    :data:`JSON`, :data:`BINARY` or :data:`UNKNOWN` (spec B.5 step 1)."""
    head = _head(data)
    if head.startswith((b"UNA", b"UNB")):
        return EDIFACT
    if head.startswith(b"<"):
        return XML
    if head.startswith(b"{"):
        return FHIR_JSON if b'"resourceType"' in data[:65536] else JSON
    if data.startswith(_MAGIC):
        return BINARY
    return UNKNOWN


def root_name(data: bytes) -> str | None:
    """The local name of the first start tag of XML ``data`` (after declaration, comments and
    PIs), read from the first 4 KiB without parsing; None when there is none."""
    return _root_of(_head(data))


def _root_of(head: bytes) -> str | None:
    pos = 0
    while True:
        item = _PROLOG_ITEM.match(head, pos)
        if item is None or item.end() == pos:
            break
        pos = item.end()
    start = pos + len(head[pos:]) - len(head[pos:].lstrip())
    if head[start : start + 9].upper() == b"<!DOCTYPE":
        # A DOCTYPE is refused by the parser anyway; name the root it announces, so that an
        # envelope with one is parsed (and refused) as an envelope.
        found = _ENVELOPE_TAG.search(head, start)
        return found.group(1).decode("ascii") if found is not None else None
    found = _FIRST_TAG.match(head, start)
    return found.group(2).decode("ascii") if found is not None else None


_ROOT_NAMES = frozenset({"StandardBusinessDocument", "VANSEnvelope"})


def is_wrapped(data: bytes) -> bool:
    """True when ``data`` looks like an SBDH document or a VANS envelope (first bytes only).
    It lives here, with nothing heavy imported, because every read asks it."""
    head = _head(data)  # once: every read asks this
    return head.startswith(b"<") and _root_of(head) in _ROOT_NAMES
