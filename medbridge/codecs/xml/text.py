"""FormattedText ⇄ XML mixed content (``xml-messages.md`` §3.11).

Owns the conversion between the model's inline tree (:mod:`medbridge.model.text`) and an element's
mixed content: its text, the inline elements ``Break``, ``Space``, ``Bold``, ``Italic``,
``Underline``, ``Center``, ``Right`` and ``FixedFont`` in one namespace (the letter's own in the
2005 letters, ``urn:oio:medcom:municipality:1.0.0`` in XDIS21), and their tails.

* Whitespace is content: nothing is stripped, joined or split. CR reaches us only as ``&#13;``
  (XML parsing turns literal CR/CRLF into LF, normalisation X4) and is written back as ``&#13;``.
* Nesting follows the three content models of §3.11; anything else is an
  ``xml.mapping.unexpected`` error on read and a ``convert.unsupported-value`` refusal on write.
* Comments and processing instructions inside the text are dropped with an ``xml.comment-dropped``
  info; the text after them (their tail) is kept.
* Both directions walk the tree with an explicit stack (no recursion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lxml import etree

from medbridge.codecs.xml.context import ReadContext, WriteContext, check_xml_chars, is_dropped_node
from medbridge.model.text import Break, FormattedText, Space

__all__ = ["INLINE_ELEMENTS", "read_formatted", "write_formatted"]

#: Wire name → model class of every inline element: the model names each class as MedCom's
#: element, and a FormattedText may hold every one of them.
INLINE_ELEMENTS: dict[str, type] = {cls.__name__: cls for cls in FormattedText.allowed}
_WIRE_NAMES: dict[type, str] = {cls: name for name, cls in INLINE_ELEMENTS.items()}
_EMPTY = (Break, Space)


@dataclass(slots=True)
class _Frame:
    element: Any
    cls: type
    children: Any
    items: list[Any] = field(default_factory=list)


def read_formatted(element: Any, namespace: str | None, ctx: ReadContext) -> FormattedText | None:
    """The FormattedText held by ``element``; None (with error findings in ``ctx``) when its
    content breaks §3.11."""
    errors = ctx.errors
    inline = _inline_tags(namespace)
    root = _Frame(element, FormattedText, iter(element))
    root.items.append(element.text or "")
    stack = [root]
    result: FormattedText | None = None
    while stack:
        frame = stack[-1]
        child = next(frame.children, None)
        if child is None:
            stack.pop()
            node = _build(frame, ctx)
            if not stack:
                result = node
            else:
                stack[-1].items.append(node)
                stack[-1].items.append(frame.element.tail or "")
            continue
        # Comments, PIs and entities have no str tag, so they are never inline elements.
        cls = inline.get(child.tag)
        if cls is None and is_dropped_node(child):
            ctx.dropped(child)
            frame.items.append(child.tail or "")
            continue
        if cls is None or cls not in frame.cls.allowed:  # type: ignore[attr-defined]
            ctx.unexpected(child, frame.element)
            frame.items.append(child.tail or "")
            continue
        if len(child.attrib):
            ctx.unexpected(child, frame.element)
        if cls in _EMPTY:
            if (child.text or "") or len(child):
                ctx.error(
                    "xml.mapping.unexpected",
                    f"{_WIRE_NAMES[cls]} must be empty; its content has no place in the model.",
                    child,
                )
            frame.items.append(cls())
            frame.items.append(child.tail or "")
            continue
        sub = _Frame(child, cls, iter(child))
        sub.items.append(child.text or "")
        stack.append(sub)
    if ctx.errors != errors or not isinstance(result, FormattedText):
        return None
    return result


@cache
def _inline_tags(namespace: str | None) -> dict[Any, type]:
    """The inline elements' tags in ``namespace`` (none: bare names) mapped to their classes
    (Clark notation; built once per namespace)."""
    prefix = f"{{{namespace}}}" if namespace else ""
    return {prefix + n: c for n, c in INLINE_ELEMENTS.items()}


def _build(frame: _Frame, ctx: ReadContext) -> Any:
    try:
        return frame.cls(frame.items)
    except ValueError:  # pragma: no cover - nesting is checked before a frame is opened
        ctx.unexpected(frame.element, frame.element.getparent())
        return None


def write_formatted(element: Any, value: Any, namespace: str | None, ctx: WriteContext) -> None:
    """Write ``value`` (a FormattedText) as the mixed content of ``element``."""
    if not isinstance(value, FormattedText):
        raise ctx.fail("convert.unsupported-value", "Expected formatted text")
    prefix = f"{{{namespace}}}" if namespace else ""
    # each frame: [element, iterator over content, allowed classes, last child written, name]
    owner = etree.QName(element).localname
    stack: list[list[Any]] = [[element, iter(value.content), FormattedText.allowed, None, owner]]
    while stack:
        frame = stack[-1]
        item = next(frame[1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, str):
            check_xml_chars(item, ctx)
            last = frame[3]
            if last is None:
                frame[0].text = (frame[0].text or "") + item
            else:
                last.tail = (last.tail or "") + item
            continue
        if not isinstance(item, frame[2]):
            raise ctx.fail(
                "convert.unsupported-value",
                f"{type(item).__name__} may not appear inside {frame[4]}; MedCom text cannot "
                "nest so",
            )
        child = etree.SubElement(frame[0], prefix + _WIRE_NAMES[type(item)])
        frame[3] = child
        if not isinstance(item, _EMPTY):
            stack.append([child, iter(item.content), type(item).allowed, None, type(item).__name__])
