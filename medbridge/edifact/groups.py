"""MedCom's explicit segment groups: the ``Snn`` trigger convention (edifact-messages.md §4).

A trigger segment ``S`` + two digits opens a group and closes the one before; a group runs to the
next trigger or to the end of the message body. Grouping is flat: no nesting, no trigger-less
groups. The segments before the first trigger are the message level (BGM, DTM+137).

:func:`split_groups` cuts a message body into that shape and reports a trigger whose element 1
differs from its tag's digits (``edifact.mapping.group-number``, a warning). Which groups and
segments a message may hold is the mapping's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from medbridge.edifact.segment import Segment
from medbridge.findings import Finding, Location, Severity

__all__ = ["Group", "GroupedBody", "is_trigger", "location_of", "split_groups", "trigger"]

_TRIGGER = re.compile(r"S[0-9]{2}")


def is_trigger(tag: str) -> bool:
    """True for a group-trigger tag (``S01`` … ``S99``)."""
    return _TRIGGER.fullmatch(tag) is not None


def trigger(number: str, layout: str = "") -> Segment:
    """The trigger segment of group ``number`` (two digits): ``S14+14'``."""
    return Segment("S" + number, ((number,),), layout=layout)


def location_of(
    segment: Segment, element: int | None = None, component: int | None = None
) -> Location:
    """Where ``segment`` (and optionally one of its components) is in the interchange."""
    return Location(
        segment=segment.number or None,
        tag=segment.tag,
        element=element,
        component=component,
        offset=segment.offset if segment.number else None,
    )


@dataclass(slots=True)
class Group:
    """One group occurrence: its number (``"14"``), trigger segment and the segments after it."""

    number: str
    trigger: Segment
    segments: list[Segment] = field(default_factory=list)

    def tagged(self, tag: str) -> list[Segment]:
        """The group's segments with ``tag``, in order."""
        return [segment for segment in self.segments if segment.tag == tag]


@dataclass(slots=True)
class GroupedBody:
    """A message body: the message-level segments and the groups, in document order."""

    top: list[Segment]
    groups: list[Group]
    findings: list[Finding] = field(default_factory=list)


def split_groups(body: Sequence[Segment]) -> GroupedBody:
    """Cut the segments between UNH and UNT into message level and ``Snn`` groups."""
    top: list[Segment] = []
    groups: list[Group] = []
    findings: list[Finding] = []
    for segment in body:
        if is_trigger(segment.tag):
            number = segment.tag[1:]
            stated = segment.value(1)
            if stated != number or len(segment.elements) != 1 or len(segment.element(1)) != 1:
                findings.append(
                    Finding(
                        "edifact.mapping.group-number",
                        Severity.WARNING,
                        f"Group trigger {segment.tag} should hold exactly {number!r} in element "
                        f"1 ({segment.tag}+{number}'); it holds {stated[:10]!r}.",
                        location_of(segment, 1),
                    )
                )
            groups.append(Group(number, segment))
        elif groups:
            groups[-1].segments.append(segment)
        else:
            top.append(segment)
    return GroupedBody(top, groups, findings)
