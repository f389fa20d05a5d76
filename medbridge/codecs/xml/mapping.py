"""The table-driven engine behind the XML mappings (XDIS01, XREF01, XDIS21).

A version's mapping is data: a :class:`Struct` per model class, holding an ordered list of entries
in wire order. Each entry names a wire element (local name, optional namespace), the model
attribute it fills and a converter. The same engine reads (element → model) and writes
(model → element) every table, so the three versions share one mechanism:

* :class:`Leaf` — one element (or a repeated run, ``many=True``) ↔ one attribute;
* :class:`Fixed` — an element with a literal value that is no model attribute (VersionCode);
* :class:`Flat` — a model object whose elements are siblings in the parent (``Identifier`` +
  ``IdentifierCode`` → :class:`~medbridge.model.PartyId`);
* :class:`Choice` — one attribute, written as one of several elements (CPR or replacement CPR).

Converters turn an element into a value and back: :data:`TEXT`, :class:`Code`,
:class:`MomentOf` (``Date`` + ``Time``), :class:`Flag01`, :data:`POSITIVE_INT`, :data:`SUP_TRUE`,
:class:`Formatted` (mixed content, :mod:`medbridge.codecs.xml.text`), :class:`Wrap` (an element
holding one
entry) and :class:`Struct` itself.

Namespaces: an entry without ``ns`` lives in the namespace of its parent element, so 2005 tables
name no namespace at all and XDIS21 tables name one only where the standard switches (§4.3.1).

Reading is the hot path of ``validate`` and ``read``, so a table is *compiled* before it reads:
interpreting the entries afresh for every element cost about five Python calls per element (entry,
cursor, converter, namespace and tag look-ups). On its first read in a namespace a
:class:`Struct` turns each entry into one *step*, a closure with everything the entry can work
out in advance bound as plain locals: the Clark-notation tag it matches, the model attribute, the
converter's own read function for the namespace the element will be in (known, since the tag
fixes it). A step has one signature, ``step(elements, tags, pos, parent, out, ctx) -> pos``: it
looks at the child at ``pos``, stores what it read in ``out`` and returns the position after
what it consumed. The compiled struct reads its element's children from lxml once into two lists
(elements and their tags, the tags ending in a ``None`` sentinel so that no step needs a bounds
check), runs its steps in order and builds the model object. A plain text leaf costs one Python
call: its step reads the text itself when the element has no children and no attributes (the
valid case) and leaves everything else to :func:`text_of`. Converters offer the same through
``reader(ns)`` (:func:`reader_of`): :class:`Code` looks the text up in its value → member map,
:class:`MomentOf` and :class:`Wrap` compile their inner tags, a nested :class:`Struct` hands out
its compiled reader. Compiled steps are cached per namespace on the table (a table meets one to
three namespaces); the tables themselves stay the plain data above, and writing walks them
directly (writing is not the hot path).

Reading never raises a built-in exception: what cannot be placed becomes an error finding
(``xml.mapping.unexpected``, ``xml.mapping.missing``, ``xml.mapping.value``) collected in the
:class:`ReadContext`; the codec raises :class:`~medbridge.errors.XmlInputError` at the end.
Writing refuses what the version cannot carry with :class:`~medbridge.errors.ConversionError` and a
finding naming the model path (``convert.missing-required``, ``convert.unsupported-value``,
``convert.unsupported-field``, ``convert.too-many``, ``convert.unrepresentable``).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.declaration import XmlVersion
from medbridge.model.common import Moment
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL, parse_natural
from medbridge.xml.paths import element_path, local_name, namespace_of

__all__ = [
    "POSITIVE_INT",
    "SUP_TRUE",
    "TEXT",
    "Choice",
    "Code",
    "Converter",
    "Entry",
    "Fixed",
    "Flag01",
    "Flat",
    "Formatted",
    "Leaf",
    "LetterMapping",
    "MomentOf",
    "ReadContext",
    "ReadFn",
    "Step",
    "Struct",
    "Wrap",
    "WriteContext",
    "check_xml_chars",
    "dropped_node_finding",
    "element_children",
    "is_dropped_node",
    "reader_of",
    "struct",
    "text_of",
]

#: Characters XML 1.0 cannot hold (C0 except TAB, LF, CR; U+FFFE, U+FFFF; surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# ---------------------------------------------------------------------------------------------
# contexts


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

#: A compiled entry: ``step(elements, tags, pos, parent, out, ctx)`` reads what the entry takes
#: from the children at ``pos`` into ``out`` and returns the position after it. ``tags`` holds the
#: children's Clark-notation tags and ends in a ``None`` sentinel (see :func:`_split_children`).
Step = Callable[[list[Any], list[str | None], int, Any, dict[str, Any], ReadContext], int]

# ---------------------------------------------------------------------------------------------
# converters


class Converter(Protocol):
    """Turns one element into a model value and back."""

    def read(self, element: Any, ctx: ReadContext) -> Any: ...

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None: ...

    def absent(self, value: Any) -> bool: ...


class _Base:
    def absent(self, value: Any) -> bool:
        return value is None


def reader_of(conv: Converter, ns: str) -> ReadFn:
    """The function that reads ``conv``'s value from an element in namespace ``ns``.

    A converter may offer ``reader(ns)``, a read function specialised for that namespace (tags
    and look-ups bound in advance); any other converter is read with its ``read`` method.
    """
    reader = getattr(conv, "reader", None)
    if reader is None:
        return conv.read
    compiled: ReadFn = reader(ns)
    return compiled


def text_of(element: Any, ctx: ReadContext) -> str | None:
    """The character content of a text-only element (comments dropped, their tails kept)."""
    if len(element.attrib) and _foreign_attributes(element, ctx):  # the test inlined: hot path
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


def _foreign_attributes(element: Any, ctx: ReadContext) -> bool:
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


def _set_text(element: Any, value: str, ctx: WriteContext) -> None:
    check_xml_chars(value, ctx)
    element.text = value or None


class _Text(_Base):
    """A string kept exactly as written (whitespace and ``_`` placeholders included)."""

    # text_of itself, not a method wrapping it: TEXT is the most used converter (hot path).
    read = staticmethod(text_of)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, str):
            raise ctx.fail("convert.unsupported-value", "Expected a string here")
        _set_text(element, value, ctx)


TEXT: Converter = _Text()


@dataclass(frozen=True, slots=True)
class Code(_Base):
    """A code-list value. ``open`` codes keep unknown values as strings (XDIS21 lists are only
    partly known); closed codes report them. ``strict`` writing accepts only the enum's values
    minus ``exclude`` (members the model holds but this XML version cannot carry)."""

    enum_cls: type[enum.StrEnum]
    open: bool = False
    strict: bool = True
    exclude: tuple[str, ...] = ()
    members: dict[str, enum.StrEnum] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # value → member, built once: a dict hit is several times cheaper than calling the enum
        # class. A miss still goes through the enum, so its own rules decide as before.
        object.__setattr__(self, "members", {m.value: m for m in self.enum_cls})

    def reader(self, ns: str) -> ReadFn:
        members = self.members
        read = self.read

        def read_code(element: Any, ctx: ReadContext) -> Any:
            # The valid case inline: a text-only element without attributes holding a listed
            # value. Anything else takes :meth:`read`, which reports what is wrong.
            if not len(element) and not len(element.attrib):
                member = members.get(element.text or "")
                if member is not None:
                    return member
            return read(element, ctx)

        return read_code

    def read(self, element: Any, ctx: ReadContext) -> Any:
        raw = text_of(element, ctx)
        if raw is None:
            return None
        member = self.members.get(raw)
        if member is not None:
            return member
        try:
            return self.enum_cls(raw)
        except ValueError:
            if self.open:
                return raw
        ctx.bad_value(element, f"one of the {self.enum_cls.__name__} values", raw)
        return None

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, str):
            raise ctx.fail("convert.unsupported-value", "Expected a code string here")
        text = str(value)
        if self.strict:
            allowed = {m.value for m in self.enum_cls} - set(self.exclude)
            if text not in allowed:
                raise ctx.fail(
                    "convert.unsupported-value",
                    f"The value {text[:40]!r} is not a {self.enum_cls.__name__} value that "
                    f"{ctx.version} allows",
                )
        _set_text(element, text, ctx)


@dataclass(frozen=True, slots=True)
class Flag01(_Base):
    """A ``0``/``1`` flag as a bool."""

    def read(self, element: Any, ctx: ReadContext) -> Any:
        raw = text_of(element, ctx)
        if raw is None:
            return None
        if raw in ("0", "1"):
            return raw == "1"
        ctx.bad_value(element, "0 or 1", raw)
        return None

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, bool):
            raise ctx.fail("convert.unsupported-value", "Expected true or false here")
        element.text = "1" if value else "0"


class _PositiveInt(_Base):
    def read(self, element: Any, ctx: ReadContext) -> Any:
        raw = text_of(element, ctx)
        if raw is None:
            return None
        number = parse_natural(raw.strip(" \t\r\n"), plus=True)
        if number is not None and number > 0:
            return number
        ctx.bad_value(element, f"a positive whole number of at most {MAX_DIGITS} digits", raw)
        return None

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NATURAL:
            raise ctx.fail(
                "convert.unsupported-value",
                f"Expected a positive whole number of at most {MAX_DIGITS} digits",
            )
        element.text = str(value)


POSITIVE_INT: Converter = _PositiveInt()


class _SupTrue(_Base):
    """``SUP``: present only as the literal ``true``; absent means False."""

    def absent(self, value: Any) -> bool:
        return not value

    def read(self, element: Any, ctx: ReadContext) -> Any:
        raw = text_of(element, ctx)
        if raw is None:
            return None
        if raw.strip(" \t\r\n") == "true":
            return True
        ctx.bad_value(element, "the literal true", raw)
        return None

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        element.text = "true"


SUP_TRUE: Converter = _SupTrue()


@dataclass(frozen=True, slots=True)
class MomentOf(_Base):
    """A DateTime element: ``Date`` then ``Time`` children (in ``ns``, default the element's)."""

    ns: str | None = None

    def reader(self, ns: str) -> ReadFn:
        inner = self.ns or ns
        date_tag, time_tag = _qname(inner, "Date"), _qname(inner, "Time")

        def read_moment(element: Any, ctx: ReadContext) -> Any:
            children = _split_children(element, ctx)
            if children is None:
                return None
            elements, tags = children
            if tags[0] != date_tag:  # the None sentinel when there are no children
                ctx.missing("Date", element)
                return None
            date = text_of(elements[0], ctx)
            if tags[1] != time_tag:
                ctx.missing("Time", element)
                return None
            time = text_of(elements[1], ctx)
            if len(elements) > 2:
                ctx.unexpected(elements[2], element)
                return None
            if date is None or time is None:
                return None
            return Moment(date, time)

        return read_moment

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return self.reader(namespace_of(element) or "")(element, ctx)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, Moment):
            raise ctx.fail("convert.unsupported-value", "Expected a Moment")
        if value.time is None:
            raise ctx.fail(
                "convert.missing-required",
                "This date-time element needs a time (hh:mm); the model holds only a date",
                "time",
            )
        ns = self.ns or etree.QName(element).namespace
        for name, text in (("Date", value.date), ("Time", value.time)):
            child = etree.SubElement(element, _qname(ns, name))
            _set_text(child, text, ctx)
        ctx.element_only.append(element)


@dataclass(frozen=True, slots=True)
class Formatted(_Base):
    """FormattedText (mixed content) with its inline elements in ``inline_ns`` (default: the
    element's own namespace, as in the 2005 letters)."""

    inline_ns: str | None = None

    def reader(self, ns: str) -> ReadFn:
        from medbridge.codecs.xml.text import read_formatted

        namespace = self.inline_ns or ns or None

        def read_text(element: Any, ctx: ReadContext) -> Any:
            if _foreign_attributes(element, ctx):
                return None
            return read_formatted(element, namespace, ctx)

        return read_text

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return self.reader(namespace_of(element) or "")(element, ctx)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        from medbridge.codecs.xml.text import write_formatted

        write_formatted(element, value, self.inline_ns or etree.QName(element).namespace, ctx)


# ---------------------------------------------------------------------------------------------
# entries


class Entry(Protocol):
    """One row of a table: compiled into a :data:`Step` that consumes elements on read."""

    def attrs(self) -> tuple[str, ...]: ...

    def compile(self, ns: str) -> Step:
        """The step reading this entry from children whose default namespace is ``ns``."""
        ...

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None: ...


def _qname(ns: str | None, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


class _Tags(dict[str | None, str]):
    """The Clark-notation tag of one wire name, by the namespace it is read in: ``tags[ns]``.

    Entries without their own ``ns`` live in their parent's namespace, which is known only while
    reading, so a tag is built on its first lookup per namespace (``__missing__``) and kept; a
    table meets one to three namespaces. Lookups are plain dict subscripts, the cheapest there
    is. Concurrent first lookups store the same string, which is harmless.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, ns: str | None) -> str:
        tag = self[ns] = _qname(ns, self.name)
        return tag


def _get(obj: Any, attr: str) -> Any:
    return obj if attr == "" else getattr(obj, attr)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One element ↔ one attribute (``many``: a run of elements ↔ a list, at most ``max``)."""

    name: str
    attr: str
    conv: Converter = TEXT
    ns: str | None = None
    required: bool = False
    many: bool = False
    max: int | None = None
    tags: _Tags = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", _Tags(self.name))  # frozen: set once, here

    def attrs(self) -> tuple[str, ...]:
        return (self.attr,)

    def compile(self, ns: str) -> Step:
        element_ns = self.ns or ns
        tag = self.tags[element_ns]
        attr, name, required = self.attr, self.name, self.required
        read = reader_of(self.conv, element_ns)

        if self.many:

            def read_run(
                elements: list[Any],
                tags: list[str | None],
                pos: int,
                parent: Any,
                out: dict[str, Any],
                ctx: ReadContext,
            ) -> int:
                values: list[Any] = []
                while tags[pos] == tag:  # stops at the None sentinel at the latest
                    values.append(read(elements[pos], ctx))
                    pos += 1
                out[attr] = values
                return pos

            return read_run

        if read is text_of:

            def read_text(
                elements: list[Any],
                tags: list[str | None],
                pos: int,
                parent: Any,
                out: dict[str, Any],
                ctx: ReadContext,
            ) -> int:
                if tags[pos] == tag:
                    element = elements[pos]
                    # text_of inlined for the valid case (no child nodes, no attributes): one
                    # Python call per text leaf. Anything else goes to text_of, which reports it.
                    if len(element) or len(element.attrib):
                        out[attr] = text_of(element, ctx)
                    else:
                        out[attr] = element.text or ""
                    return pos + 1
                if required:
                    ctx.missing(name, parent)
                return pos

            return read_text

        def read_one(
            elements: list[Any],
            tags: list[str | None],
            pos: int,
            parent: Any,
            out: dict[str, Any],
            ctx: ReadContext,
        ) -> int:
            if tags[pos] == tag:
                out[attr] = read(elements[pos], ctx)
                return pos + 1
            if required:
                ctx.missing(name, parent)
            return pos

        return read_one

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        value = _get(obj, self.attr)
        qname = _qname(self.ns or ns, self.name)
        if self.many:
            items = list(value or [])
            if self.required and not items:
                raise ctx.fail("convert.missing-required", f"{self.name} is required", self.attr)
            if self.max is not None and len(items) > self.max:
                raise ctx.fail(
                    "convert.too-many",
                    f"{ctx.version} allows at most {self.max} {self.name} here, the model holds "
                    f"{len(items)}",
                    self.attr,
                )
            for index, item in enumerate(items):
                ctx.path.extend([self.attr, f"[{index}]"] if self.attr else [f"[{index}]"])
                self.conv.write(etree.SubElement(parent, qname), item, ctx)
                del ctx.path[-2 if self.attr else -1 :]
            return
        if self.conv.absent(value):
            if self.required:
                raise ctx.fail(
                    "convert.missing-required",
                    f"{ctx.version} requires {self.name} here, the model has no value",
                    *([self.attr] if self.attr else []),
                )
            return
        if self.attr:
            ctx.path.append(self.attr)
        self.conv.write(etree.SubElement(parent, qname), value, ctx)
        if self.attr:
            ctx.path.pop()


@dataclass(frozen=True, slots=True)
class Fixed:
    """An element whose text is a literal of the version (VersionCode, TypeCode)."""

    name: str
    literal: str
    ns: str | None = None

    def attrs(self) -> tuple[str, ...]:
        return ()

    def compile(self, ns: str) -> Step:
        tag = _qname(self.ns or ns, self.name)
        name, literal = self.name, self.literal

        def read_fixed(
            elements: list[Any],
            tags: list[str | None],
            pos: int,
            parent: Any,
            out: dict[str, Any],
            ctx: ReadContext,
        ) -> int:
            if tags[pos] != tag:
                ctx.missing(name, parent)
                return pos
            element = elements[pos]
            value = text_of(element, ctx)
            if value is not None and value != literal:
                ctx.bad_value(element, repr(literal), value)
            return pos + 1

        return read_fixed

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        etree.SubElement(parent, _qname(self.ns or ns, self.name)).text = self.literal


@dataclass(frozen=True, slots=True)
class Flat:
    """A model object whose fields are sibling elements in the parent (no wrapper element)."""

    attr: str
    struct: Struct
    required: bool = True

    def attrs(self) -> tuple[str, ...]:
        return (self.attr,)

    def compile(self, ns: str) -> Step:
        steps = self.struct.steps(self.struct.ns or ns)
        build, attr, required = self.struct.build, self.attr, self.required

        def read_flat(
            elements: list[Any],
            tags: list[str | None],
            pos: int,
            parent: Any,
            out: dict[str, Any],
            ctx: ReadContext,
        ) -> int:
            before = pos
            errors = ctx.errors
            kwargs: dict[str, Any] = {}
            for step in steps:
                pos = step(elements, tags, pos, parent, kwargs, ctx)
            if pos == before and not required and ctx.errors == errors:
                return pos
            out[attr] = build(kwargs, parent, ctx, errors)
            return pos

        return read_flat

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        value = getattr(obj, self.attr)
        if value is None:
            if self.required:
                raise ctx.fail(
                    "convert.missing-required", f"{ctx.version} requires a value", self.attr
                )
            return
        ctx.path.append(self.attr)
        self.struct.write_fields(parent, self.struct.ns or ns, value, ctx)
        ctx.path.pop()


@dataclass(frozen=True, slots=True)
class Choice:
    """One attribute written as exactly one of several elements.

    ``options`` are (element name, converter, predicate on the model value): reading takes the
    first element whose name matches; writing uses the first option whose predicate accepts.
    """

    attr: str
    options: tuple[tuple[str, Converter, Callable[[Any], bool]], ...]
    required: bool = True

    def attrs(self) -> tuple[str, ...]:
        return (self.attr,)

    def compile(self, ns: str) -> Step:
        options = tuple((_qname(ns, name), reader_of(conv, ns)) for name, conv, _ in self.options)
        names = " or ".join(name for name, _, _ in self.options)
        attr, required = self.attr, self.required

        def read_choice(
            elements: list[Any],
            tags: list[str | None],
            pos: int,
            parent: Any,
            out: dict[str, Any],
            ctx: ReadContext,
        ) -> int:
            head = tags[pos]
            for tag, read in options:
                if head == tag:
                    out[attr] = read(elements[pos], ctx)
                    return pos + 1
            if required:
                ctx.missing(names, parent)
            return pos

        return read_choice

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        value = getattr(obj, self.attr)
        if value is None:
            if self.required:
                raise ctx.fail("convert.missing-required", "A value is required", self.attr)
            return
        ctx.path.append(self.attr)
        for name, conv, accepts in self.options:
            if accepts(value):
                conv.write(etree.SubElement(parent, _qname(ns, name)), value, ctx)
                ctx.path.pop()
                return
        raise ctx.fail("convert.unsupported-value", f"{ctx.version} has no element for this value")


# ---------------------------------------------------------------------------------------------
# structures


def element_children(
    element: Any, ctx: ReadContext, *, attributes_allowed: bool = False
) -> list[Any] | None:
    """The child elements of an element-only element; whitespace skipped, comments reported,
    non-whitespace text and attributes reported as unexpected (then None)."""
    children = _split_children(element, ctx, attributes_allowed=attributes_allowed)
    return None if children is None else children[0]


def _split_children(
    element: Any, ctx: ReadContext, *, attributes_allowed: bool = False
) -> tuple[list[Any], list[str | None]] | None:
    """The child elements of an element-only element and their tags, the tags followed by a
    ``None`` sentinel that matches no entry (so a step never needs a bounds check); None after
    reporting what an element-only element cannot hold."""
    if not attributes_allowed and len(element.attrib) and _foreign_attributes(element, ctx):
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


@dataclass(frozen=True, slots=True)
class Struct:
    """A model class and its table: the element's children in wire order.

    ``ns`` is the namespace of the children when it differs from the element's own. Model fields
    named in ``elsewhere`` are handled by the caller (``local_elements``, ``wire``); every other
    field the table does not name must hold its default when writing, or the writer refuses
    (``convert.unsupported-field``): this version has no place for it.
    """

    cls: type
    entries: tuple[Entry, ...]
    ns: str | None = None
    elsewhere: tuple[str, ...] = ("wire",)
    compiled: dict[str, tuple[Step, ...]] = field(init=False, repr=False, compare=False)
    readers: dict[str, ReadFn] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen: the caches are set once, here, and filled on first use (see the module doc).
        # Concurrent first reads compile equal steps; whichever is stored last is kept.
        object.__setattr__(self, "compiled", {})
        object.__setattr__(self, "readers", {})

    def absent(self, value: Any) -> bool:
        return value is None

    # reading

    def steps(self, ns: str) -> tuple[Step, ...]:
        """The entries compiled for children whose default namespace is ``ns``."""
        steps = self.compiled.get(ns)
        if steps is None:
            steps = self.compiled[ns] = tuple(entry.compile(ns) for entry in self.entries)
        return steps

    def reader(self, ns: str) -> ReadFn:
        """The compiled read function for an element of this table in namespace ``ns``."""
        read = self.readers.get(ns)
        if read is None:
            read = self.readers[ns] = self._compile_reader(ns)
        return read

    def _compile_reader(self, ns: str) -> ReadFn:
        steps = self.steps(self.ns or ns)
        build = self.build

        def read_struct(element: Any, ctx: ReadContext) -> Any:
            errors = ctx.errors
            children = _split_children(element, ctx)
            if children is None:
                return None
            elements, tags = children
            kwargs: dict[str, Any] = {}
            since = len(ctx.findings)
            pos = 0
            for step in steps:
                pos = step(elements, tags, pos, element, kwargs, ctx)
            if pos < len(elements):
                rest = elements[pos:]
                ctx.unblock(since, {local_name(c) for c in rest})
                ctx.unexpected(rest[0], element)
            return build(kwargs, element, ctx, errors)

        return read_struct

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return self.reader(namespace_of(element) or "")(element, ctx)

    def build(self, kwargs: dict[str, Any], element: Any, ctx: ReadContext, errors: int) -> Any:
        if ctx.errors != errors:
            return None
        kwargs.pop("", None)  # a Wrap's inner value, never a model field
        try:
            return self.cls(**kwargs)
        except (TypeError, ValueError):
            ctx.error(
                "xml.mapping.value",
                f"The content of {local_name(element)} does not form a valid "
                f"{self.cls.__name__}; check which children are present.",
                element,
            )
            return None

    # writing

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, self.cls):
            raise ctx.fail(
                "convert.unsupported-value",
                f"Expected a {self.cls.__name__}, found {type(value).__name__}",
            )
        ns = self.ns or etree.QName(element).namespace or ""
        self.write_fields(element, ns, value, ctx)
        ctx.element_only.append(element)

    def write_fields(self, parent: Any, ns: str, value: Any, ctx: WriteContext) -> None:
        self.check_unmapped(value, ctx)
        for entry in self.entries:
            entry.write(parent, ns, value, ctx)

    def check_unmapped(self, value: Any, ctx: WriteContext) -> None:
        for name, default in _unmapped_fields(self):
            current = getattr(value, name)
            if current is not None and current != default():
                raise ctx.fail(
                    "convert.unsupported-field",
                    f"{ctx.version} has no place for {self.cls.__name__}.{name}; clear it or "
                    "write another format",
                    name,
                )


def _unmapped_fields(struct: Struct) -> Iterator[tuple[str, Callable[[], Any]]]:
    mapped: set[str] = set(struct.elsewhere)
    for entry in struct.entries:
        mapped.update(entry.attrs())
    for f in dataclasses.fields(struct.cls):
        if f.name in mapped or not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            yield f.name, _constant(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            yield f.name, f.default_factory
        else:
            yield f.name, _constant(object())


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


@dataclass(frozen=True, slots=True)
class Wrap(_Base):
    """An element that holds exactly one entry, whose value is the attribute's value.

    ``Leaf("HomeChanges", "home_changes", Wrap(Leaf("Comment", "", Formatted(M100),
    required=True)))``: the item's one ``Comment``. With a ``many`` inner entry the value is a
    list, and an empty list still writes the wrapper.
    """

    inner: Leaf

    def reader(self, ns: str) -> ReadFn:
        step = self.inner.compile(ns)
        attr = self.inner.attr

        def read_wrapped(element: Any, ctx: ReadContext) -> Any:
            children = _split_children(element, ctx)
            if children is None:
                return None
            elements, tags = children
            out: dict[str, Any] = {}
            pos = step(elements, tags, 0, element, out, ctx)
            if pos < len(elements):
                ctx.unexpected(elements[pos], element)
                return None
            return out.get(attr)

        return read_wrapped

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return self.reader(namespace_of(element) or "")(element, ctx)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        self.inner.write(element, etree.QName(element).namespace or "", value, ctx)
        ctx.element_only.append(element)


def struct(
    cls: type, *entries: Entry, ns: str | None = None, elsewhere: Sequence[str] = ("wire",)
) -> Struct:
    """Shorthand for :class:`Struct` with the entries as positional arguments."""
    return Struct(cls, tuple(entries), ns, tuple(elsewhere))


@dataclass(frozen=True, slots=True)
class LetterMapping:
    """One supported letter version: its declaration (where it lives on the wire, see
    :class:`~medbridge.letters.declaration.XmlVersion`) and its table.

    ``envelope`` is the Envelope table of the Emessage generation this letter belongs to.
    """

    version: XmlVersion
    letter: Struct
    envelope: Struct
    envelope_ns: str
