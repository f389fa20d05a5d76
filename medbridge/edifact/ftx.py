"""EDIFACT free text: the string side of FTX (edifact-messages.md §9).

This module owns what FTX does to *strings*: the format codes of §9.3 (a font letter and a style
slot), the FTX block (format code and 1–5 text components), the line reading of §9.2 (``\\``
continues, ``.`` is an empty line), and the line writing of §9.4 — wrapping at 69 characters,
soft ``\\`` line ends, ``.`` empty lines, packing five lines per FTX and the §9.8 escape. It knows
no model: :mod:`medbridge.codecs.edifact.text` turns a ``FormattedText`` into runs of strings and
breaks (:class:`Run`) and back, with the cross-format normalisations F1–F3 (§12 P5).

It works on *unescaped* component strings. Building segments (qualifier, empty E3, escaping,
the FTX count limits of §9.6) is the mapping's job, and so is locating problems: this module
knows no segment positions. Problems are raised as :class:`FtxError` carrying a stable finding
code and, on reading, the index of the offending block; the EDIFACT mapping catches it and turns
it into a located :class:`~medbridge.findings.Finding` (``edifact.mapping.format-code`` …). It
never escapes the package.

The [POL] corrections to MedCom's writer implemented here:

* the line buffer carries on across consecutive text items, so no text is lost around ``Space``;
* *next* is the real next run, not always the second run of the text;
* a hard line that would read back wrongly (exactly ``.``, or ending in ``\\``) is written with an
  extra ``\\`` and followed by a ``.`` line (§9.8);
* an unknown format code is an error on reading (MedCom makes it ``FixedFont``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final, TypeAlias

__all__ = [
    "ALIGNMENTS",
    "BREAK",
    "FORMAT_CODES",
    "LINES_PER_FTX",
    "MAX_COMPONENT",
    "PLAIN",
    "STYLE_SLOTS",
    "WIRE_KEY",
    "FtxBlock",
    "FtxError",
    "Line",
    "Paragraphs",
    "Run",
    "check_block",
    "hard_lines",
    "pieces",
    "text_lines",
    "write_runs",
]

WIRE_KEY: Final = "edifact.ftx"
"""Key of the provenance record in ``FormattedText.wire``: ``[[format_code, [line, ...]], ...]``."""

MAX_COMPONENT: Final = 70
"""Longest component the writer produces (69 characters + ``\\`` for a soft line end)."""

LINES_PER_FTX: Final = 5
"""Text components in one FTX E4."""

_WRAP_AT: Final = MAX_COMPONENT - 1
_WHITESPACE: Final = " \t\n\x0b\x0c\r"
_MIN_WRAP_INDEX: Final = 3

PLAIN: Final = "00"
"""The style slot (format code letters 2 and 3) of unstyled text."""
STYLE_SLOTS: Final = ("F0", "K0", "U0", "0M", "0H")
"""The style slots of §9.3: bold, italic, underline, centre, right."""
ALIGNMENTS: Final = frozenset({"0M", "0H"})

FORMAT_CODES: Final = frozenset(
    font + slot for font in ("P", "F") for slot in (PLAIN, *STYLE_SLOTS)
)
"""The twelve format codes of §9.3 (``P00`` … ``F0H``)."""


@dataclass(frozen=True, slots=True)
class FtxBlock:
    """One FTX segment's text: its format code (E2.1) and E4 components, unescaped (1–5 lines)."""

    format_code: str
    lines: tuple[str, ...]


class FtxError(Exception):
    """A text that FTX cannot read or write. Internal: the EDIFACT mapping turns it into a finding.

    ``code`` is the stable finding code. ``block`` is the index of the offending block in the
    sequence being read (None when writing); ``component`` the 0-based index of the offending
    line in that block, when one is to blame.
    """

    def __init__(
        self, code: str, message: str, block: int | None = None, component: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.block = block
        self.component = component


def text_lines(components: tuple[str, ...]) -> tuple[str, ...]:
    """FTX E4 as text lines: trailing empty components dropped, the first kept. ISO 9735 lets a
    writer leave them out (``a:`` is ``a``) and ours does (E2), so they carry no line break."""
    end = len(components)
    while end > 1 and not components[end - 1]:
        end -= 1
    return components[:end]


def check_block(block: FtxBlock, index: int) -> None:
    """Raise :class:`FtxError` for a format code outside §9.3 or a block with no line or more
    than five (``index``: the block's place in the field)."""
    if block.format_code not in FORMAT_CODES:
        raise FtxError(
            "edifact.mapping.format-code",
            f"FTX format code {block.format_code[:8]!r} is not one of the twelve MedCom codes "
            "(P00, PF0, PK0, PU0, P0M, P0H, F00, FF0, FK0, FU0, F0M, F0H).",
            block=index,
        )
    if not 1 <= len(block.lines) <= LINES_PER_FTX:
        raise FtxError(
            "edifact.mapping.ftx-components",
            f"An FTX holds {len(block.lines)} text components; MedCom FTX carry 1 to "
            f"{LINES_PER_FTX}.",
            block=index,
        )


# ---------------------------------------------------------------------------------------------
# writing, §9.4 steps 2 and 3


class _Mark(Enum):
    """The line break between a run's strings."""

    BREAK = "BREAK"


BREAK: Final = _Mark.BREAK
Item: TypeAlias = str | _Mark


@dataclass(slots=True)
class Run:
    """Step 1's unit: a font, a style slot and the run's items (text or BREAK)."""

    font: str
    slot: str
    items: list[Item] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.font + self.slot

    def starts_with_break(self) -> bool:
        return bool(self.items) and self.items[0] is BREAK


def _hard(lines: list[str], text: str) -> None:
    """Emit a hard line; one that would read back as something else gets the §9.8 escape."""
    if text == "." or text.endswith("\\"):
        lines.extend([text + "\\", "."])
    else:
        lines.append(text)


def _wrap(lines: list[str], buffer: str) -> str:
    """Emit a soft line from a full buffer (69 characters); return what stays in the buffer."""
    cut = max(buffer.rfind(ch) for ch in _WHITESPACE)
    if cut < _MIN_WRAP_INDEX:
        lines.append(buffer + "\\")
        return ""
    lines.append(buffer[: cut + 1] + "\\")
    return buffer[cut + 1 :]


def _run_lines(run: Run, following: Run | None) -> list[str]:
    """Step 2: the run's lines. May take the leading BREAK of ``following``."""
    lines: list[str] = []
    buffer = ""
    for item in run.items:
        if item is BREAK:
            if buffer:
                _hard(lines, buffer)
            else:
                lines.append(".")
            buffer = ""
            continue
        start = 0  # an index, not slices of the rest: linear in the text's length
        while len(buffer) + len(item) - start > _WRAP_AT:
            take = _WRAP_AT - len(buffer)
            buffer = _wrap(lines, buffer + item[start : start + take])
            start += take
        buffer += item[start:]
    if buffer:
        if following is None:
            _hard(lines, buffer)
        elif following.starts_with_break():
            del following.items[0]
            _hard(lines, buffer)
        else:
            lines.append(buffer + "\\")
    return lines


def write_runs(runs: list[Run]) -> list[FtxBlock]:
    """Steps 2 and 3 over all runs, with the real next run as *next*."""
    blocks: list[FtxBlock] = []
    for index, run in enumerate(runs):
        following = runs[index + 1] if index + 1 < len(runs) else None
        lines = _run_lines(run, following)
        if not lines:
            continue
        chunks = [lines[i : i + LINES_PER_FTX] for i in range(0, len(lines), LINES_PER_FTX)]
        last = chunks[-1]
        while following is not None and len(last) < LINES_PER_FTX and following.starts_with_break():
            del following.items[0]
            last.append(".")
        blocks.extend(FtxBlock(run.code, tuple(chunk)) for chunk in chunks)
    return blocks


# ---------------------------------------------------------------------------------------------
# the independent statement of the wrapping, on paragraphs (used by normalise_for_ftx)

Line: TypeAlias = tuple[str, bool]  # (text, ends with Break)


@dataclass(slots=True)
class Paragraphs:
    """A run as paragraphs: ``p0 BREAK p1 BREAK … pn`` (so one paragraph = no BREAK)."""

    code: str
    paragraphs: list[str] = field(default_factory=lambda: [""])

    def empty(self) -> bool:
        return self.paragraphs == [""]

    def ends_with_break(self) -> bool:
        return len(self.paragraphs) > 1 and self.paragraphs[-1] == ""

    def take_leading_break(self) -> bool:
        if len(self.paragraphs) > 1 and self.paragraphs[0] == "":
            del self.paragraphs[0]
            return True
        return False


def pieces(paragraph: str) -> list[str]:
    """A paragraph cut greedily into pieces of at most 69 characters, at whitespace if possible."""
    pieces: list[str] = []
    start = 0
    while len(paragraph) - start > _WRAP_AT:
        space = max(paragraph.rfind(ch, start, start + _WRAP_AT) for ch in _WHITESPACE) - start
        cut = space + 1 if space >= _MIN_WRAP_INDEX else _WRAP_AT
        pieces.append(paragraph[start : start + cut])
        start += cut
    pieces.append(paragraph[start:])
    return pieces


def hard_lines(piece: str) -> list[Line]:
    """A hard line; the §9.8 escape costs one more line but reads back the same."""
    if piece == "." or piece.endswith("\\"):
        return [(piece, False), ("", True)]
    return [(piece, True)]
