"""The view as one self-contained HTML5 page (no scripts, no external resources), drawn from the
view model (:mod:`medbridge.view.model`).

Made to be read on a screen and printed by a clinician: ``lang="da"``, a viewport, a title with
the letter kind and date, the critical box first. The print style sheet repeats the patient's
name and CPR number at the top of every printed page and "Side n af m" at the bottom, using
``@page`` margin boxes and the ``page``/``pages`` counters (Chromium prints them since version
131; a test prints a long letter with headless Chromium and reads every page back with
``pdftotext``). Formatted text keeps its line breaks and emphasis; ``Center``, ``Right`` and
``FixedFont`` become styled ``span`` elements, so the markup stays valid HTML5 (no block inside a
``pre``). Everything from the letter is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from medbridge.findings import Finding
from medbridge.model import Break, FormattedText, Message, Space
from medbridge.view.facts import CriticalFact
from medbridge.view.model import STYLE_NAMES, LetterView, Row, Section, View, build_view
from medbridge.view.transport_draw import transport_css, transport_html

__all__ = ["render_html", "render_view_html"]

#: Each style (:data:`~medbridge.view.model.STYLE_NAMES`) as phrasing content.
_TAGS: dict[str, tuple[str, str]] = {
    "bold": ("<strong>", "</strong>"),
    "italic": ("<em>", "</em>"),
    "underline": ("<u>", "</u>"),
    "center": ('<span class="center">', "</span>"),
    "right": ('<span class="right">', "</span>"),
    "fixed": ('<span class="fixed">', "</span>"),
}

_CSS = """
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52rem;
margin:1.5rem auto;padding:0 1rem;line-height:1.45;color:#111;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.2rem 0 .3rem;border-bottom:1px solid #ccc}
.patient{font-weight:600;margin:0 0 .8rem}
.critical{border:3px solid #b00020;background:#fff3f3;padding:.4rem 1rem .8rem;margin:0 0 1.2rem;
break-inside:auto}
.critical h2{color:#b00020;border:0;margin:.3rem 0}
.critical h3{font-size:1rem;margin:.7rem 0 .2rem;color:#7a0016}
.quote{margin:.2rem 0 .5rem;padding:.2rem .6rem;border-left:4px solid #b00020;background:#fff;
white-space:pre-wrap}
.followup .quote{border-left-color:#1b6e3a}
.source{display:block;font-size:.85rem;color:#555}
.none{font-style:italic;margin:.2rem 0}
mark{background:#ffd54a;color:#000;font-weight:700;padding:0 .1em}
table.rows{border-collapse:collapse;margin:.3rem 0}
table.rows th{text-align:left;padding:.1rem 1rem .1rem 0;vertical-align:top;white-space:nowrap}
table.rows td{padding:.1rem 0;vertical-align:top}
.text{white-space:normal;overflow-wrap:anywhere}
.center{display:block;text-align:center}
.right{display:block;text-align:right}
.fixed{font-family:ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10.5pt}
.critical{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3{break-after:avoid}
}
"""


def render_html(message: Message, findings: Iterable[Finding] = ()) -> str:
    """The message as a self-contained HTML page (a wrapped message's "Forsendelse" block last,
    with the ``wrapper.*`` ``findings``)."""
    return render_view_html(build_view(message, findings))


def render_view_html(view: View) -> str:
    """Draw a view model (see :func:`render_html`)."""
    first = view.letters[0] if view.letters else None
    title = f"{first.title} {first.date}" if first else "medbridge"
    body = "\n".join(_letter(letter) for letter in view.letters)
    if view.transport is not None:
        body += "\n" + transport_html(view.transport)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{_CSS}{_page_css(first)}{transport_css(view.transport)}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _page_css(letter: LetterView | None) -> str:
    """The printed page: patient line at the top, page number at the bottom of every page."""
    patient = _css_string(letter.patient.describe()) if letter and letter.patient else '""'
    return (
        "\n@page{size:A4;margin:22mm 16mm 20mm 16mm;"
        f"@top-left{{content:{patient};font:600 9pt system-ui,sans-serif;color:#000}}"
        '@bottom-right{content:"Side " counter(page) " af " counter(pages);'
        "font:9pt system-ui,sans-serif;color:#000}}\n"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string; every character that is not an ASCII letter or digit is
    a six-digit escape, so nothing in it can end the string or the style element."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _letter(letter: LetterView) -> str:
    parts = [
        "<article>",
        f"<h1>{_e(letter.title)} – {_e(letter.date)}</h1>",
    ]
    if letter.patient is not None:  # a receipt has no patient and no critical box
        parts += [f'<p class="patient">{_e(letter.patient.describe())}</p>', _critical(letter)]
    parts += [_rows(letter.rows)]
    if letter.follow_up:
        parts.append(f'<section class="followup"><h2>{_e(letter.follow_up_label)}</h2>')
        parts += [_quote(fact) for fact in letter.follow_up]
        parts.append("</section>")
    parts += [_section(section) for section in letter.sections]
    parts.append("</article>")
    return "\n".join(parts)


def _critical(letter: LetterView) -> str:
    parts = ['<section class="critical" aria-label="Vigtigt"><h2>Vigtigt</h2>']
    for summary in letter.critical_summary:
        parts.append(f"<h3>{_e(summary.label)}</h3>")
        if summary.none_found is not None:
            parts.append(f'<p class="none">{_e(summary.none_found)}</p>')
        parts += [_quote(fact) for fact in letter.critical if fact.kind == summary.kind]
    parts.append("</section>")
    return "\n".join(parts)


def _quote(fact: CriticalFact) -> str:
    text = fact.text
    pieces: list[str] = []
    at = 0
    for term in fact.terms:
        pieces.append(_e(text[at : term.start]))
        pieces.append(f"<mark>{_e(text[term.start : term.end])}</mark>")
        at = term.end
    pieces.append(_e(text[at:]))
    source = f'<span class="source">{_e(fact.field)} · {_e(fact.source)}</span>'
    return f'<blockquote class="quote">{"".join(pieces)}{source}</blockquote>'


def _rows(rows: tuple[Row, ...]) -> str:
    body = "".join(f"<tr><th>{_e(r.label)}</th><td>{_e(r.value)}</td></tr>" for r in rows)
    return f'<table class="rows"><tbody>{body}</tbody></table>'


def _section(section: Section) -> str:
    parts = [f"<section><h2>{_e(section.title)}</h2>"]
    if section.text is not None:
        parts.append(f'<div class="text">{formatted_html(section.text)}</div>')
    if section.rows:
        parts.append(_rows(section.rows))
    parts.append("</section>")
    return "".join(parts)


def formatted_html(content: FormattedText) -> str:
    """The inline tree as phrasing content: text escaped, ``Break`` as ``<br>``."""
    parts: list[str] = []
    stack: list[tuple[list[Any], int, str]] = [(list(content.content), 0, "")]
    while stack:
        items, index, closing = stack.pop()
        if index >= len(items):
            parts.append(closing)
            continue
        item = items[index]
        stack.append((items, index + 1, closing))
        if isinstance(item, str):
            parts.append(_e(item))
        elif isinstance(item, Break):
            parts.append("<br>")
        elif isinstance(item, Space):
            parts.append("&#32;")
        else:
            opening, close = _TAGS[STYLE_NAMES[type(item)]]
            parts.append(opening)
            stack.append((list(item.content), 0, close))
    return "".join(parts)
