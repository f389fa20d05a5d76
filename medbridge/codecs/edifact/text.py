"""FTX free text ⇄ ``FormattedText`` (edifact-messages.md §9.2, §9.4 step 1, §12 P5).

The string side of FTX (format codes, line reading and wrapping, packing) is the syntax layer's,
:mod:`medbridge.edifact.ftx`; this module maps it to the model's inline tree: a styled FTX
becomes its own wrapper element (§9.3), and a text is cut into runs of one font and one style
(§9.4 step 1) with the nesting rules checked. Its cross-format normalisations (§12 P5):

* **F1** a text without a final ``Break`` gains one;
* **F2** ``Space`` becomes a literal space;
* **F3** style runs are regrouped: one wrapper per FTX, ``Center``/``Right`` start and end on their
  own line, a ``Break`` may move across a style boundary.

[POL] A ``Center``/``Right`` block that already starts (ends) with its own ``Break`` gets no added
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
from typing import Final

from medbridge.edifact.ftx import (
    ALIGNMENTS,
    BREAK,
    LINES_PER_FTX,
    PLAIN,
    WIRE_KEY,
    FtxBlock,
    FtxError,
    Line,
    Paragraphs,
    Run,
    check_block,
    hard_lines,
    pieces,
    write_runs,
)
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

__all__ = ["normalise_for_ftx", "read_text", "unrepresentable", "write_text"]

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


# ---------------------------------------------------------------------------------------------
# reading, §9.2


def _wrap_items(format_code: str, items: list[str | Break]) -> list[Inline]:
    """The inline content one FTX with ``format_code`` reads as (``items`` wrapped per §9.3)."""
    font, slot = format_code[0], format_code[1:]
    inner: list[str | Break | Bold | Italic | Underline | Center | Right] = (
        list(items) if slot == PLAIN else [_ELEMENT_OF[slot](list(items))]
    )
    if font == "F":
        return [FixedFont(inner)]  # type: ignore[arg-type]  # FixedFont takes no FixedFont
    return inner  # type: ignore[return-value]  # the same list, no copy


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
        check_block(block, index)
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
# writing, §9.4 step 1 (steps 2 and 3 are medbridge.edifact.ftx.write_runs)


def _nesting_error(child: object, parent: str) -> FtxError:
    return FtxError(
        "convert.unrepresentable",
        f"{type(child).__name__} inside {parent} cannot be written as FTX: a format code carries "
        "one font, and one style or one alignment (and the XML schema forbids it too).",
    )


def _split_runs(text: FormattedText) -> list[Run]:
    """Step 1: the text's runs in document order, empty runs dropped. Checks the nesting rules."""
    runs = [Run("P", PLAIN)]

    def walk(content: Sequence[object], font: str, slot: str, parent: str) -> None:
        for item in content:
            if isinstance(item, str):
                runs[-1].items.append(item)
            elif isinstance(item, Space):
                runs[-1].items.append(" ")
            elif isinstance(item, Break):
                runs[-1].items.append(BREAK)
            elif slot != PLAIN or not isinstance(item, (FixedFont, *_SLOT_OF)):
                raise _nesting_error(item, parent)
            elif isinstance(item, FixedFont):
                if font == "F":
                    raise _nesting_error(item, parent)
                runs.append(Run("F", slot))
                walk(item.content, "F", slot, "FixedFont")
                runs.append(Run(font, slot))
            else:
                assert isinstance(item, (Bold, Italic, Underline, Center, Right))
                new_slot = _SLOT_OF[type(item)]
                run = Run(font, new_slot)
                # [POL] A block that already starts (ends) with its own Break needs no added one:
                # that is how such a block reads from EDIFACT, so read → write is a fixed point.
                starts = bool(item.content) and isinstance(item.content[0], Break)
                ends = bool(item.content) and isinstance(item.content[-1], Break)
                # "The run before it" is the last run with items (style changes leave empty runs
                # behind); at the very start there is none, which counts as not ending in BREAK.
                before = next((r for r in reversed(runs) if r.items), None)
                if (
                    new_slot in ALIGNMENTS
                    and not starts
                    and not (before is not None and before.items[-1] is BREAK)
                ):
                    run.items.append(BREAK)
                runs.append(run)
                walk(item.content, font, new_slot, type(item).__name__)
                if new_slot in ALIGNMENTS and not ends:
                    runs[-1].items.append(BREAK)
                runs.append(Run(font, slot))

    walk(text.content, "P", PLAIN, "FormattedText")
    return [run for run in runs if run.items]


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
    return write_runs(_split_runs(text))


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


def _paragraph_runs(text: FormattedText) -> list[Paragraphs]:
    runs = [Paragraphs("P00")]

    def add(content: Sequence[object], code: str) -> None:
        for item in content:
            if isinstance(item, (str, Space)):
                runs[-1].paragraphs[-1] += item if isinstance(item, str) else " "
            elif isinstance(item, Break):
                runs[-1].paragraphs.append("")
            elif isinstance(item, FixedFont):
                runs.append(Paragraphs("F" + code[1:]))
                add(item.content, "F" + code[1:])
                runs.append(Paragraphs(code))
            elif isinstance(item, (Center, Right)):
                run = Paragraphs(code[0] + _SLOT_OF[type(item)])
                starts = bool(item.content) and isinstance(item.content[0], Break)
                ends = bool(item.content) and isinstance(item.content[-1], Break)
                before = next((r for r in reversed(runs) if not r.empty()), None)
                if not starts and not (before is not None and before.ends_with_break()):
                    run.paragraphs.append("")
                runs.append(run)
                add(item.content, run.code)
                if not ends:
                    runs[-1].paragraphs.append("")
                runs.append(Paragraphs(code))
            elif isinstance(item, (Bold, Italic, Underline)):
                runs.append(Paragraphs(code[0] + _SLOT_OF[type(item)]))
                add(item.content, runs[-1].code)
                runs.append(Paragraphs(code))
            else:
                raise _nesting_error(item, "FormattedText")

    add(text.content, "P00")
    return [run for run in runs if not run.empty()]


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
        lines: list[Line] = []
        *closed, last = run.paragraphs
        for paragraph in closed:
            if paragraph:
                *soft, final = pieces(paragraph)
                lines.extend((piece, False) for piece in soft)
                lines.extend(hard_lines(final))
            else:
                lines.append(("", True))
        if last:
            *soft, final = pieces(last)
            lines.extend((piece, False) for piece in soft)
            if following is None or following.take_leading_break():
                lines.extend(hard_lines(final))
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
