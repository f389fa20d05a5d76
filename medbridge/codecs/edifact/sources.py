"""Where the values of a message read from EDIFACT came from: the source map.

While the EDIFACT reader fills model fields it records, for each value, the segment, element and
component it was read from, under the model path the semantic rules and the writer's loss
findings use (``/Sender/EANIdentifier``, ``/Patient/CivilRegistrationNumber``,
``/Relative[2]/PersonIdentifier``). A letter's paths are relative to its letter element; the
envelope's (``/Envelope/Sent/Date``) are relative to ``/Emessage``. ``X[1]`` and ``X`` name the
same element (the rules leave out ``[1]`` when an element occurs once, the writer always writes
it), so paths are stored and looked up without ``[1]``.

:meth:`InterchangeSources.locate` gives findings that carry only a model path (``rule.*``,
``id.*``) the EDIFACT position of that path: segment number, tag, element, component and the
segment's byte offset, like every other EDIFACT finding. A path with no recorded source takes the
segment of its nearest recorded ancestor, without element or component (never a guess).

The source map lives beside the model, never in it: it takes no part in model equality, JSON or
``wire`` provenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from medbridge.edifact.groups import location_of
from medbridge.edifact.segment import Segment
from medbridge.findings import Finding, Location

__all__ = ["WHOLE_SEGMENT", "Fields", "InterchangeSources", "SourceMap", "canonical_path"]

_FIRST = re.compile(r"\[1\](?=/|$)")
_EMESSAGE = "/Emessage"


def canonical_path(path: str) -> str:
    """``path`` with every ``[1]`` step index left out: ``/Relative[1]/X`` → ``/Relative/X``."""
    return _FIRST.sub("", path) if "[1]" in path else path


#: What the components of one segment hold, for the source map: ``(path suffix, element,
#: component)`` rows; suffix ``""`` is the recorded path itself, element ``None`` the whole segment.
Fields = tuple[tuple[str, int | None, int | None], ...]
#: The recorded path is the whole segment (a party, a diagnosis, a reference).
WHOLE_SEGMENT: Fields = (("", None, None),)


class SourceMap:
    """Model path → (segment, element, component) for one letter, or for the envelope.

    Recording is one list append per segment (reading must not slow down): the rows of a
    :data:`Fields` table are joined to their path only when a path is first looked up.
    """

    __slots__ = ("_index", "_indexed", "_recorded")

    def __init__(self) -> None:
        self._recorded: list[tuple[str, Segment, Fields]] = []
        self._index: dict[str, tuple[Segment, int | None, int | None]] = {}
        self._indexed = 0  # how many records _index holds

    def __len__(self) -> int:
        return len(self._built())

    def record(self, path: str, segment: Segment, fields: Fields = WHOLE_SEGMENT) -> None:
        """The values at ``path`` + each suffix of ``fields`` were read from ``segment``."""
        self._recorded.append((path, segment, fields))

    def record_value(self, path: str, segment: Segment, element: int, component: int) -> None:
        """The value at ``path`` was read from one component of ``segment``."""
        self._recorded.append((path, segment, (("", element, component),)))

    def _built(self) -> dict[str, tuple[Segment, int | None, int | None]]:
        index = self._index
        for path, segment, fields in self._recorded[self._indexed :]:
            for suffix, element, component in fields:
                index[canonical_path(path + suffix)] = (segment, element, component)
        self._indexed = len(self._recorded)
        return index

    def find(self, path: str) -> Location | None:
        """Where ``path`` came from: its own source, else the segment of the nearest recorded
        ancestor (no element or component), else None."""
        index = self._built()
        key = canonical_path(path)
        hit = index.get(key)
        if hit is not None:
            return location_of(*hit)
        while key:
            key = key.rpartition("/")[0]
            hit = index.get(key)
            if hit is not None:
                return location_of(hit[0])
        return None


@dataclass(slots=True)
class InterchangeSources:
    """The source maps of one interchange read: the envelope's, and one per letter in reading
    order with the name of its letter element (``DischargeLetter``, ``HospitalReferral``)."""

    envelope: SourceMap = field(default_factory=SourceMap)
    letters: list[tuple[str, SourceMap]] = field(default_factory=list)

    def locate(self, findings: Iterable[Finding]) -> list[Finding]:
        """``findings`` with the EDIFACT position added to each one that has a model path and
        no segment yet; the path is kept. Findings whose path has no source stay as they are."""
        bases: dict[str, SourceMap] = {}
        counts: dict[str, int] = {}
        for name, sources in self.letters:
            counts[name] = counts.get(name, 0) + 1
            bases[canonical_path(f"{_EMESSAGE}/{name}[{counts[name]}]")] = sources
        out: list[Finding] = []
        for finding in findings:
            where = finding.location
            found = None
            if where.path and where.segment is None:
                found = self._find(where.path, bases)
            if found is None:
                out.append(finding)
                continue
            located = replace(
                where,
                segment=found.segment,
                tag=found.tag,
                element=found.element,
                component=found.component,
                offset=found.offset,
            )
            out.append(replace(finding, location=located))
        return out

    def _find(self, path: str, bases: dict[str, SourceMap]) -> Location | None:
        """The source of an absolute path (``/Emessage/<letter>[n]/…`` or
        ``/Emessage/Envelope/…``)."""
        prefix = _EMESSAGE + "/"
        if not path.startswith(prefix):
            return None
        step, _, rest = canonical_path(path)[len(prefix) :].partition("/")
        tail = "/" + rest if rest else ""
        if step == "Envelope":
            return self.envelope.find("/Envelope" + tail)
        sources = bases.get(f"{_EMESSAGE}/{step}")
        return sources.find(tail) if sources is not None else None
