"""The documented normalisations of a conversion into EDIFACT, as info findings.

edifact-messages.md §12 P5 lists what XML → EDIFACT → XML may change: F1 (a text gains a final
line break), F2 (``Space`` becomes a plain space), F3 (style runs are regrouped, one wrapper per
FTX, ``Center``/``Right`` on their own lines) and M1 (a missing organisation name becomes ``_``).
:func:`normalisation_notes` names each one that applies to a message, once per place, as an info
``convert.normalised``; it never changes the message. (M2, a StatisticalCode different from the
TypeCode, is a loss, reported by the writer.)
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Iterator
from typing import Any

from medbridge.findings import Finding, Location, Severity
from medbridge.model import (
    Break,
    CarePlan,
    FormattedText,
    Message,
    Party,
    Space,
)

__all__ = ["normalisation_notes"]

_STYLES = ("Bold", "Italic", "Underline", "Center", "Right", "FixedFont")


def _fields(cls: type) -> tuple[str, ...] | None:
    """The fields of dataclass ``cls`` worth following: those whose declared type can hold a
    FormattedText or a Party, the only values that get notes (None: not a dataclass). Cached per
    class, so the walk never looks into dates, codes, identifiers or diagnoses."""
    try:
        return _FIELDS[cls]
    except KeyError:
        pass
    names = _followed(cls, frozenset()) if dataclasses.is_dataclass(cls) else None
    _FIELDS[cls] = names
    return names


_FIELDS: dict[type, tuple[str, ...] | None] = {}
_LEAVES = (str, int, float, bytes, enum.Enum, type(None))


def _followed(cls: type, seen: frozenset[type]) -> tuple[str, ...]:
    fields = [f.name for f in dataclasses.fields(cls) if f.name != "wire"]
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an unresolvable annotation: follow every field
        return tuple(fields)
    return tuple(name for name in fields if _reaches(hints.get(name, Any), seen | {cls}))


def _reaches(hint: Any, seen: frozenset[type]) -> bool:
    """True when a value of type ``hint`` can be or hold a FormattedText or a Party. Anything
    unclear (``Any``, a class that is neither a dataclass nor a plain value) counts as True."""
    if typing.get_origin(hint) is not None:  # list[X], X | None, dict[K, V] ...
        return any(_reaches(arg, seen) for arg in typing.get_args(hint))
    if not isinstance(hint, type):
        return hint is not None
    if issubclass(hint, (FormattedText, Party)):
        return True
    if dataclasses.is_dataclass(hint):
        return hint not in seen and bool(_followed(hint, seen))
    return not issubclass(hint, _LEAVES)


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every dataclass value below ``value`` that is or may hold a FormattedText or a Party
    (through lists, see :func:`_fields`), with its model path, in document order. Plain values
    (strings, codes, None) are never visited, so only the containers get a path."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, list):
            stack.extend(
                (f"{where}[{i}]", item)
                for i, item in reversed(list(enumerate(node)))
                if isinstance(item, list) or _fields(type(item)) is not None
            )
            continue
        yield where, node
        names = None if isinstance(node, FormattedText) else _fields(type(node))
        for name in reversed(names or ()):
            child = getattr(node, name)
            if isinstance(child, list) or _fields(type(child)) is not None:
                stack.append((f"{where}.{name}", child))


def _ends_with_break(items: list[Any]) -> bool:
    while items:
        last = items[-1]
        if isinstance(last, Break):
            return True
        if isinstance(last, str | Space):
            return False
        items = list(getattr(last, "content", []))
    return False


def _types_inside(items: list[Any]) -> set[type]:
    """The type of every item in ``items`` and in their content, at any depth (one pass)."""
    found: set[type] = set()
    stack = list(items)
    while stack:
        item = stack.pop()
        found.add(type(item))
        stack.extend(getattr(item, "content", ()))
    return found


def _note(path: str, text: str) -> Finding:
    return Finding("convert.normalised", Severity.INFO, text, Location(path=path))


def normalisation_notes(message: Message) -> list[Finding]:
    """One info finding per normalisation that writing ``message`` as EDIFACT applies."""
    notes: list[Finding] = []
    for index, letter in enumerate(message.letters):
        if isinstance(letter, CarePlan):
            continue
        for path, node in _walk(letter, f"letters[{index}]"):
            if isinstance(node, FormattedText) and not node.is_empty():
                if not _ends_with_break(list(node.content)):
                    notes.append(_note(path, "The text gains a final line break in EDIFACT (F1)."))
                inside = _types_inside(node.content)
                if any(issubclass(kind, Space) for kind in inside):
                    notes.append(
                        _note(path, "Each Space element becomes a plain space in EDIFACT (F2).")
                    )
                if any(kind.__name__ in _STYLES for kind in inside):
                    notes.append(
                        _note(
                            path,
                            "Styled runs are regrouped in EDIFACT: one style element per FTX, "
                            "centred and right-aligned text on its own lines (F3).",
                        )
                    )
            elif (
                isinstance(node, Party)
                and node.organisation is None
                and not path.endswith(".sender")
            ):
                notes.append(
                    _note(path, "The party has no organisation name; EDIFACT carries '_' (M1).")
                )
    return notes
