"""The entries of the XML mapping engine: the rows of a table, each compiled into a step.

* :class:`Leaf` — one element (or a repeated run, ``many=True``) ↔ one attribute;
* :class:`Fixed` — an element with a literal value that is no model attribute (VersionCode);
* :class:`Flat` — a model object whose elements are siblings in the parent;
* :class:`Choice` — one attribute, written as one of several elements;
* :class:`Nested` — a wrapper element whose children are fields of the enclosing model object
  (the inverse of :class:`Flat`: a receipt's ``Letter`` header);
* :class:`Constant` — no element: a model attribute with one value per table (a receipt's
  variant, fixed by its letter element).

Part of the engine described in :mod:`medbridge.codecs.xml.mapping`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from lxml import etree

from medbridge.codecs.xml.context import clark, split_children, text_of
from medbridge.codecs.xml.converters import TEXT, Converter, reader_of

if TYPE_CHECKING:
    from medbridge.codecs.xml.context import (
        Elements,
        Out,
        ReadContext,
        ReadFn,
        Step,
        TagRow,
        WriteContext,
    )
    from medbridge.codecs.xml.struct import Struct

__all__ = ["Choice", "Constant", "Entry", "Fixed", "Flat", "Leaf", "Nested"]


class Entry(Protocol):
    """One row of a table: compiled into a :data:`Step` that consumes elements on read."""

    def attrs(self) -> tuple[str, ...]: ...

    def compile(self, ns: str) -> Step:
        """The step reading this entry from children whose default namespace is ``ns``."""
        ...

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None: ...


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
        tag = self[ns] = clark(ns, self.name)
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
                elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
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
                elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
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
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
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
        qname = clark(self.ns or ns, self.name)
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
        tag = clark(self.ns or ns, self.name)
        name, literal = self.name, self.literal

        def read_fixed(
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
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
        etree.SubElement(parent, clark(self.ns or ns, self.name)).text = self.literal


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
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
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
        # tag → read function; reversed, so that the first option naming a tag is the one kept
        readers: dict[str | None, ReadFn] = {
            clark(ns, name): reader_of(conv, ns) for name, conv, _ in reversed(self.options)
        }
        names = " or ".join(name for name, _, _ in self.options)
        attr, required = self.attr, self.required

        def read_choice(
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
        ) -> int:
            read = readers.get(tags[pos])  # the None sentinel is no option's tag
            if read is None:
                if required:
                    ctx.missing(names, parent)
                return pos
            out[attr] = read(elements[pos], ctx)
            return pos + 1

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
                conv.write(etree.SubElement(parent, clark(ns, name)), value, ctx)
                ctx.path.pop()
                return
        raise ctx.fail("convert.unsupported-value", f"{ctx.version} has no element for this value")


@dataclass(frozen=True, slots=True)
class Nested:
    """A wrapper element whose children are read into (and written from) the enclosing model
    object itself: ``Nested("Letter", (Leaf("Identifier", "identifier"), …))``."""

    name: str
    entries: tuple[Entry, ...]
    required: bool = True

    def attrs(self) -> tuple[str, ...]:
        return tuple(attr for entry in self.entries for attr in entry.attrs())

    def compile(self, ns: str) -> Step:
        tag = clark(ns, self.name)
        steps = tuple(entry.compile(ns) for entry in self.entries)
        name, required = self.name, self.required

        def read_nested(
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
        ) -> int:
            if tags[pos] != tag:
                if required:
                    ctx.missing(name, parent)
                return pos
            element = elements[pos]
            children = split_children(element, ctx)
            if children is not None:
                inner, inner_tags = children
                at = 0
                for step in steps:
                    at = step(inner, inner_tags, at, element, out, ctx)
                if at < len(inner):
                    ctx.unexpected(inner[at], element)
            return pos + 1

        return read_nested

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        element = etree.SubElement(parent, clark(ns, self.name))
        for entry in self.entries:
            entry.write(element, ns, obj, ctx)
        ctx.element_only.append(element)


@dataclass(frozen=True, slots=True)
class Constant:
    """No element: the model attribute ``attr`` holds ``value`` in every letter of this table
    (the table is chosen by it when writing, so writing has nothing to do)."""

    attr: str
    value: Any

    def attrs(self) -> tuple[str, ...]:
        return (self.attr,)

    def compile(self, ns: str) -> Step:
        attr, value = self.attr, self.value

        def read_constant(
            elements: Elements, tags: TagRow, pos: int, parent: Any, out: Out, ctx: ReadContext
        ) -> int:
            out[attr] = value
            return pos

        return read_constant

    def write(self, parent: Any, ns: str, obj: Any, ctx: WriteContext) -> None:
        if getattr(obj, self.attr) != self.value:  # pragma: no cover - the codec picks by it
            raise ctx.fail("convert.unsupported-value", f"{ctx.version} is not this letter")
