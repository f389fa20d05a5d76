"""EDIFACT service characters: the UNA service string advice (ISO 9735, ``edifact-messages.md`` §2).

:class:`ServiceChars` holds the six characters (the defaults are ISO 9735's and MedCom's
``:+.? '``); :func:`parse_una` reads and checks them from the first nine bytes of an interchange.
The small helpers :func:`syntax_error` and :func:`show_bytes` build the tokenizer's error
findings and the byte excerpts in their messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from medbridge.edifact.charset import describe_char
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding, Location, Severity

__all__ = [
    "DEFAULT_CHARS",
    "TAG_PATTERN",
    "ServiceChars",
    "parse_una",
    "show_bytes",
    "syntax_error",
]

#: A segment tag: an upper-case letter and two upper-case letters or digits.
TAG_PATTERN = re.compile(rb"[A-Z][A-Z0-9]{2}")


@dataclass(frozen=True, slots=True)
class ServiceChars:
    """The six UNA characters; the defaults are ISO 9735's (and MedCom's) ``:+.? '``."""

    component: str = ":"
    data: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "
    terminator: str = "'"

    def una(self) -> str:
        """The nine-character UNA segment announcing these characters."""
        return (
            f"UNA{self.component}{self.data}{self.decimal}{self.release}"
            f"{self.reserved}{self.terminator}"
        )

    @property
    def escaped(self) -> str:
        """The characters a value must escape: release, component, data, terminator."""
        return self.release + self.component + self.data + self.terminator


DEFAULT_CHARS = ServiceChars()
_UNA_ROLES = (
    "component separator",
    "data element separator",
    "decimal mark",
    "release character",
    "reserved character",
    "segment terminator",
)


def syntax_error(
    code: str,
    message: str,
    location: Location,
    excerpt: str | None = None,
    earlier: Sequence[Finding] = (),
) -> EdifactInputError:
    """The error for one error finding, carrying the ``earlier`` (info) findings before it."""
    finding = Finding(code, Severity.ERROR, message, location, excerpt)
    return EdifactInputError(finding.format(), [*earlier, finding])


def show_bytes(raw: bytes, limit: int = 12) -> str:
    """A short printable rendering of raw bytes for a message (Latin-1, controls escaped)."""
    text = raw[:limit].decode("latin-1")
    shown = "".join(
        ch if " " <= ch <= "~" or ch >= "\xa0" else ch.encode("unicode_escape").decode()
        for ch in text
    )
    return shown + ("…" if len(raw) > limit else "")


def parse_una(data: bytes) -> ServiceChars:
    """Read the service characters from a ``UNA`` at the start of ``data``.

    Raises ``edifact.una.invalid`` unless ``UNA`` is followed by six printable ASCII characters
    that are neither letters nor digits, with ``.`` or ``,`` as decimal mark; raises
    ``edifact.una.duplicate`` when component, data, release, terminator (and a non-space
    reserved character) are not pairwise distinct.
    """
    data = bytes(data[:9])
    where = Location(tag="UNA", offset=0)
    if not data.startswith(b"UNA"):
        raise syntax_error(
            "edifact.una.invalid", "The input does not start with a UNA segment.", where
        )
    body = data[3:9]
    if len(body) < 6:
        raise syntax_error(
            "edifact.una.invalid",
            f"UNA must be followed by exactly six service characters; the input ends after "
            f"{len(body)}.",
            where,
        )
    chars: list[str] = []
    for position, byte in enumerate(body):
        ch = chr(byte)
        role = _UNA_ROLES[position]
        if not 0x20 <= byte <= 0x7E or ch.isalnum():
            what = "a letter or digit" if ch.isalnum() else describe_char(ch)
            raise syntax_error(
                "edifact.una.invalid",
                f"UNA must be followed by exactly six service characters; character "
                f"{position + 1} ({role}) is {what!s}, not a printable non-alphanumeric ASCII "
                "character (is the UNA shorter than nine characters?).",
                Location(tag="UNA", offset=3 + position),
                show_bytes(data),
            )
        chars.append(ch)
    if chars[2] not in ".,":
        raise syntax_error(
            "edifact.una.invalid",
            f"The UNA decimal mark (character 3) must be '.' or ',', not {chars[2]!r}.",
            Location(tag="UNA", offset=5),
            show_bytes(data),
        )
    significant = [(0, chars[0]), (1, chars[1]), (3, chars[3]), (5, chars[5])]
    if chars[4] != " ":
        significant.append((4, chars[4]))
    seen: dict[str, int] = {}
    for position, ch in significant:
        if ch in seen:
            raise syntax_error(
                "edifact.una.duplicate",
                f"The UNA uses {ch!r} both as {_UNA_ROLES[seen[ch]]} and as "
                f"{_UNA_ROLES[position]}; the service characters must differ.",
                Location(tag="UNA", offset=3 + position),
                show_bytes(data),
            )
        seen[ch] = position
    return ServiceChars(*chars)
