"""The structures of the XML mapping engine: :class:`Struct` (a model class and its table, compiled
on first read), :class:`Wrap` (an element holding one entry), :func:`struct` and
:class:`LetterMapping` (one letter version's tables). Part of the engine described in
:mod:`medbridge.codecs.xml.mapping`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from medbridge.codecs.xml.context import (
    ReadContext,
    ReadFn,
    Step,
    WriteContext,
    split_children,
)
from medbridge.codecs.xml.converters import BaseConverter
from medbridge.codecs.xml.entries import Entry, Leaf
from medbridge.letters.declaration import XmlVersion
from medbridge.xml.paths import local_name, namespace_of

__all__ = ["LetterMapping", "Struct", "Wrap", "struct"]


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
            children = split_children(element, ctx)
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
class Wrap(BaseConverter):
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
            children = split_children(element, ctx)
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
