"""Provenance never overrides the model: which stored UNB and UNA the EDIFACT writer may use.

A message read from EDIFACT keeps its raw UNB and UNA in ``Message.wire`` so that writing it
again gives the same bytes (edifact-messages.md §12 P1). That provenance may only decide *how*
the model's values are written, never *which* values: a model from JSON, or one changed since
reading, can carry a stored UNB that says something else than the model's envelope, or a UNA
that is no valid service string, or a letter's stored segments (unit provenance) that read back
to other values than the model's. :func:`unb_to_write` and :func:`una_to_write` drop such
provenance with an info ``convert.wire-ignored`` and let the writer use the model's values; the
codec does the same for a letter's units (:func:`provenance_ignored`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from medbridge.edifact.segment import Segment, trim_elements
from medbridge.edifact.una import DEFAULT_CHARS, ServiceChars, parse_una
from medbridge.errors import MedbridgeError
from medbridge.findings import Finding, Location, Severity

__all__ = ["una_to_write", "unb_to_write"]


def _ignored(what: str, tag: str | None, path: str = "/Emessage/Envelope") -> Finding:
    return Finding(
        "convert.wire-ignored",
        Severity.INFO,
        f"The stored {what}; it is not used, and the model's values are written.",
        Location(path=path, tag=tag),
    )


def provenance_ignored(letter_path: str) -> Finding:
    """The note for a letter whose stored segments (unit provenance) do not read back to what
    the model says: the letter is written canonically (the codec decides, see
    ``medbridge.codecs.edifact.codec``)."""
    return _ignored("segments of this letter say something else than the model", None, letter_path)


def _elements(raw: Any) -> tuple[tuple[str, ...], ...] | None:
    """Stored elements as a segment's elements, or None when they are not lists of strings."""
    if not isinstance(raw, list | tuple):
        return None
    out: list[tuple[str, ...]] = []
    for element in raw:
        # one C-level pass over the components (a UNB may hold tens of thousands of empties)
        if not isinstance(element, list | tuple) or not set(map(type, element)) <= {str}:
            return None
        out.append(tuple(element))
    return tuple(out)


def unb_to_write(
    stored: Any, canonical: Segment, read_back: Callable[[Segment], Segment]
) -> tuple[Segment, str, list[Finding]]:
    """The UNB to write, its layout, and any note.

    ``stored`` is ``[elements, layout]`` as the reader recorded it (or anything else, from a
    hand-built or JSON model); ``canonical`` is the UNB the model's envelope and parties give;
    ``read_back`` turns a UNB into the canonical UNB of what a reader takes from it (raising
    a :class:`~medbridge.errors.MedbridgeError` when it cannot be read). The stored UNB is
    used only when it reads back to exactly ``canonical``: same reference, sender, recipient,
    date, time and acknowledgement request; its other fields (routing, passwords, an unusual
    syntax identifier, unknown components) are provenance the model has no place for.
    """
    if stored is None:
        return canonical, "", []
    elements = (
        _elements(stored[0]) if isinstance(stored, list | tuple) and len(stored) == 2 else None
    )
    layout = stored[1] if elements is not None else None
    if elements is None or not isinstance(layout, str):
        return canonical, "", [_ignored("UNB is not a list of elements and a layout", "UNB")]
    raw = Segment("UNB", elements)
    try:
        derived = read_back(raw)
    except (MedbridgeError, ValueError, IndexError):
        return canonical, "", [_ignored("UNB cannot be read", "UNB")]
    if trim_elements(derived.elements) != trim_elements(canonical.elements):
        return canonical, "", [_ignored("UNB differs from the model's envelope or parties", "UNB")]
    return raw, layout, []


def una_to_write(wire: dict[str, Any], key: str) -> tuple[str | None, ServiceChars, list[Finding]]:
    """The UNA to write (None: none), its service characters, and any note. No stored value
    means MedCom's default ``UNA:+.? '``; a stored ``None`` means the input had no UNA."""
    if key not in wire:
        return DEFAULT_CHARS.una(), DEFAULT_CHARS, []
    stored = wire[key]
    if stored is None:
        return None, DEFAULT_CHARS, []
    if isinstance(stored, str) and len(stored) == 9 and stored.isascii():
        try:
            chars = parse_una(stored.encode("ascii"))
        except MedbridgeError:
            pass
        else:
            return stored, chars, []
    return (
        DEFAULT_CHARS.una(),
        DEFAULT_CHARS,
        [_ignored("UNA is not a valid service string", "UNA")],
    )
