"""The view for a terminal, drawn with ``rich`` from the view model (:mod:`medbridge.view.model`).

The critical box comes first, as wide as the terminal; long and multi-line quotes wrap inside it.
Then the letter's header, the follow-up statements and every section, with the text's line
breaks, emphasis (bold, italic, underline as terminal styles) and ``Center``/``Right`` alignment.
Styles and colour are written only when asked (``ansi=True``: the CLI asks on a terminal); the
plain rendering is the same text without escape codes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Console, Group, JustifyMethod, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from medbridge.findings import Finding
from medbridge.model import Break, FormattedText, Message, Space
from medbridge.view.facts import CriticalFact
from medbridge.view.model import STYLE_NAMES, LetterView, Section, View, build_view
from medbridge.view.transport_draw import transport_renderables

__all__ = ["render_text", "render_view_text"]

#: The terminal style of each inline style (:data:`~medbridge.view.model.STYLE_NAMES`); ``center``
#: and ``right`` align a block instead.
_STYLES = {"bold": "bold", "italic": "italic", "underline": "underline", "fixed": ""}
_ALIGNS = ("center", "right")
_JUSTIFY: dict[str, JustifyMethod] = {"left": "left", "center": "center", "right": "right"}


def render_text(
    message: Message, *, ansi: bool = False, width: int = 80, findings: Iterable[Finding] = ()
) -> str:
    """The message as text for a terminal ``width`` columns wide, one letter after the other
    (then the "Forsendelse" block of a wrapped message, with the ``wrapper.*`` ``findings``)."""
    return render_view_text(build_view(message, findings), ansi=ansi, width=width)


def render_view_text(view: View, *, ansi: bool = False, width: int = 80) -> str:
    """Draw a view model (see :func:`render_text`)."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=max(width, 20),
        force_terminal=ansi,
        color_system="standard" if ansi else None,
        no_color=not ansi,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
    )
    for number, letter in enumerate(view.letters):
        if number:
            console.print()
        for part in _letter(letter):
            # a Text's own justify is not applied by print(); pass it (Center/Right blocks)
            justify = part.justify if isinstance(part, Text) else None
            console.print(part, justify=justify)
    if view.transport is not None:
        for part in transport_renderables(view.transport):
            console.print(part)
    rendered = out.getvalue()
    if ansi:
        return rendered
    return "\n".join(line.rstrip() for line in rendered.split("\n"))


def _letter(letter: LetterView) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(f"{letter.title} – {letter.date}", style="bold"), Text("")]
    if letter.patient is not None:  # a receipt has no patient and no critical box
        parts.append(_critical_box(letter))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for row in letter.rows:
        grid.add_row(row.label, row.value)
    parts += [grid, Text("")]
    if letter.follow_up:
        parts.append(Text(letter.follow_up_label, style="bold underline"))
        for fact in letter.follow_up:
            parts += _quote(fact, "green")
        parts.append(Text(""))
    for section in letter.sections:
        parts += _section(section)
    return parts


def _critical_box(letter: LetterView) -> Panel:
    inner: list[RenderableType] = []
    for summary in letter.critical_summary:
        inner.append(Text(summary.label, style="bold red"))
        if summary.none_found is not None:
            inner.append(Text(summary.none_found, style="italic"))
        for fact in letter.critical:
            if fact.kind == summary.kind:
                inner += _quote(fact, "red")
    return Panel(
        Group(*inner),
        title="VIGTIGT",
        title_align="left",
        border_style="red",
        box=box.HEAVY,
        expand=True,
    )


def _quote(fact: CriticalFact, colour: str) -> list[RenderableType]:
    quote = Text(fact.text, overflow="fold")
    for term in fact.terms:
        quote.stylize(f"bold reverse {colour}", term.start, term.end)
    return [quote, Text(f"  ({fact.field})", style="dim")]


def _section(section: Section) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(section.title, style="bold underline")]
    if section.text is not None:
        parts += formatted_renderables(section.text)
    if section.rows:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=False)
        grid.add_column(overflow="fold")
        for row in section.rows:
            grid.add_row(row.label, row.value)
        parts.append(grid)
    parts.append(Text(""))
    return parts


def formatted_renderables(content: FormattedText) -> list[Text]:
    """The formatted text as blocks of lines; each block has one alignment (``Center`` and
    ``Right`` blocks are justified across the full width)."""
    lines: list[list[Any]] = [["left", Text()]]  # [alignment, text of the line]
    _walk(content.content, "", "left", lines)
    if len(lines) > 1 and not lines[-1][1].plain:
        lines.pop()
    blocks: list[Text] = []
    current: list[Text] = []
    align = lines[0][0]
    for line_align, line in lines:
        if line_align != align and current:
            blocks.append(_block(current, align))
            current = []
        align = line_align
        current.append(line)
    if current:
        blocks.append(_block(current, align))
    return blocks


def _block(lines: list[Text], align: str) -> Text:
    block = Text("\n").join(lines)
    block.justify = _JUSTIFY[align]
    block.overflow = "fold"
    return block


def _walk(items: list[Any], style: str, align: str, lines: list[list[Any]]) -> None:
    """Append the items to ``lines`` (the inline tree is at most three levels deep)."""
    for item in items:
        if isinstance(item, str):
            lines[-1][1].append(item.replace("\r", " ").replace("\n", " "), style=style or None)
        elif isinstance(item, Break):
            lines.append([align, Text()])
        elif isinstance(item, Space):
            lines[-1][1].append(" ")
        elif (name := STYLE_NAMES[type(item)]) in _ALIGNS:
            _open_block(lines, name)
            _walk(item.content, style, name, lines)
            _open_block(lines, align)
        else:
            _walk(item.content, f"{style} {_STYLES[name]}".strip(), align, lines)


def _open_block(lines: list[list[Any]], align: str) -> None:
    if lines[-1][1].plain:
        lines.append([align, Text()])
    else:
        lines[-1][0] = align
