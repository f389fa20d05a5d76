"""The documented normalisations of a conversion into EDIFACT, as info findings.

edifact-messages.md §12 P5 lists what XML → EDIFACT → XML may change: F1 (a text gains a final
line break), F2 (``Space`` becomes a plain space), F3 (style runs are regrouped, one wrapper per
FTX, ``Center``/``Right`` on their own lines), M1 (a missing organisation name, of a party or of
the DIS01 sender's contact, becomes ``_``; in REF01 so does a missing street when other address
parts exist, and a REF01 EpisodeOfCareIdentifier ``_`` reads back absent) and M2 (structure
follows EDIFACT's groups: a REF01 letter always has ``AdditionalInformation``, and an empty
``Diagnose``, REF01 ``Referral`` or ``RelevantClinicalInformation`` has no group and is absent
after a round trip).
:func:`normalisation_notes` names each one that applies to a message, once per place, as an info
``convert.normalised``; it never changes the message. (A StatisticalCode different from the
TypeCode is a loss, reported by the writer.) ``tests/test_normalisation_notes.py`` writes
generated letters, reads them back and checks that every value that changed has a note here.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Hashable, Iterator
from functools import cache
from typing import Any

from medbridge.findings import Finding, Location, Severity
from medbridge.model import (
    Break,
    CarePlan,
    Contact,
    Diagnoses,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
    Message,
    OutpatientDischargeLetter,
    Party,
    Patient,
    Receipt,
    Referral,
    RelevantClinicalInformation,
    Space,
)

__all__ = ["normalisation_notes"]

_STYLES = ("Bold", "Italic", "Underline", "Center", "Right", "FixedFont")


#: The nodes that can get a note: texts (F1–F3), parties and contacts (M1 name), the patient
#: (REF01 M1 street).
_NOTED = (FormattedText, Party, Contact, Patient)


def _fields(cls: type) -> tuple[str, ...] | None:
    """The fields of dataclass ``cls`` worth following: those whose declared type can hold a
    noted node (None: not a dataclass). Cached per class, so the walk never looks into dates,
    codes, identifiers or diagnoses."""
    return _fields_of(cls)


@cache
def _fields_of(cls: Hashable) -> tuple[str, ...] | None:
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
        return None
    return _followed(cls, frozenset())


_LEAVES = (str, int, float, bytes, enum.Enum, type(None))


def _followed(cls: type, seen: frozenset[type]) -> tuple[str, ...]:
    fields = [f.name for f in dataclasses.fields(cls) if f.name != "wire"]
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an unresolvable annotation: follow every field
        return tuple(fields)
    return tuple(name for name in fields if _reaches(hints.get(name, Any), seen | {cls}))


def _reaches(hint: Any, seen: frozenset[type]) -> bool:
    """True when a value of type ``hint`` can be or hold a noted node. Anything unclear
    (``Any``, a class that is neither a dataclass nor a plain value) counts as True."""
    if typing.get_origin(hint) is not None:  # list[X], X | None, dict[K, V] ...
        return any(_reaches(arg, seen) for arg in typing.get_args(hint))
    if not isinstance(hint, type):
        return hint is not None
    if issubclass(hint, _NOTED):
        return True
    if dataclasses.is_dataclass(hint):
        return hint not in seen and bool(_followed(hint, seen))
    return not issubclass(hint, _LEAVES)


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every dataclass value below ``value`` that is or may hold a noted node (through lists,
    see :func:`_fields`), with its model path, in document order. Plain values
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
        if isinstance(letter, CarePlan | Receipt):
            continue
        referral = isinstance(letter, HospitalReferral)
        for path, node in _walk(letter, f"letters[{index}]"):
            if isinstance(node, FormattedText):
                notes.extend(_text_notes(node, path))
            elif isinstance(node, Party | Contact | Patient):
                notes.extend(_holder_notes(node, path, street=referral))
        notes.extend(_structure_notes(letter, f"letters[{index}]"))
    return notes


def _text_notes(text: FormattedText, path: str) -> list[Finding]:
    if text.is_empty():
        return []
    notes: list[Finding] = []
    if not _ends_with_break(list(text.content)):
        notes.append(_note(path, "The text gains a final line break in EDIFACT (F1)."))
    inside = _types_inside(text.content)
    if any(issubclass(kind, Space) for kind in inside):
        notes.append(_note(path, "Each Space element becomes a plain space in EDIFACT (F2)."))
    if any(kind.__name__ in _STYLES for kind in inside):
        notes.append(
            _note(
                path,
                "Styled runs are regrouped in EDIFACT: one style element per FTX, centred and "
                "right-aligned text on its own lines (F3).",
            )
        )
    return notes


def _holder_notes(node: Party | Contact | Patient, path: str, *, street: bool) -> list[Finding]:
    """M1: ``_`` for a missing organisation name (a party other than the sender, whose name the
    XML letter requires, or a contact) and, in REF01 (``street``), for a missing street of an
    address that is written (a party or the patient; REF01 relatives have no address)."""
    notes: list[Finding] = []
    if (
        isinstance(node, Party | Contact)
        and node.organisation is None
        and not path.endswith(".sender")
    ):
        what = "contact" if isinstance(node, Contact) else "party"
        notes.append(_note(path, f"The {what} has no organisation name; EDIFACT carries '_' (M1)."))
    if street and isinstance(node, Party | Patient) and node.street is None:
        postcode = None if node.postcode == "" else node.postcode  # "" is a loss, not written
        if any(v is not None for v in (node.suburb, node.district, postcode)):
            notes.append(
                _note(path, "The address has no street name; REF01 EDIFACT carries '_' (M1).")
            )
    return notes


def _structure_notes(
    letter: DischargeLetter | OutpatientDischargeLetter | HospitalReferral, base: str
) -> list[Finding]:
    """M2: what EDIFACT's groups decide. REF01 always writes AdditionalInformation's groups, so
    an absent one reads back empty; an empty container with no group reads back absent."""
    empties: list[tuple[str, object, object]] = []
    notes: list[Finding] = []
    if isinstance(letter, HospitalReferral):
        if letter.header.episode_of_care_id == "_":
            notes.append(
                _note(
                    f"{base}.header.episode_of_care_id",
                    "REF01 EDIFACT writes '_' for a missing EpisodeOfCareIdentifier, so this '_' "
                    "reads back as absent (M1).",
                )
            )
        if letter.additional_information is None:
            notes.append(
                _note(
                    f"{base}.additional_information",
                    "REF01 EDIFACT always carries AdditionalInformation; it reads back empty (M2).",
                )
            )
        empties = [
            ("referral", letter.referral, Referral()),
            (
                "relevant_clinical_information",
                letter.relevant_clinical_information,
                RelevantClinicalInformation(),
            ),
        ]
    else:
        empties = [("diagnoses", letter.diagnoses, Diagnoses())]
    for name, value, empty in empties:
        if value is not None and value == empty:
            notes.append(
                _note(
                    f"{base}.{name}",
                    "The element is empty and EDIFACT has no group for it; it is absent after "
                    "a round trip (M2).",
                )
            )
    return notes
