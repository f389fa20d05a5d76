"""A letter kind's field table, read off its XML table: model field ↔ XML element, with the
required flag, the most occurrences and the code subset of each field.

Every letter kind states its fields once, in its XML table (``letters/<kind>/xml.py``, the
:class:`~medbridge.codecs.xml.mapping.Struct` tree the XML codec runs). :class:`FieldTable` walks
that tree and gives every other user — the rules, the EDIFACT mapping's source map, findings —
the same facts by model path, so none of them names an XML element or a limit again::

    table = field_table(MAPPING)
    table.xml("patient.surname")            # 'Patient/PersonSurnameName'
    table.row("relatives").max              # 2
    table.row("patient.status").codes       # frozenset({'...'})

Model paths are dotted attribute names from the letter (``sender.contact.organisation``); a
:class:`~medbridge.codecs.xml.mapping.Flat` struct's fields sit under its attribute
(``patient.identifier.value``) while their XML elements sit in the parent. XML paths are relative
to the letter element, without ``[n]`` indexes (:func:`indexed` adds one).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from medbridge.codecs.xml.mapping import (
    Choice,
    Code,
    Fixed,
    Flat,
    Leaf,
    LetterMapping,
    Struct,
    Wrap,
)

__all__ = ["FieldRow", "FieldTable", "field_table", "indexed", "xml_name"]


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field: its model path, XML path, and the table's limits on it.

    ``max`` is the most occurrences of a repeated field (None: once, or unbounded); ``codes`` is
    the code subset a coded field accepts (None: not a code, or an open list).
    """

    model: str
    xml: str
    required: bool
    many: bool
    max: int | None
    codes: frozenset[str] | None


class FieldTable:
    """The rows of one letter version, by model path and by XML path."""

    __slots__ = ("_by_model", "_by_xml", "rows")

    def __init__(self, letter: Struct) -> None:
        self.rows: tuple[FieldRow, ...] = tuple(_walk(letter, "", ""))
        self._by_model = {row.model: row for row in self.rows}
        self._by_xml = {row.xml: row for row in self.rows}

    def row(self, model: str) -> FieldRow:
        """The row of a model path; KeyError names the path when the table has none."""
        return self._by_model[model]

    def xml(self, model: str) -> str:
        """The XML path (relative to the letter element) of a model path."""
        return self._by_model[model].xml

    def by_xml(self, xml: str) -> FieldRow | None:
        """The row of an XML path without indexes, or None."""
        return self._by_xml.get(xml)

    def __contains__(self, model: object) -> bool:
        return model in self._by_model


@functools.cache
def field_table(mapping: LetterMapping) -> FieldTable:
    """The field table of one letter version (built once per mapping)."""
    return FieldTable(mapping.letter)


def xml_name(struct: Struct, attr: str) -> str:
    """The XML element name of ``attr`` in ``struct`` (a direct entry, or one of a Flat
    struct's entries): for tables such as EDIFACT source rows that name elements relative to a
    struct."""
    for row in _walk(struct, "", ""):
        if row.model == attr or (row.model.endswith("." + attr) and "." not in row.xml):
            return row.xml
    raise KeyError(f"{struct.cls.__name__} has no field {attr!r}")


def indexed(name: str, i: int, count: int) -> str:
    """``name`` with a 1-based index when it occurs more than once: ``Relative[2]``."""
    return name if count == 1 else f"{name}[{i + 1}]"


def _join(base: str, name: str, sep: str) -> str:
    return f"{base}{sep}{name}" if base else name


def _codes(conv: object) -> frozenset[str] | None:
    if isinstance(conv, Code) and not conv.open:
        return frozenset(m.value for m in conv.enum_cls if m.value not in conv.exclude)
    return None


def _walk(struct: Struct, model: str, xml: str) -> Iterator[FieldRow]:
    for entry in struct.entries:
        if isinstance(entry, Leaf):
            yield from _leaf(entry, model, xml)
        elif isinstance(entry, Flat):
            yield from _walk(entry.struct, _join(model, entry.attr, "."), xml)
        elif isinstance(entry, Choice):
            for name, conv, _ in entry.options:
                path = _join(xml, name, "/")
                yield FieldRow(
                    _join(model, entry.attr, "."), path, entry.required, False, None, _codes(conv)
                )
                if isinstance(conv, Struct):
                    yield from _walk(conv, _join(model, entry.attr, "."), path)
        elif isinstance(entry, Fixed):
            continue


def _leaf(leaf: Leaf, model: str, xml: str) -> Iterator[FieldRow]:
    path = _join(xml, leaf.name, "/")
    attr = _join(model, leaf.attr, ".") if leaf.attr else model
    conv = leaf.conv
    yield FieldRow(attr, path, leaf.required, leaf.many, leaf.max, _codes(conv))
    if isinstance(conv, Struct):
        yield from _walk(conv, attr, path)
    elif isinstance(conv, Wrap):
        yield from _leaf(conv.inner, attr, path)
