"""The light segment type shared by the EDIFACT tokenizer, writer and mappings.

A :class:`Segment` is a tag plus data elements, each a tuple of *unescaped* component strings,
with its 1-based position in the interchange (UNB = 1, UNA not counted) and the byte offset of
its tag. ``layout`` is the whitespace found after its terminator (kept for byte-identical round
trips). :meth:`Segment.to_pydifact` turns it into a pydifact ``Segment`` with one call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Segment"]


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
        """The same segment as a ``pydifact.segments.Segment``: a simple element becomes a
        string, a composite a list of strings (pydifact's own convention)."""
        from pydifact.segments import Segment as PydifactSegment

        elements: list[str | list[str]] = [
            comps[0] if len(comps) == 1 else list(comps) for comps in self.elements
        ]
        return PydifactSegment(self.tag, *elements)
