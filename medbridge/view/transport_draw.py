"""The "Forsendelse" block drawn for a terminal (``rich``) and in HTML, after the letters.

It is secondary: dim text in the terminal, a small grey box in HTML, printed after the letter.
The HTML adds its style rules only to pages that have the block (:func:`transport_css`), so a
bare letter's page is unchanged. Everything shown is escaped.
"""

from __future__ import annotations

import html

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from medbridge.view.transport import TransportView

__all__ = ["transport_css", "transport_html", "transport_renderables"]

_CSS = """
.transport{margin:2rem 0 0;padding:.3rem .8rem .6rem;border:1px solid #bbb;background:#f6f6f6;
color:#333;font-size:.88rem;break-inside:avoid}
.transport h2{font-size:1rem;border:0;margin:.2rem 0}
.transport h3{font-size:.9rem;margin:.6rem 0 .1rem}
.transport .note{margin:.1rem 0 .3rem;font-style:italic}
.transport ul{margin:.2rem 0;padding-left:1.2rem}
.transport code{font-size:.8rem}
"""


def transport_css(view: TransportView | None) -> str:
    """The style rules of the block, or nothing for a page without one."""
    return _CSS if view is not None else ""


def transport_renderables(view: TransportView) -> list[RenderableType]:
    """The block for the terminal: a heading, the note, each layer's rows, the warnings."""
    parts: list[RenderableType] = [
        Text(""),
        Text(view.title, style="bold"),
        Text(view.note, style="dim italic"),
    ]
    for block in view.layers:
        parts.append(Text(block.title, style="bold dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(style="dim", overflow="fold")
        for label, value in block.rows:
            grid.add_row(f"  {label}", value)
        parts.append(grid)
    if view.warnings:
        parts.append(Text("Advarsler om forsendelsen", style="bold yellow"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="yellow", no_wrap=True)
        grid.add_column(overflow="fold")
        for warning in view.warnings:
            line = Text(warning.message)
            line.append(f" ({warning.code}; {warning.where})", style="dim")
            grid.add_row("  !", line)
        parts.append(grid)
    return parts


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def transport_html(view: TransportView) -> str:
    """The block as an ``aside`` after the letters."""
    parts = [
        f'<aside class="transport" aria-label="{_e(view.title)}">',
        f"<h2>{_e(view.title)}</h2>",
        f'<p class="note">{_e(view.note)}</p>',
    ]
    for block in view.layers:
        rows = "".join(
            f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in block.rows
        )
        parts.append(f'<h3>{_e(block.title)}</h3><table class="rows"><tbody>{rows}</tbody></table>')
    if view.warnings:
        items = "".join(
            f"<li>{_e(w.message)} <code>{_e(w.code)}</code> <small>{_e(w.where)}</small></li>"
            for w in view.warnings
        )
        parts.append(f"<h3>Advarsler om forsendelsen</h3><ul>{items}</ul>")
    parts.append("</aside>")
    return "\n".join(parts)
