"""Namespace-aware infoset comparison of two XML documents, for round-trip tests.

``assert_same_infoset(a, b)`` compares (namespace, local name, attributes, text, tail) of every
element, recursively (with an explicit stack), and ignores what XML → model → XML may change
(safety-and-validation.md §5.2): namespace prefixes and where declarations sit (X2), whitespace-only
text in element-only content (X3), ``<a/>`` vs ``<a></a>`` and references vs literal characters
(X6), the declaration and encoding (the bytes are parsed first), and comments and processing
instructions outside ``Local_Elements`` (the model does not carry them; the text after one stays
part of the surrounding text).

Element-only content is recognised without a schema: an element with child elements none of
which is a FormattedText inline element (``Break``, ``Bold`` …), outside ``Local_Elements``.
Everything else — text-only elements, formatted text and the opaque ``Local_Elements`` subtree —
is compared character for character.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from medbridge.xml.parse import parse_xml

INLINE = frozenset(
    {"Break", "Space", "Bold", "Italic", "Underline", "Center", "Right", "FixedFont"}
)
OPAQUE = "Local_Elements"


def parse(data: bytes) -> Any:
    """Parse test bytes with medbridge's hardened parser and its encoding policy."""
    return parse_xml(data).root


def _local(element: Any) -> str:
    return etree.QName(element).localname


def _inside_opaque(node: Any) -> bool:
    return any(_local(a) == OPAQUE for a in node.iterancestors())


def _drop_comments(root: Any) -> None:
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if _inside_opaque(node):
            continue
        parent = node.getparent()
        previous = node.getprevious()
        tail = node.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(node)


def _exact(element: Any, opaque: bool) -> bool:
    children = [c for c in element if isinstance(c.tag, str)]
    if opaque or not children or _local(element) in INLINE:
        return True
    return any(_local(c) in INLINE for c in children)


def _same_text(a: str | None, b: str | None, exact: bool) -> bool:
    a, b = a or "", b or ""
    if exact:
        return a == b
    return a.strip(" \t\r\n") == b.strip(" \t\r\n")


def _path(element: Any) -> str:
    steps = [_local(element)] + [_local(a) for a in element.iterancestors()]
    return "/" + "/".join(reversed(steps))


def assert_same_infoset(a_bytes: bytes, b_bytes: bytes) -> None:
    """Fail with the path of the first difference when the two documents' infosets differ."""
    a_root, b_root = parse(a_bytes), parse(b_bytes)
    _drop_comments(a_root)
    _drop_comments(b_root)
    stack: list[tuple[Any, Any, bool]] = [(a_root, b_root, False)]
    while stack:
        a, b, opaque = stack.pop()
        where = _path(a)
        assert a.tag == b.tag, f"{where}: element {a.tag!r} != {b.tag!r}"
        assert dict(a.attrib) == dict(b.attrib), f"{where}: attributes differ"
        opaque = opaque or _local(a) == OPAQUE
        exact = _exact(a, opaque) or _exact(b, opaque)
        assert _same_text(a.text, b.text, exact), f"{where}: text {a.text!r} != {b.text!r}"
        a_children = [c for c in a if isinstance(c.tag, str) or opaque]
        b_children = [c for c in b if isinstance(c.tag, str) or opaque]
        assert len(a_children) == len(b_children), (
            f"{where}: {len(a_children)} children != {len(b_children)}"
        )
        for a_child, b_child in zip(a_children, b_children, strict=True):
            name = _local(a_child) if isinstance(a_child.tag, str) else "a node"
            assert _same_text(a_child.tail, b_child.tail, exact), (
                f"{where}: text after {name} {a_child.tail!r} != {b_child.tail!r}"
            )
            if isinstance(a_child.tag, str):
                stack.append((a_child, b_child, opaque))
            else:
                assert type(a_child) is type(b_child) and a_child.text == b_child.text, (
                    f"{where}: comment or processing instruction differs"
                )
