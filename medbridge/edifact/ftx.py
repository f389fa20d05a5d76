"""EDIFACT free text: FTX lines ⇄ ``FormattedText`` (edifact-messages.md §9).

This module owns the *text* part of FTX: the format codes of §9.3, the reading algorithm of §9.2,
the writing algorithm of §9.4 (wrapping at 69 characters, soft ``\\`` line ends, ``.`` empty lines,
packing five lines per FTX) with every medbridge [POL] correction, and the cross-format
normalisations it causes (§12 P5):

* **F1** a text without a final ``Break`` gains one;
* **F2** ``Space`` becomes a literal space;
* **F3** style runs are regrouped: one wrapper per FTX, ``Center``/``Right`` start and end on their
  own line, a ``Break`` may move across a style boundary.

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
* an unknown format code is an error on reading (MedCom makes it ``FixedFont``);
* a ``Center``/``Right`` block that already starts (ends) with its own ``Break`` gets no added
  line before (after) it, and "the run before it" is the last run with content. This is how such
  blocks read from EDIFACT, so writing what was read gives the same FTX (MedCom would add a blank
  line on every pass).

Provenance (§12 P1/P2): :func:`read_text` records the blocks it read in
``FormattedText.wire["edifact.ftx"]`` as ``[[format_code, [line, ...]], ...]`` (JSON-friendly), and
:func:`write_text` returns those blocks unchanged while the text still equals what they decode to,
so other senders' wrap points survive an EDIFACT → model → EDIFACT round trip byte for byte.
Provenance is what makes read → write → read a fixed point: canonical writing alone is one for
plain text, but not for styled text (each canonical pass may move more ``Break``s across a style
boundary or split a §9.8 escape pair over two styled FTX).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, TypeAlias

from medbridge.model.text import (
    Bold,
    Break,
    Center,
    FixedFont,
    FormattedText,
    Inline,
    Italic,
    Right,
    Space,
    Underline,
)

__all__ = [
    "FORMAT_CODES",
    "LINES_PER_FTX",
    "MAX_COMPONENT",
    "WIRE_KEY",
    "FtxBlock",
    "FtxError",
    "normalise_for_ftx",
    "read_text",
    "unrepresentable",
    "write_text",
]

WIRE_KEY: Final = "edifact.ftx"
"""Key of the provenance record in ``FormattedText.wire``."""

MAX_COMPONENT: Final = 70
"""Longest component the writer produces (69 characters + ``\\`` for a soft line end)."""

LINES_PER_FTX: Final = 5
"""Text components in one FTX E4."""

_WRAP_AT: Final = MAX_COMPONENT - 1
_WHITESPACE: Final = " \t\n\x0b\x0c\r"
_MIN_WRAP_INDEX: Final = 3
_UNREPRESENTABLE: Final = re.compile("[^\x20-\x7e\xa0-\xff]")

# Style slot (format code letters 2 and 3) ⇄ the wrapper element, §9.3.
_SLOT_OF: Final[dict[type, str]] = {
    Bold: "F0",
    Italic: "K0",
    Underline: "U0",
    Center: "0M",
    Right: "0H",
}
_ELEMENT_OF: Final[dict[str, type[Bold | Italic | Underline | Center | Right]]] = {
    slot: cls for cls, slot in _SLOT_OF.items()
}
_PLAIN: Final = "00"
_ALIGNMENTS: Final = frozenset({"0M", "0H"})

FORMAT_CODES: Final = frozenset(
    font + slot for font in ("P", "F") for slot in (_PLAIN, *_ELEMENT_OF)
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
    sequence given to :func:`read_text` (None when writing); ``component`` the 0-based index of
    the offending line in that block, when one is to blame.
    """

    def __init__(
        self, code: str, message: str, block: int | None = None, component: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.block = block
        self.component = component


# ---------------------------------------------------------------------------------------------
# reading, §9.2


def _wrap_items(format_code: str, items: list[str | Break]) -> list[Inline]:
    """The inline content one FTX with ``format_code`` reads as (``items`` wrapped per §9.3)."""
    font, slot = format_code[0], format_code[1:]
    inner: list[Any] = list(items) if slot == _PLAIN else [_ELEMENT_OF[slot](list(items))]
    if font == "F":
        return [FixedFont(inner)]
    return inner


def _joined(content: list[Inline]) -> list[Inline]:
    """Adjacent text runs joined in one pass (the model's pairwise merge is quadratic)."""
    out: list[Inline] = []
    pending: list[str] = []
    for item in content:
        if isinstance(item, str):
            pending.append(item)
            continue
        if pending:
            out.append("".join(pending))
            pending = []
        out.append(item)
    if pending:
        out.append("".join(pending))
    return out


def read_text(blocks: Sequence[FtxBlock]) -> FormattedText:
    """Read one field's FTX blocks, in order, into a FormattedText (§9.2).

    Each styled FTX becomes its own wrapper element; a component ending in ``\\`` continues (also
    into the next block), ``.`` and the empty component are an empty line, every other component
    ends with a ``Break``. The blocks are recorded in ``wire["edifact.ftx"]``.

    Raises :class:`FtxError` ``edifact.mapping.format-code`` for a format code outside §9.3, and
    ``edifact.mapping.ftx-components`` for a block with no line or more than five.
    """
    content: list[Inline] = []
    for index, block in enumerate(blocks):
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
        items: list[str | Break] = []
        for line in block.lines:
            if line == ".":
                items.append(Break())
            elif line.endswith("\\"):
                items.append(line[:-1])
            else:
                items.extend([line, Break()])
        content.extend(_wrap_items(block.format_code, items))
    text = FormattedText(_joined(content))
    text.wire[WIRE_KEY] = [[block.format_code, list(block.lines)] for block in blocks]
    return text


# ---------------------------------------------------------------------------------------------
# writing, §9.4


class _Mark(Enum):
    BREAK = "BREAK"


_BREAK: Final = _Mark.BREAK
_Item: TypeAlias = str | _Mark


@dataclass(slots=True)
class _Run:
    """Step 1's unit: a font, a style slot and the run's items (text or BREAK)."""

    font: str
    slot: str
    items: list[_Item] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.font + self.slot

    def starts_with_break(self) -> bool:
        return bool(self.items) and self.items[0] is _BREAK


def _nesting_error(child: object, parent: str) -> FtxError:
    return FtxError(
        "convert.unrepresentable",
        f"{type(child).__name__} inside {parent} cannot be written as FTX: a format code carries "
        "one font, and one style or one alignment (and the XML schema forbids it too).",
    )


def _split_runs(text: FormattedText) -> list[_Run]:
    """Step 1: the text's runs in document order, empty runs dropped. Checks the nesting rules."""
    runs = [_Run("P", _PLAIN)]

    def walk(content: Sequence[object], font: str, slot: str, parent: str) -> None:
        for item in content:
            if isinstance(item, str):
                runs[-1].items.append(item)
            elif isinstance(item, Space):
                runs[-1].items.append(" ")
            elif isinstance(item, Break):
                runs[-1].items.append(_BREAK)
            elif slot != _PLAIN or not isinstance(item, (FixedFont, *_SLOT_OF)):
                raise _nesting_error(item, parent)
            elif isinstance(item, FixedFont):
                if font == "F":
                    raise _nesting_error(item, parent)
                runs.append(_Run("F", slot))
                walk(item.content, "F", slot, "FixedFont")
                runs.append(_Run(font, slot))
            else:
                assert isinstance(item, (Bold, Italic, Underline, Center, Right))
                new_slot = _SLOT_OF[type(item)]
                run = _Run(font, new_slot)
                # [POL] A block that already starts (ends) with its own Break needs no added one:
                # that is how such a block reads from EDIFACT, so read → write is a fixed point.
                starts = bool(item.content) and isinstance(item.content[0], Break)
                ends = bool(item.content) and isinstance(item.content[-1], Break)
                # "The run before it" is the last run with items (style changes leave empty runs
                # behind); at the very start there is none, which counts as not ending in BREAK.
                before = next((r for r in reversed(runs) if r.items), None)
                if (
                    new_slot in _ALIGNMENTS
                    and not starts
                    and not (before is not None and before.items[-1] is _BREAK)
                ):
                    run.items.append(_BREAK)
                runs.append(run)
                walk(item.content, font, new_slot, type(item).__name__)
                if new_slot in _ALIGNMENTS and not ends:
                    runs[-1].items.append(_BREAK)
                runs.append(_Run(font, slot))

    walk(text.content, "P", _PLAIN, "FormattedText")
    return [run for run in runs if run.items]


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


def _run_lines(run: _Run, following: _Run | None) -> list[str]:
    """Step 2: the run's lines. May take the leading BREAK of ``following``."""
    lines: list[str] = []
    buffer = ""
    for item in run.items:
        if item is _BREAK:
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


def _write_runs(runs: list[_Run]) -> list[FtxBlock]:
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


def _recorded_blocks(text: FormattedText) -> list[FtxBlock] | None:
    """The provenance blocks, if well formed and still decoding to ``text``."""
    raw = text.wire.get(WIRE_KEY)
    if not isinstance(raw, (list, tuple)):
        return None
    blocks: list[FtxBlock] = []
    for entry in raw:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 2):
            return None
        code, lines = entry
        if not (
            isinstance(code, str)
            and isinstance(lines, (list, tuple))
            and all(isinstance(line, str) for line in lines)
        ):
            return None
        blocks.append(FtxBlock(code, tuple(lines)))
    try:
        decoded = read_text(blocks)
    except FtxError:
        return None
    return blocks if decoded == text else None


def write_text(text: FormattedText) -> list[FtxBlock]:
    """The FTX blocks for ``text`` (§9.4 steps 1–3); an empty text gives no block.

    When ``text.wire["edifact.ftx"]`` holds blocks that :func:`read_text` decodes to a text equal
    to ``text``, those blocks are returned unchanged (provenance, §12 P2). Otherwise the text is
    written canonically. Characters FTX cannot carry are not checked here: call
    :func:`unrepresentable` first. Raises :class:`FtxError` ``convert.unrepresentable`` for a tree
    that breaks the nesting rules (e.g. ``Bold`` inside ``Center``, possible only when a model's
    content lists were changed after construction).
    """
    recorded = _recorded_blocks(text)
    if recorded is not None:
        return recorded
    return _write_runs(_split_runs(text))


def unrepresentable(text: FormattedText) -> list[tuple[str, int]]:
    """Characters FTX in UNOC cannot carry, each with its index in ``text.plain()``.

    FTX text is ISO 8859-1 graphic characters only (U+0020–U+007E, U+00A0–U+00FF): CR, LF, TAB,
    other control characters and everything beyond U+00FF are listed, in order. ``Break`` and
    ``Space`` count one position each, as in :meth:`FormattedText.plain`, and are never listed.
    """
    found: list[tuple[str, int]] = []
    position = 0

    def walk(content: Sequence[object]) -> None:
        nonlocal position
        for item in content:
            if isinstance(item, str):
                found.extend(
                    (m.group(), position + m.start()) for m in _UNREPRESENTABLE.finditer(item)
                )
                position += len(item)
            elif isinstance(item, (Break, Space)):
                position += 1
            else:
                walk(getattr(item, "content", ()))

    walk(text.content)
    return found


# ---------------------------------------------------------------------------------------------
# normalisation, an independent statement of read_text(write_text(text))

_Line: TypeAlias = tuple[str, bool]  # (text, ends with Break)


@dataclass(slots=True)
class _Paragraphs:
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


def _paragraph_runs(text: FormattedText) -> list[_Paragraphs]:
    runs = [_Paragraphs("P00")]

    def add(content: Sequence[object], code: str) -> None:
        for item in content:
            if isinstance(item, (str, Space)):
                runs[-1].paragraphs[-1] += item if isinstance(item, str) else " "
            elif isinstance(item, Break):
                runs[-1].paragraphs.append("")
            elif isinstance(item, FixedFont):
                runs.append(_Paragraphs("F" + code[1:]))
                add(item.content, "F" + code[1:])
                runs.append(_Paragraphs(code))
            elif isinstance(item, (Center, Right)):
                run = _Paragraphs(code[0] + _SLOT_OF[type(item)])
                starts = bool(item.content) and isinstance(item.content[0], Break)
                ends = bool(item.content) and isinstance(item.content[-1], Break)
                before = next((r for r in reversed(runs) if not r.empty()), None)
                if not starts and not (before is not None and before.ends_with_break()):
                    run.paragraphs.append("")
                runs.append(run)
                add(item.content, run.code)
                if not ends:
                    runs[-1].paragraphs.append("")
                runs.append(_Paragraphs(code))
            elif isinstance(item, (Bold, Italic, Underline)):
                runs.append(_Paragraphs(code[0] + _SLOT_OF[type(item)]))
                add(item.content, runs[-1].code)
                runs.append(_Paragraphs(code))
            else:
                raise _nesting_error(item, "FormattedText")

    add(text.content, "P00")
    return [run for run in runs if not run.empty()]


def _pieces(paragraph: str) -> list[str]:
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


def _hard_lines(piece: str) -> list[_Line]:
    """A hard line; the §9.8 escape costs one more line but reads back the same."""
    if piece == "." or piece.endswith("\\"):
        return [(piece, False), ("", True)]
    return [(piece, True)]


def normalise_for_ftx(text: FormattedText) -> FormattedText:
    """What ``read_text(write_text(text))`` yields for a text without provenance: F1, F2 and F3.

    Stated on paragraphs and string slices rather than on the writer's character buffer, so that
    the two can be tested against each other. Raises :class:`FtxError` like :func:`write_text`
    for a tree that breaks the nesting rules.
    """
    _split_runs(text)  # the nesting check, with the writer's messages
    runs = _paragraph_runs(text)
    content: list[Inline] = []
    for index, run in enumerate(runs):
        following = runs[index + 1] if index + 1 < len(runs) else None
        lines: list[_Line] = []
        *closed, last = run.paragraphs
        for paragraph in closed:
            if paragraph:
                *soft, final = _pieces(paragraph)
                lines.extend((piece, False) for piece in soft)
                lines.extend(_hard_lines(final))
            else:
                lines.append(("", True))
        if last:
            *soft, final = _pieces(last)
            lines.extend((piece, False) for piece in soft)
            if following is None or following.take_leading_break():
                lines.extend(_hard_lines(final))
            else:
                lines.append((final, False))
        if not lines:
            continue
        while len(lines) % LINES_PER_FTX and following is not None:
            if not following.take_leading_break():
                break
            lines.append(("", True))
        for start in range(0, len(lines), LINES_PER_FTX):
            items: list[str | Break] = []
            for piece, has_break in lines[start : start + LINES_PER_FTX]:
                items.append(piece)
                if has_break:
                    items.append(Break())
            content.extend(_wrap_items(run.code, items))
    return FormattedText(_joined(content))
