"""The light segment type shared by the EDIFACT tokenizer, writer and mappings.

A :class:`Segment` is a tag plus data elements, each a tuple of *unescaped* component strings,
with its 1-based position in the interchange (UNB = 1, UNA not counted) and the byte offset of
its tag. ``layout`` is the whitespace found after its terminator (kept for byte-identical round
trips). :meth:`Segment.to_pydifact` turns it into a pydifact ``Segment`` with one call.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["SEGMENT_SETTERS", "Segment", "new_segment", "trim_elements"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One EDIFACT segment: ``tag`` and ``elements`` (``elements[0]`` is data element 1)."""

    tag: str
    elements: tuple[tuple[str, ...], ...] = ()
    number: int = 0
    offset: int = 0
    layout: str = field(default="", compare=False)

    def element(self, position: int) -> tuple[str, ...]:
        """Data element ``position`` (1-based) as its components; ``()`` when absent."""
        if 1 <= position <= len(self.elements):
            return self.elements[position - 1]
        return ()

    def value(self, position: int, component: int = 1) -> str:
        """Component ``component`` of data element ``position`` (both 1-based); ``""`` if absent."""
        comps = self.element(position)
        if 1 <= component <= len(comps):
            return comps[component - 1]
        return ""

    def to_pydifact(self) -> Any:
        """The same segment as a ``pydifact.segments.Segment``, equal to what pydifact's own
        ``Parser().parse`` makes of the same text: trailing empty components are dropped, an
        element left with no non-empty component becomes ``""``, a single component a string,
        several a list of strings. pydifact's warning about a tag-only segment is suppressed."""
        from pydifact.segments import Segment as PydifactSegment

        elements: list[str | list[str]] = []
        for comps in self.elements:
            kept = list(comps)
            while kept and not kept[-1]:
                kept.pop()
            if not kept:
                elements.append("")
            elif len(kept) == 1:
                elements.append(kept[0])
            else:
                elements.append(kept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PydifactSegment(self.tag, *elements)

    def trimmed(self) -> Segment:
        """A copy without trailing empty components and elements (normalisation E2)."""
        return replace(self, elements=trim_elements(self.elements))


def trim_elements(elements: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Drop trailing empty components of each element, then trailing empty elements.

    An element whose components are all empty becomes ``("",)`` (it still holds its place)."""
    out: list[tuple[str, ...]] = []
    for comps in elements:
        end = len(comps)
        while end > 1 and not comps[end - 1]:
            end -= 1
        out.append(comps[:end] if end else ("",))
    while out and out[-1] == ("",):
        out.pop()
    return tuple(out)


_new = object.__new__
_slots: dict[str, Any] = dict(Segment.__dict__)
_set_tag = _slots["tag"].__set__
_set_elements = _slots["elements"].__set__
_set_number = _slots["number"].__set__
_set_offset = _slots["offset"].__set__
_set_layout = _slots["layout"].__set__


#: ``(object.__new__, set_tag, set_elements, set_number, set_offset, set_layout)`` for the
#: tokenizer's inner loop, which inlines :func:`new_segment`.
SEGMENT_SETTERS = (_new, _set_tag, _set_elements, _set_number, _set_offset, _set_layout)


def new_segment(
    tag: str, elements: tuple[tuple[str, ...], ...], number: int, offset: int, layout: str
) -> Segment:
    """``Segment(tag, elements, number, offset, layout)`` about three times faster: the tokenizer's
    constructor. It fills the slots directly instead of going through the frozen dataclass's
    ``object.__setattr__`` calls; the result is an ordinary, equal, immutable Segment."""
    segment: Segment = _new(Segment)
    _set_tag(segment, tag)
    _set_elements(segment, elements)
    _set_number(segment, number)
    _set_offset(segment, offset)
    _set_layout(segment, layout)
    return segment
