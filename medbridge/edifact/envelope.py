"""EDIFACT envelope: the UNB header, UNH…UNT messages and the UNZ trailer, read and written.

This module owns ``safety-and-validation.md`` §2.4 and ``edifact-messages.md`` §3 at the syntax
level (no MedCom letter knowledge): :class:`InterchangeHeader` keeps every UNB field verbatim,
:class:`InterchangeReader` checks the envelope over any segment stream (counts, references, one
reference per message) and yields one message at a time as :class:`MessageSegments`
``(unh, body, unt)``, :func:`unb_full_date` applies the fixed
century pivot, and the ``write_*`` helpers build envelope segments whose counts and references are
computed from what is written, never copied.

Reading modes: by default the first envelope error raises
:class:`~medbridge.errors.EdifactInputError` before the affected message is yielded. With
``collect=True`` errors are appended to :attr:`InterchangeReader.findings` and reading goes on as
far as the structure allows (for ``validate``); an incomplete message is then not yielded.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from medbridge.edifact.charset import lookup_charset
from medbridge.edifact.segment import Segment
from medbridge.edifact.syntax import ServiceChars, Tokenizer
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.numbers import states_count

__all__ = [
    "Interchange",
    "InterchangeHeader",
    "InterchangeReader",
    "MessageSegments",
    "read_envelope",
    "unb_full_date",
    "write_envelope",
    "write_unb",
    "write_unh",
    "write_unt",
    "write_unz",
]

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    """UNB, field by field, verbatim. Optional trailing fields are ``None`` when absent and
    ``""`` when present but empty (E9 ``acknowledgement``: absent, ``""``, ``"0"``, ``"1"`` or
    whatever the sender wrote). ``date``/``time`` keep their digits (6 or 8 / 4)."""

    syntax_identifier: str
    syntax_version: str
    sender_id: str
    sender_qualifier: str = ""
    sender_routing: str = ""
    recipient_id: str = ""
    recipient_qualifier: str = ""
    recipient_routing: str = ""
    date: str = ""
    time: str = ""
    reference: str = ""
    recipient_password: tuple[str, ...] | None = None
    application_reference: str | None = None
    priority: str | None = None
    acknowledgement: str | None = None
    agreement: str | None = None
    test_indicator: str | None = None
    sender_extra: tuple[str, ...] = ()
    recipient_extra: tuple[str, ...] = ()
    syntax_extra: tuple[str, ...] = ()

    @classmethod
    def from_segment(cls, unb: Segment) -> InterchangeHeader:
        """The fields of a UNB segment (no checks; see :class:`InterchangeReader`)."""

        def opt(position: int) -> str | None:
            return unb.value(position) if len(unb.elements) >= position else None

        s001, s002, s003 = unb.element(1), unb.element(2), unb.element(3)
        return cls(
            syntax_identifier=unb.value(1, 1),
            syntax_version=unb.value(1, 2),
            syntax_extra=tuple(s001[2:]),
            sender_id=unb.value(2, 1),
            sender_qualifier=unb.value(2, 2),
            sender_routing=unb.value(2, 3),
            sender_extra=tuple(s002[3:]),
            recipient_id=unb.value(3, 1),
            recipient_qualifier=unb.value(3, 2),
            recipient_routing=unb.value(3, 3),
            recipient_extra=tuple(s003[3:]),
            date=unb.value(4, 1),
            time=unb.value(4, 2),
            reference=unb.value(5),
            recipient_password=unb.element(6) if len(unb.elements) >= 6 else None,
            application_reference=opt(7),
            priority=opt(8),
            acknowledgement=opt(9),
            agreement=opt(10),
            test_indicator=opt(11),
        )


class MessageSegments(NamedTuple):
    """One message: its UNH, the segments between, and its UNT."""

    unh: Segment
    body: list[Segment]
    unt: Segment


def _error(code: str, message: str, location: Location) -> Finding:
    return Finding(code, Severity.ERROR, message, location)


def _short(value: str) -> str:
    """``value`` cut to 20 characters for a message (counts and references may be huge)."""
    return value if len(value) <= 20 else value[:19] + "…"


def _where(segment: Segment, element: int | None = None, component: int | None = None) -> Location:
    return Location(
        segment=segment.number or None,
        tag=segment.tag,
        element=element,
        component=component,
        offset=segment.offset,
    )


def check_unb_syntax(header: InterchangeHeader, unb: Segment | None = None) -> Finding | None:
    """The first problem with UNB's syntax identifier, syntax version or date, or None."""
    where = unb or Segment("UNB")
    charset = lookup_charset(header.syntax_identifier)
    if charset is None:
        return _error(
            "edifact.charset.unsupported",
            f"Syntax identifier {header.syntax_identifier!r} is not supported.",
            _where(where, 1, 1),
        )
    if header.syntax_version not in ("1", "2", "3", "4"):
        return _error(
            "edifact.envelope.syntax-version",
            f"The syntax version {header.syntax_version!r} must be 1, 2, 3 or 4.",
            _where(where, 1, 2),
        )
    if int(header.syntax_version) < charset.min_version:
        return _error(
            "edifact.envelope.syntax-version",
            f"{header.syntax_identifier} needs syntax version {charset.min_version} or later.",
            _where(where, 1, 2),
        )
    return check_unb_date(header, unb)


def check_unb_date(header: InterchangeHeader, unb: Segment | None = None) -> Finding | None:
    """``edifact.envelope.unb-date`` unless S004 holds a real date and time of the right length:
    YYMMDD for syntax versions 1–3, CCYYMMDD for 4, HHMM."""
    where = unb or Segment("UNB")
    want = 8 if header.syntax_version == "4" else 6
    date, time = header.date, header.time
    shape = "CCYYMMDD" if want == 8 else "YYMMDD"
    if len(date) != want or _DIGITS.fullmatch(date) is None:
        return _error(
            "edifact.envelope.unb-date",
            f"The UNB date {date!r} must be {want} digits ({shape}) for syntax version "
            f"{header.syntax_version or '?'}.",
            _where(where, 4, 1),
        )
    if len(time) != 4 or _DIGITS.fullmatch(time) is None:
        return _error(
            "edifact.envelope.unb-date",
            f"The UNB time {time!r} must be 4 digits (HHMM).",
            _where(where, 4, 2),
        )
    try:
        _full_date(date)
    except ValueError:
        return _error(
            "edifact.envelope.unb-date",
            f"The UNB date {date!r} ({shape}) is not a real calendar date.",
            _where(where, 4, 1),
        )
    if int(time[:2]) > 23 or int(time[2:]) > 59:
        return _error(
            "edifact.envelope.unb-date",
            f"The UNB time {time!r} (HHMM) is not a real time of day.",
            _where(where, 4, 2),
        )
    return None


def _full_date(digits: str) -> datetime.date:
    if len(digits) == 8:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    yy = int(digits[:2])
    year = 2000 + yy if yy <= 69 else 1900 + yy
    return datetime.date(year, int(digits[2:4]), int(digits[4:6]))


def unb_full_date(header: InterchangeHeader) -> datetime.date:
    """The UNB date as a full date: CCYYMMDD as given, YYMMDD with the fixed pivot
    00–69 → 20YY, 70–99 → 19YY (never the clock). Raises ``edifact.envelope.unb-date``."""
    problem = check_unb_date(header)
    if problem is not None:
        raise EdifactInputError(problem.format(), [problem])
    return _full_date(header.date)


class InterchangeReader:
    """Check the envelope of a segment stream and yield its messages one at a time.

    Construction reads and checks UNB (``header``, ``unb``). :meth:`messages` yields each
    complete UNH…UNT message after checking UNH and UNT; once exhausted, ``unz`` is the trailer.
    """

    def __init__(self, segments: Iterable[Segment], *, collect: bool = False) -> None:
        self.findings: list[Finding] = []
        self._collect = collect
        self._iter = iter(segments)
        # Where the input ends, for the location of a missing UNZ (known for a Tokenizer).
        self._tokenizer = segments if isinstance(segments, Tokenizer) else None
        self._last_number = 0
        self.unz: Segment | None = None
        self._started = False
        first = self._next()
        if first is None:
            self._fatal(
                "edifact.envelope.no-interchange",
                "The input holds no segments; expected UNB … UNZ.",
                Location(),
            )
            raise AssertionError  # pragma: no cover - _raise(fatal=True) always raises
        if first.tag != "UNB":
            self._fatal(
                "edifact.envelope.unb-missing",
                f"The interchange must start with UNB (after an optional UNA), but the first "
                f"segment is {first.tag}.",
                _where(first),
            )
        self.unb: Segment = first
        self._last_number = first.number
        self.header: InterchangeHeader = InterchangeHeader.from_segment(first)
        self._check_unb()

    @property
    def ok(self) -> bool:
        """True when no error finding has been collected."""
        return not any(f.is_error for f in self.findings)

    def _next(self) -> Segment | None:
        try:
            return next(self._iter, None)
        except EdifactInputError as exc:
            raise EdifactInputError(str(exc), [*self.findings, *exc.findings]) from None

    def _raise(self, finding: Finding, *, fatal: bool = False) -> None:
        """Record ``finding``; raise unless collecting (always raise when ``fatal``)."""
        self.findings.append(finding)
        if fatal or not self._collect:
            raise EdifactInputError(finding.format(), list(self.findings))

    def _fatal(self, code: str, message: str, location: Location) -> None:
        """Record and raise an error that ends the reading even when collecting."""
        self._raise(_error(code, message, location), fatal=True)

    def _check_unb(self) -> None:
        header, unb = self.header, self.unb
        missing = [
            name
            for name, value in (
                ("syntax identifier (element 1.1)", header.syntax_identifier),
                ("syntax version (element 1.2)", header.syntax_version),
                ("sender (element 2.1)", header.sender_id),
                ("recipient (element 3.1)", header.recipient_id),
                ("date (element 4.1)", header.date),
                ("time (element 4.2)", header.time),
                ("interchange reference (element 5)", header.reference),
            )
            if not value
        ]
        if missing:
            self._fatal(
                "edifact.envelope.unb-incomplete",
                f"UNB lacks its {', '.join(missing)}.",
                _where(unb),
            )
        problem = check_unb_syntax(header, unb)
        if problem is not None:
            self._raise(problem, fatal=problem.code != "edifact.envelope.unb-date")

    def messages(self) -> Iterator[MessageSegments]:
        """Yield each message in order; check UNT and UNZ counts and references."""
        if self._started:
            raise RuntimeError("messages() can be iterated only once")
        self._started = True
        open_unh: Segment | None = None
        body: list[Segment] = []
        message_count = 0
        # Message reference (0062) → segment number of the first UNH using it.
        references: dict[str, int] = {}
        while True:
            segment = self._next()
            if segment is None:
                break
            tag = segment.tag
            self._last_number = segment.number
            if self.unz is not None or tag in ("UNG", "UNE"):
                self._unexpected(segment)
            if tag == "UNH":
                self._check_unh(segment, references, open_unh)
                message_count += 1
                open_unh, body = segment, []
            elif tag == "UNT":
                if open_unh is None:
                    self._orphan(segment)
                    continue
                if self._check_unt(open_unh, body, segment):
                    yield MessageSegments(open_unh, body, segment)
                open_unh, body = None, []
            elif tag == "UNZ":
                self._close(segment, open_unh, message_count)
                open_unh, body = None, []
            elif open_unh is not None:
                body.append(segment)
            else:
                self._orphan(segment)
        if self.unz is None:
            self._unz_missing(open_unh)

    def _unexpected(self, segment: Segment) -> None:
        """Fatal: a segment after UNZ, or a functional group (UNG, UNE)."""
        tag = segment.tag
        if self.unz is not None:
            self._fatal(
                "edifact.envelope.trailing-data",
                f"Segment {tag} follows UNZ; nothing but layout may follow the end of "
                "the interchange.",
                _where(segment),
            )
        self._fatal(
            "edifact.envelope.unsupported-group",
            f"Functional groups ({tag}) are not supported; send the messages "
            "directly between UNB and UNZ.",
            _where(segment),
        )

    def _close(self, unz: Segment, open_unh: Segment | None, message_count: int) -> None:
        """UNZ: the message still open lacks its UNT; check the counts and reference."""
        if open_unh is not None:
            self._unt_missing(open_unh, unz)
        self.unz = unz
        self._check_unz(unz, message_count)

    def _unz_missing(self, open_unh: Segment | None) -> None:
        """The input ended without UNZ (and maybe inside a message)."""
        if open_unh is not None:
            self._unt_missing(open_unh, None)
        self._raise(
            _error(
                "edifact.envelope.unz-missing",
                "The interchange has no UNZ trailer (truncated file?); medbridge never "
                "invents one.",
                Location(
                    segment=self._last_number + 1,
                    tag="UNZ",
                    offset=None if self._tokenizer is None else self._tokenizer.bytes_seen,
                ),
            )
        )

    def _orphan(self, segment: Segment) -> None:
        self._raise(
            _error(
                "edifact.envelope.orphan-segment",
                f"Segment {segment.tag} is outside any UNH … UNT message; every segment between "
                "UNB and UNZ must belong to one message.",
                _where(segment),
            )
        )

    def _unt_missing(self, unh: Segment, at: Segment | None) -> None:
        found = f"{at.tag} (segment {at.number})" if at is not None else "the end of the input"
        self._raise(
            _error(
                "edifact.envelope.unt-missing",
                f"Message {_short(unh.value(1))!r} (UNH at segment {unh.number}) has no UNT before "
                f"{found}.",
                _where(unh),
            )
        )

    def _check_unh(
        self, unh: Segment, references: dict[str, int], open_unh: Segment | None
    ) -> None:
        if open_unh is not None:
            self._unt_missing(open_unh, unh)
        reference = unh.value(1)
        first = references.get(reference) if reference else None
        if reference and first is None:
            references[reference] = unh.number
        elif first is not None:
            self._raise(
                _error(
                    "edifact.envelope.duplicate-reference",
                    f"Message reference {_short(reference)!r} was already used by the UNH at "
                    f"segment {first}; every message of an interchange needs its own reference "
                    "(ISO 9735 0062; receipts name the message by it).",
                    _where(unh, 1),
                )
            )
        names = ("message type", "version", "release", "controlling agency", "association code")
        missing = [] if reference else ["message reference (element 1)"]
        missing += [
            f"{name} (element 2.{i})"
            for i, name in enumerate(names, start=1)
            if not unh.value(2, i)
        ]
        if missing:
            self._raise(
                _error(
                    "edifact.envelope.unh-incomplete",
                    f"UNH lacks its {', '.join(missing)}.",
                    _where(unh),
                )
            )

    def _check_unt(self, unh: Segment, body: list[Segment], unt: Segment) -> bool:
        ok = True
        actual = len(body) + 2
        stated = unt.value(1)
        if not states_count(stated, actual):
            ok = False
            self._raise(
                _error(
                    "edifact.envelope.unt-count",
                    f"UNT says {_short(stated) or 'nothing'} segments, the message has {actual} "
                    "(UNH to UNT, both included).",
                    _where(unt, 1),
                )
            )
        if unt.value(2) != unh.value(1):
            ok = False
            self._raise(
                _error(
                    "edifact.envelope.unt-reference",
                    f"UNT reference {_short(unt.value(2))!r} differs from the UNH reference "
                    f"{_short(unh.value(1))!r} (segment {unh.number}).",
                    _where(unt, 2),
                )
            )
        return ok

    def _check_unz(self, unz: Segment, message_count: int) -> None:
        stated = unz.value(1)
        if not states_count(stated, message_count):
            self._raise(
                _error(
                    "edifact.envelope.unz-count",
                    f"UNZ says {_short(stated) or 'nothing'} messages, the interchange has "
                    f"{message_count}.",
                    _where(unz, 1),
                )
            )
        if unz.value(2) != self.header.reference:
            self._raise(
                _error(
                    "edifact.envelope.unz-reference",
                    f"UNZ reference {_short(unz.value(2))!r} differs from the UNB reference "
                    f"{_short(self.header.reference)!r}.",
                    _where(unz, 2),
                )
            )


@dataclass(slots=True)
class Interchange:
    """A whole interchange read into memory (see :func:`read_envelope`)."""

    header: InterchangeHeader
    unb: Segment
    messages: list[MessageSegments]
    unz: Segment | None
    chars: ServiceChars
    una: str | None
    una_layout: str
    findings: list[Finding] = field(default_factory=list)


def read_envelope(
    data: bytes | bytearray | memoryview,
    *,
    limits: Limits = DEFAULT_LIMITS,
    collect: bool = False,
) -> Interchange:
    """Tokenize ``data`` and check its envelope; every message in memory. Findings include the
    tokenizer's infos and warnings. Raises :class:`~medbridge.errors.EdifactInputError` on the
    first error (on syntax errors even with ``collect=True``)."""
    tokenizer = Tokenizer(data, limits=limits)
    try:
        reader = InterchangeReader(tokenizer, collect=collect)
        messages = list(reader.messages())
    except EdifactInputError as exc:
        known = set(map(id, exc.findings))
        extra = [f for f in tokenizer.findings if id(f) not in known]
        raise EdifactInputError(str(exc), [*extra, *exc.findings]) from None
    return Interchange(
        header=reader.header,
        unb=reader.unb,
        messages=messages,
        unz=reader.unz,
        chars=tokenizer.chars,
        una=tokenizer.una,
        una_layout=tokenizer.una_layout,
        findings=[*tokenizer.findings, *reader.findings],
    )


# -- writing ------------------------------------------------------------------------------


def write_unb(header: InterchangeHeader, *, layout: str = "") -> Segment:
    """UNB from the header fields, verbatim. E6–E8 are written empty when a later field is
    present, so that E9 lands in position 9 (trailing empties are dropped by the writer)."""
    optional: list[tuple[str, ...] | None] = [
        header.recipient_password,
        None if header.application_reference is None else (header.application_reference,),
        None if header.priority is None else (header.priority,),
        None if header.acknowledgement is None else (header.acknowledgement,),
        None if header.agreement is None else (header.agreement,),
        None if header.test_indicator is None else (header.test_indicator,),
    ]
    while optional and optional[-1] is None:
        optional.pop()
    elements: list[tuple[str, ...]] = [
        (header.syntax_identifier, header.syntax_version, *header.syntax_extra),
        (header.sender_id, header.sender_qualifier, header.sender_routing, *header.sender_extra),
        (
            header.recipient_id,
            header.recipient_qualifier,
            header.recipient_routing,
            *header.recipient_extra,
        ),
        (header.date, header.time),
        (header.reference,),
    ]
    elements += [("",) if value is None else value for value in optional]
    return Segment("UNB", tuple(elements), layout=layout)


def write_unh(
    reference: str,
    message_type: Sequence[str],
    common_access_reference: str | None = None,
    *,
    layout: str = "",
) -> Segment:
    """UNH: ``reference`` (0062), the S009 components (type, version, release, agency,
    association code) and, if given, E3 (MedCom puts the letter type there)."""
    elements: list[tuple[str, ...]] = [(reference,), tuple(message_type)]
    if common_access_reference is not None:
        elements.append((common_access_reference,))
    return Segment("UNH", tuple(elements), layout=layout)


def write_unt(unh: Segment, body: Sequence[Segment], *, layout: str = "") -> Segment:
    """UNT counting UNH, ``body`` and UNT itself, with UNH's reference."""
    return Segment("UNT", ((str(len(body) + 2),), (unh.value(1),)), layout=layout)


def write_unz(header: InterchangeHeader, message_count: int, *, layout: str = "") -> Segment:
    """UNZ with the number of messages written and UNB's reference."""
    return Segment("UNZ", ((str(message_count),), (header.reference,)), layout=layout)


def write_envelope(
    header: InterchangeHeader,
    messages: Iterable[tuple[Segment, Sequence[Segment]]],
    *,
    unb_layout: str = "",
    unt_layout: str = "",
    unz_layout: str = "",
) -> Iterator[Segment]:
    """UNB, then each ``(unh, body)`` followed by a computed UNT, then a computed UNZ."""
    yield write_unb(header, layout=unb_layout)
    count = 0
    for unh, body in messages:
        count += 1
        yield unh
        yield from body
        yield write_unt(unh, body, layout=unt_layout)
    yield write_unz(header, count, layout=unz_layout)
