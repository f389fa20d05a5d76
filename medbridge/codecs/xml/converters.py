"""The converters of the XML mapping engine: one element ⇄ one model value.

:data:`TEXT`, :class:`Code`, :class:`MomentOf` (``Date`` + ``Time``), :class:`Flag01`,
:data:`POSITIVE_INT`, :data:`SUP_TRUE` and :class:`Formatted` (mixed content,
:mod:`medbridge.codecs.xml.text`). A converter may offer ``reader(ns)``, a read function with its
tags and look-ups bound for one namespace (:func:`reader_of`). Part of the engine described in
:mod:`medbridge.codecs.xml.mapping`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from medbridge.codecs.xml.context import (
    ReadContext,
    ReadFn,
    WriteContext,
    check_xml_chars,
    clark,
    foreign_attributes,
    split_children,
    text_of,
)
from medbridge.model.common import Moment
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL, parse_natural
from medbridge.xml.paths import namespace_of

__all__ = [
    "POSITIVE_INT",
    "SUP_TRUE",
    "TEXT",
    "BaseConverter",
    "Code",
    "Converter",
    "Flag01",
    "Formatted",
    "MomentOf",
    "reader_of",
]


class Converter(Protocol):
    """Turns one element into a model value and back."""

    def read(self, element: Any, ctx: ReadContext) -> Any: ...

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None: ...

    def absent(self, value: Any) -> bool: ...


class BaseConverter:
    """``absent``: a value is absent when it is None (the converters' common default)."""

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


def _set_text(element: Any, value: str, ctx: WriteContext) -> None:
    check_xml_chars(value, ctx)
    element.text = value or None


class _Text(BaseConverter):
    """A string kept exactly as written (whitespace and ``_`` placeholders included)."""

    # text_of itself, not a method wrapping it: TEXT is the most used converter (hot path).
    read = staticmethod(text_of)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if not isinstance(value, str):
            raise ctx.fail("convert.unsupported-value", "Expected a string here")
        _set_text(element, value, ctx)


TEXT: Converter = _Text()


@dataclass(frozen=True, slots=True)
class Code(BaseConverter):
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
class Flag01(BaseConverter):
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


class _PositiveInt(BaseConverter):
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


class _SupTrue(BaseConverter):
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
class MomentOf(BaseConverter):
    """A DateTime element: ``Date`` then ``Time`` children (in ``ns``, default the element's)."""

    ns: str | None = None

    def reader(self, ns: str) -> ReadFn:
        inner = self.ns or ns
        date_tag, time_tag = clark(inner, "Date"), clark(inner, "Time")

        def read_moment(element: Any, ctx: ReadContext) -> Any:
            children = split_children(element, ctx)
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
            child = etree.SubElement(element, clark(ns, name))
            _set_text(child, text, ctx)
        ctx.element_only.append(element)


@dataclass(frozen=True, slots=True)
class Formatted(BaseConverter):
    """FormattedText (mixed content) with its inline elements in ``inline_ns`` (default: the
    element's own namespace, as in the 2005 letters)."""

    inline_ns: str | None = None

    def reader(self, ns: str) -> ReadFn:
        from medbridge.codecs.xml.text import read_formatted

        namespace = self.inline_ns or ns or None

        def read_text(element: Any, ctx: ReadContext) -> Any:
            if foreign_attributes(element, ctx):
                return None
            return read_formatted(element, namespace, ctx)

        return read_text

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return self.reader(namespace_of(element) or "")(element, ctx)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        from medbridge.codecs.xml.text import write_formatted

        write_formatted(element, value, self.inline_ns or etree.QName(element).namespace, ctx)
