"""The generic rule machinery: one :class:`Checker` per message run, with the checks every letter
kind uses — blank and truncated text, ``Date``/``Time``/DateTime values, coded values, and the
date-ordering helpers (after Sent, far in the future, after the authorisation, before the
admission).

The checks that run for (nearly) every element take the element path in pieces, ``*where`` (a
parent path and the element's relative path), and join them only when they add a finding: a
valid letter then builds none of these path strings. The XML element names themselves come from
the letter tables (:mod:`medbridge.letters.fields`); this module names none.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from medbridge.findings import Finding, Location, Severity
from medbridge.model.codes import EDIFACT_ONLY_CODES
from medbridge.model.common import Moment
from medbridge.model.message import Message
from medbridge.model.text import Break, FormattedText, Space
from medbridge.validation.identifiers import check_born_by

__all__ = ["Checker", "Point", "TextRows", "has_text", "quote"]

_XS_DATE = re.compile(r"(-?)([0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")

#: Values of fields an input can declare at most this long; such a value ending in ``*`` was
#: probably cut by the sending system (xml-messages.md §6.8).
_TRUNCATION_LENGTHS = frozenset({35, 70})
#: Recorded events may be at most this much later than the envelope's Sent (clock skew).
_SENT_SLACK = _dt.timedelta(days=1)
#: Planned dates (expected end of treatment, agreed discharge, conference) at most this far ahead.
_PLANNED_HORIZON = _dt.timedelta(days=366)

#: ``(model attribute, XML element name, may be empty)`` of the text fields of one struct, in the
#: order they are checked (see :func:`medbridge.letters.fields.text_rows`).
TextRows = tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class Point:
    """A checked moment: its date and, when known, its minute of the day (``00:00`` = unknown)."""

    date: _dt.date
    minute: int | None

    def later_than(self, other: Point, slack_days: int = 0) -> bool:
        """True when this moment is later than ``other`` plus ``slack_days``, comparing date and
        time when both have a known time and whole days otherwise.

        The plain reference is datetime arithmetic:
        ``datetime.combine(date, time()) + timedelta(minutes=minute)`` on both sides, compared
        with ``timedelta(days=slack_days)``; this does the same with whole minutes and days as
        integers (proleptic ordinals), without building two datetimes per call (this runs per
        event).
        """
        days = self.date.toordinal() - other.date.toordinal()
        if self.minute is not None and other.minute is not None:
            return days * 1440 + self.minute - other.minute > slack_days * 1440
        return days > slack_days


def has_text(text: FormattedText | None) -> bool:
    """True when the visible text holds more than whitespace.

    The plain reference is ``text is not None and bool(text.plain().strip())``; this gives the
    same answer without building the whole plain text (Break and Space only add whitespace; it
    stops at the first run with a visible character).
    """
    if text is None:
        return False
    stack: list[list[Any]] = [text.content]
    while stack:
        for item in stack.pop():
            if isinstance(item, str):
                if item.strip():
                    return True
            elif not isinstance(item, Break | Space):
                stack.append(item.content)
    return False


def quote(value: str) -> str:
    """A code value for a message: short, single line."""
    shown = value if len(value) <= 40 else value[:39] + "…"
    return repr(shown)


class Checker:
    """One run of the rules over one message; collects findings in document order."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.findings: list[Finding] = []
        self.sent: Point | None = None
        #: The letter's own date for identifier checks: its authorisation, else the Sent date.
        self.letter_date: tuple[_dt.date, str] | None = None

    def add(self, code: str, severity: Severity, message: str, path: str) -> None:
        self.findings.append(Finding(code, severity, message, Location(path=path)))

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    # -- values ----------------------------------------------------------------------------

    def text(self, value: str | None, *where: str, may_be_empty: bool = False) -> None:
        """Whitespace-only and probably-truncated values."""
        if value is None:
            return
        if not value.strip() and not (may_be_empty and value == ""):
            what = "empty" if value == "" else "only whitespace"
            self.add(
                "rule.value.blank",
                Severity.WARNING,
                f"The value is {what}; the schema accepts it, but a receiver sees nothing. Leave "
                "the element out if it is optional, or fill in the real value.",
                "/".join(where),
            )
        elif len(value) in _TRUNCATION_LENGTHS and value.endswith("*"):
            self.add(
                "rule.value.truncated",
                Severity.INFO,
                f"The value is {len(value)} characters long, the most the element allows, and "
                "ends in '*': it was probably cut short by the sending system.",
                "/".join(where),
            )

    def texts(self, owner: object, rows: TextRows, *where: str) -> None:
        """:meth:`text` on each of ``owner``'s text fields, in the order of ``rows`` (the plain
        reference: ``self.text(getattr(owner, attr), *where, name, may_be_empty=...)`` for each
        row)."""
        for attr, name, may_be_empty in rows:
            value = getattr(owner, attr)
            # the common case, a value with visible text that cannot be a truncation, inline
            if value is not None and not (value.strip() and len(value) not in _TRUNCATION_LENGTHS):
                self.text(value, *where, name, may_be_empty=may_be_empty)

    def coded(
        self,
        value: object,
        path: str,
        what: str,
        allowed: frozenset[str],
        *,
        municipality: bool,
    ) -> None:
        """A code from the version's list; EDIFACT-only values and unknown values reported."""
        if value is None:
            return
        text = str(value)
        if text in allowed:
            return
        if text in EDIFACT_ONLY_CODES and not municipality:
            self.add(
                "rule.code.edifact-only",
                Severity.WARNING,
                f"{what} {quote(text)} exists only in MedCom's EDIFACT tables; it is not valid "
                "in the XML letter and the XML writer refuses it.",
                path,
            )
        elif municipality:
            self.add(
                "rule.code.unseen",
                Severity.WARNING,
                f"{what} {quote(text)} has not been seen in municipality messages; the list is "
                "not fully known, so check it with the receiver.",
                path,
            )
        else:
            self.add(
                "rule.code.invalid",
                Severity.ERROR,
                f"{what} {quote(text)} is not in this letter version's code list.",
                path,
            )

    def born_by(self, cpr: str, where: Location) -> None:
        """A valid CPR must not be born after the letter's own date."""
        if self.letter_date is not None:
            self.extend(check_born_by(cpr, *self.letter_date, where))

    # -- dates and times -------------------------------------------------------------------

    def date(self, text: str, *where: str) -> _dt.date | None:
        """Check a ``Date`` element's text; the calendar date when usable for comparisons."""
        match = _XS_DATE.fullmatch(text)
        if match is None:
            self.add(
                "rule.date.invalid",
                Severity.ERROR,
                f"{quote(text)} is not a date in the form YYYY-MM-DD.",
                "/".join(where),
            )
            return None
        sign, year, month, day, zone = match.groups()
        if zone is not None:
            self.add(
                "rule.date.time-zone",
                Severity.ERROR,
                f"The date has the time-zone suffix {zone!r}; MedCom dates are Danish local "
                "dates written YYYY-MM-DD with no zone. Remove the suffix.",
                "/".join(where),
            )
        if sign or len(year) != 4 or year == "0000":
            self.add(
                "rule.date.year-range",
                Severity.ERROR,
                f"The year {quote(sign + year)} is outside 0001-9999; MedCom dates have a "
                "four-digit year.",
                "/".join(where),
            )
            return None
        try:
            return _dt.date(int(year), int(month), int(day))
        except ValueError:
            self.add(
                "rule.date.invalid",
                Severity.ERROR,
                f"{quote(text)} is not a real calendar date.",
                "/".join(where),
            )
            return None

    def time(self, text: str, *where: str) -> int | None:
        """Check a ``Time`` element's text (``hh:mm``); minute of the day, None when unknown."""
        match = _TIME.fullmatch(text)
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.add(
                "rule.time.invalid",
                Severity.ERROR,
                f"{quote(text)} is not a time hh:mm from 00:00 to 23:59 (seconds are not "
                "allowed in these letters).",
                "/".join(where),
            )
            return None
        minute = int(match.group(1)) * 60 + int(match.group(2))
        return None if minute == 0 else minute

    def moment(self, moment: Moment | None, *where: str) -> Point | None:
        """Check a DateTime element (``where`` is the element holding ``Date`` and ``Time``)."""
        if moment is None:
            return None
        return self.point(moment.date, moment.time, *where)

    def point(self, date: str | None, time: str | None, *where: str) -> Point | None:
        """Check a ``Date`` and an optional ``Time`` (children of ``where``) as one moment."""
        day = self.date(date, *where, "Date") if date is not None else None
        minute = self.time(time, *where, "Time") if time is not None else None
        return None if day is None else Point(day, minute)

    # -- date order ------------------------------------------------------------------------

    def recorded(self, point: Point | None, path: str, what: str) -> None:
        """A past event must not be later than the envelope's Sent (with a day's slack)."""
        if point is None or self.sent is None:
            return
        if point.later_than(self.sent, _SENT_SLACK.days):
            self.add(
                "rule.date.after-sent",
                Severity.WARNING,
                f"The {what} is more than a day after the envelope was sent "
                f"({self.sent.date.isoformat()}); check the date.",
                path,
            )

    def planned(self, point: Point | None, path: str, what: str) -> None:
        """A planned date must not be more than a year after the envelope's Sent."""
        if point is None or self.sent is None:
            return
        if point.date - self.sent.date > _PLANNED_HORIZON:
            self.add(
                "rule.date.far-future",
                Severity.WARNING,
                f"The {what} is more than a year after the envelope was sent "
                f"({self.sent.date.isoformat()}); check the year.",
                path,
            )

    def not_after_authorisation(
        self, point: Point | None, authorisation: Point | None, path: str, what: str
    ) -> None:
        """An event must not be later than the letter's authorisation."""
        message = f"The {what} is later than the letter's authorisation"
        self._in_order(authorisation, point, "rule.date.after-authorisation", message, path)

    def not_before_admission(
        self, point: Point | None, admission: Point | None, path: str, what: str
    ) -> None:
        """A later moment (discharge, a plan) must not be earlier than the admission."""
        message = f"The {what} is earlier than the admission"
        self._in_order(point, admission, "rule.date.before-admission", message, path)

    def _in_order(
        self, later: Point | None, earlier: Point | None, code: str, message: str, path: str
    ) -> None:
        """Warn with ``code`` when ``earlier`` is later than ``later`` (both known)."""
        if later is not None and earlier is not None and earlier.later_than(later):
            self.add(code, Severity.WARNING, f"{message}; one of them is wrong.", path)
