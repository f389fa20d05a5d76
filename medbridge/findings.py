"""Findings: what medbridge says about an input, and where.

This module owns the error model of ``safety-and-validation.md`` §4: :class:`Severity`,
:class:`Location`, :class:`Finding` and :class:`Report`, plus the health-data rules for what a
finding may quote (:func:`mask_identifiers`, :func:`make_excerpt`). Every layer reports through
these types; nothing here knows a message format.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

__all__ = [
    "MAX_FINDINGS",
    "Finding",
    "Location",
    "Report",
    "Severity",
    "make_excerpt",
    "mask_identifiers",
    "mask_standalone_identifiers",
]

#: At most this many findings per input; then one ``report.truncated`` info (§4.2).
MAX_FINDINGS = 100
#: Excerpts are at most this many characters (§4.3).
EXCERPT_LIMIT = 60


class Severity(enum.StrEnum):
    """How bad a finding is. Only ``error`` makes an input invalid."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding applies. Every field is optional; positions are 1-based except ``offset``.

    ``layers`` is set for input that arrived in transport envelopes (SBDH, VANS): the chain of
    layers decoded to reach the bytes the other fields point into (``SBDH BinaryContent > VANS
    Data``); ``file`` is still the outer file.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    segment: int | None = None
    tag: str | None = None
    element: int | None = None
    component: int | None = None
    offset: int | None = None
    layers: str | None = None

    def with_file(self, file: str | None) -> Location:
        return replace(self, file=file)

    def describe(self) -> str:
        """The location as people read it, without the file name."""
        parts: list[str] = []
        if self.segment is not None:
            seg = f"segment {self.segment}"
            if self.tag:
                seg += f" {self.tag}"
            parts.append(seg)
        elif self.tag:
            parts.append(f"segment {self.tag}")
        if self.element is not None:
            parts.append(f"element {self.element}")
        if self.component is not None:
            parts.append(f"component {self.component}")
        if self.offset is not None and self.segment is not None:
            parts.append(f"byte {self.offset}")
        text = ", ".join(parts)
        if self.line is not None and not parts:
            text = f"{self.line}:{self.column}" if self.column is not None else f"{self.line}"
        elif self.offset is not None and not parts:
            text = f"byte {self.offset}"
        if self.path:
            text = f"{text} [{self.path}]" if text else f"[{self.path}]"
        if self.layers:
            text = f"in {self.layers}: {text}" if text else f"in {self.layers}"
        return text

    def as_dict(self) -> dict[str, str | int]:
        """The set fields only, for JSON reports."""
        out: dict[str, str | int] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


_CPR_LIKE = re.compile(r"(?<![0-9])([0-9]{6})(-?)([0-9]{4}|[0-9][A-Za-z]{2}[0-9])(?![0-9])")


#: A CPR-shaped number that is a value of its own, not part of a longer word such as the letter
#: number ``HEN2501140002`` (which :func:`mask_identifiers` would cut into).
_CPR_ALONE = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})-?[0-9]{4}(?![0-9A-Za-z])")


def mask_standalone_identifiers(text: str) -> str:
    """Mask the CPR-shaped numbers that stand alone (``0101011234``, ``010101-1234``) as
    :func:`mask_identifiers` does, and leave identifiers that merely contain ten digits."""
    return _CPR_ALONE.sub(lambda m: m.group(1) + "****", text)


def mask_identifiers(text: str) -> str:
    """Mask every CPR- or eCPR-shaped value: keep the first six characters, then ``****``."""
    return _CPR_LIKE.sub(lambda m: m.group(1) + "****", text)


def make_excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """A short, single-line, masked excerpt: control characters escaped, cut with ``…``."""
    line = mask_identifiers(text.split("\n", 1)[0].split("\r", 1)[0])
    masked = "".join(
        ch if (ch >= " " and not "\x7f" <= ch <= "\x9f") else ch.encode("unicode_escape").decode()
        for ch in line
    )
    if len(masked) > limit:
        masked = masked[: limit - 1] + "…"
    return masked


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing medbridge found: a stable ``code``, a ``severity``, a sentence, and a location."""

    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    excerpt: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", mask_identifiers(self.message))
        if self.excerpt is not None:
            object.__setattr__(self, "excerpt", make_excerpt(self.excerpt))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_file(self, file: str | None) -> Finding:
        return replace(self, location=self.location.with_file(file))

    def format(self) -> str:
        """``file:line:col: severity code: message [path]`` (safety §4.1 text form)."""
        loc = self.location
        head = loc.file or ""
        if loc.layers:
            head = f"{head}: in {loc.layers}" if head else f"in {loc.layers}"
        if loc.segment is not None or (loc.offset is not None and loc.line is None):
            where = Location(
                segment=loc.segment,
                tag=loc.tag,
                element=loc.element,
                component=loc.component,
                offset=loc.offset,
            ).describe()
            head = f"{head}: {where}" if head else where
            tail = f" [{loc.path}]" if loc.path else ""
        else:
            if loc.line is not None:
                head += f"{': ' if loc.layers else ':'}{loc.line}"
                if loc.column is not None:
                    head += f":{loc.column}"
            tail = f" [{loc.path}]" if loc.path else ""
        prefix = f"{head}: " if head else ""
        return f"{prefix}{self.severity.value} {self.code}: {self.message}{tail}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.as_dict(),
        }
        if self.excerpt is not None:
            out["excerpt"] = self.excerpt
        return out


@dataclass(slots=True)
class Report:
    """The findings for one input, in the order they were found (deterministic).

    ``format``, ``kind`` and ``version`` say what the input was detected as, when known.
    """

    findings: list[Finding] = field(default_factory=list)
    format: str | None = None
    kind: str | None = None
    version: str | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def truncated(self, limit: int = MAX_FINDINGS) -> Report:
        """A copy holding at most ``limit`` findings plus one ``report.truncated`` info."""
        if len(self.findings) <= limit:
            return self
        kept = self.findings[:limit]
        dropped = len(self.findings) - limit
        kept.append(
            Finding(
                "report.truncated",
                Severity.INFO,
                f"{dropped} further findings were not reported; fix the ones above first.",
            )
        )
        return Report(kept, self.format, self.kind, self.version, self.encoding)
