"""What the XML mapping engine reads and writes with: the read and write contexts (findings,
model paths), the step signature, and the element-level primitives every converter and entry
uses — the children of an element-only element, the text of a text-only element, Clark tags.

Part of the engine described in :mod:`medbridge.codecs.xml.mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity
from medbridge.xml.paths import element_path, local_name

__all__ = [
    "Elements",
    "Out",
    "ReadContext",
    "ReadFn",
    "Step",
    "TagRow",
    "WriteContext",
    "check_xml_chars",
    "clark",
    "dropped_node_finding",
    "element_children",
    "foreign_attributes",
    "is_dropped_node",
    "split_children",
    "text_of",
]

#: Characters XML 1.0 cannot hold (C0 except TAB, LF, CR; U+FFFE, U+FFFF; surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(slots=True)
class ReadContext:
    """Findings collected while reading one document."""

    findings: list[Finding] = field(default_factory=list)
    errors: int = 0
    missing_names: dict[int, str] = field(default_factory=dict)

    def error(self, code: str, message: str, element: Any, excerpt: str | None = None) -> None:
        self.errors += 1
        self.findings.append(Finding(code, Severity.ERROR, message, _where(element), excerpt))

    def unexpected(self, element: Any, parent: Any) -> None:
        if isinstance(element, str):
            self.error(
                "xml.mapping.unexpected",
                f"Text is not allowed directly inside {local_name(parent)}; the mapping has no "
                "place for it. Remove it or move it into a text element.",
                parent,
                element.strip(),
            )
            return
        qname = etree.QName(element)
        self.error(
            "xml.mapping.unexpected",
            f"Element {qname.localname} (namespace {qname.namespace or 'none'}) is not expected "
            f"here inside {local_name(parent)}; the mapping cannot place it. Check the element "
            "name, its namespace and its position.",
            element,
        )

    def missing(self, name: str, parent: Any) -> None:
        self.error(
            "xml.mapping.missing",
            f"Required element {name} is missing in {local_name(parent)}; the model needs it.",
            parent,
        )
        self.missing_names[id(self.findings[-1])] = name

    def unblock(self, since: int, present: set[str]) -> None:
        """Withdraw "missing" findings made since index ``since`` for elements that are present
        after all, behind an unexpected element (one root cause, one finding)."""
        kept: list[Finding] = []
        for finding in self.findings[since:]:
            if self.missing_names.get(id(finding)) in present:
                self.errors -= 1
            else:
                kept.append(finding)
        self.findings[since:] = kept

    def bad_value(self, element: Any, expected: str, value: str) -> None:
        self.error(
            "xml.mapping.value",
            f"The value of {local_name(element)} is not {expected}; correct the value.",
            element,
            value,
        )

    def dropped(self, node: Any) -> None:
        self.findings.append(dropped_node_finding(node))


def _where(element: Any) -> Location:
    return Location(line=getattr(element, "sourceline", None), path=element_path(element))


def is_dropped_node(node: Any) -> bool:
    """True for comments and processing instructions (not carried by the model)."""
    return isinstance(node, etree._Comment | etree._ProcessingInstruction)


def dropped_node_finding(node: Any) -> Finding:
    what = "comment" if isinstance(node, etree._Comment) else "processing instruction"
    parent = node.getparent()
    return Finding(
        "xml.comment-dropped",
        Severity.INFO,
        f"A {what} is not carried into the model and will not be written again.",
        Location(
            line=node.sourceline,
            path=element_path(parent) if parent is not None else None,
        ),
    )


@dataclass(slots=True)
class WriteContext:
    """The model path of the value being written, for findings."""

    version: str
    path: list[str] = field(default_factory=list)
    element_only: list[Any] = field(default_factory=list)

    def where(self, *more: str) -> str:
        parts = [*self.path, *more]
        out = ""
        for part in parts:
            out += part if part.startswith("[") or not out else f".{part}"
        return out

    def fail(self, code: str, message: str, *more: str) -> ConversionError:
        path = self.where(*more)
        finding = Finding(code, Severity.ERROR, f"{message} (at {path}).", Location(path=path))
        return ConversionError(finding.message, [finding])


def check_xml_chars(value: str, ctx: WriteContext, *more: str) -> str:
    """``value`` unchanged, or ConversionError when XML 1.0 cannot hold one of its characters."""
    bad = _NOT_XML.search(value)
    if bad is not None:
        ch = bad.group()
        raise ctx.fail(
            "convert.unrepresentable",
            f"XML 1.0 cannot hold the character U+{ord(ch):04X}; remove it from the text",
            *more,
        )
    return value


#: A converter's read function for elements in one namespace (see :func:`reader_of`).
ReadFn = Callable[[Any, ReadContext], Any]


#: The children of an element as a step sees them, and their Clark tags with a ``None`` sentinel
#: (see :func:`split_children`).
Elements = list[Any]
TagRow = list[str | None]
#: The model class's keyword arguments, filled by the steps.
Out = dict[str, Any]

#: A compiled entry: ``step(elements, tags, pos, parent, out, ctx)`` reads what the entry takes
#: from the children at ``pos`` into ``out`` and returns the position after it.
Step = Callable[[Elements, TagRow, int, Any, Out, ReadContext], int]


def clark(ns: str | None, name: str) -> str:
    """The Clark-notation tag ``{ns}name`` (just ``name`` without a namespace)."""
    return f"{{{ns}}}{name}" if ns else name


def text_of(element: Any, ctx: ReadContext) -> str | None:
    """The character content of a text-only element (comments dropped, their tails kept)."""
    if len(element.attrib) and foreign_attributes(element, ctx):  # the test inlined: hot path
        return None
    if not len(element):  # no child nodes at all: the common case, nothing to drop or report
        return element.text or ""
    parts = [element.text or ""]
    ok = True
    for child in element:
        if is_dropped_node(child):
            ctx.dropped(child)
        else:
            ctx.unexpected(child, element)
            ok = False
        parts.append(child.tail or "")
    return "".join(parts) if ok else None


def foreign_attributes(element: Any, ctx: ReadContext) -> bool:
    if len(element.attrib):
        name = next(iter(element.attrib))
        ctx.error(
            "xml.mapping.unexpected",
            f"Attribute {etree.QName(name).localname} on {local_name(element)} has no place in "
            "the model; MedCom elements carry no attributes. Remove it.",
            element,
        )
        return True
    return False


def element_children(
    element: Any, ctx: ReadContext, *, attributes_allowed: bool = False
) -> list[Any] | None:
    """The child elements of an element-only element; whitespace skipped, comments reported,
    non-whitespace text and attributes reported as unexpected (then None)."""
    children = split_children(element, ctx, attributes_allowed=attributes_allowed)
    return None if children is None else children[0]


def split_children(
    element: Any, ctx: ReadContext, *, attributes_allowed: bool = False
) -> tuple[list[Any], list[str | None]] | None:
    """The child elements of an element-only element and their tags, the tags followed by a
    ``None`` sentinel that matches no entry (so a step never needs a bounds check); None after
    reporting what an element-only element cannot hold."""
    if not attributes_allowed and len(element.attrib) and foreign_attributes(element, ctx):
        return None
    ok = True
    text = element.text
    if text and text.strip(" \t\r\n"):
        ctx.unexpected(text, element)
        ok = False
    elements: list[Any] = []
    tags: list[str | None] = []
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # an element (comments, PIs and entities have no str tag)
            elements.append(child)
            tags.append(tag)
        elif is_dropped_node(child):
            ctx.dropped(child)
        else:  # entity references cannot survive the hardened parser; be safe anyway
            ctx.unexpected(child, element)
            ok = False
        tail = child.tail
        if tail and tail.strip(" \t\r\n"):
            ctx.unexpected(tail, element)
            ok = False
    tags.append(None)
    return (elements, tags) if ok else None
