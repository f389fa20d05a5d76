"""Semantic rules over the normalized model: what the schema cannot see.

:func:`check_message` walks a :class:`~medbridge.model.Message` and returns findings with stable
``rule.*`` codes (listed with their meaning in ``docs/findings.md``), plus the ``id.*`` findings of
:mod:`medbridge.validation.identifiers` wherever an identifier appears. Every location is the
**XML** element path of the letter version (``/Emessage/DischargeLetter/Patient/…``, ``[n]`` for
repeated letters and elements), whatever format the message came from; the API layer adds line
numbers or EDIFACT positions.

Rule groups:

* identifiers by their carrier: party ``Identifier`` by ``IdentifierCode``, ``EANIdentifier`` as a
  GLN, the patient's CPR or replacement CPR (eCPR), a relative's 10-digit ``PersonIdentifier``;
  a valid CPR must not be born after the letter's own date (its authorisation, else ``Sent``);
* dates: real ``YYYY-MM-DD`` dates and ``hh:mm`` times, no time-zone suffix, years 0001–9999;
  order (admission ≤ discharge ≤ authorisation, events no later than authorisation); nothing
  recorded after the envelope's ``Sent`` (plus a day), nothing planned more than a year after it.
  The envelope date is the only "now": rules never read the clock, so results are deterministic.
  A time of ``00:00`` is read as "time unknown" and compared by date only;
* values: whitespace-only text (``xs:string`` lets it pass), a 35- or 70-character value ending
  in ``*`` (probably truncated by the sender), ``StatisticalCode`` ≠ ``TypeCode``, the XDIS21
  episode id shape, a binary reference size;
* code lists: values outside the letter version's list (error in the 2005 letters, warning in the
  municipality letter, whose lists are only partly known), and the EDIFACT-only values
  ``paediatri_sygehus`` and ``grundmorbus`` (not valid in XML);
* required clinical content per letter kind;
* letters of one message: each with its own ``Letter/Identifier``;
* the envelope: EDIFACT UNB sender and recipient, when the EDIFACT reader recorded them in
  ``message.wire["edifact.unb.sender"]`` / ``["edifact.unb.recipient"]`` (a GLN string, or a
  sequence whose first item is the GLN), must equal each letter's Sender/Receiver EAN.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from medbridge.findings import Finding, Location, Severity
from medbridge.model.codes import (
    DiagnosisKind,
    IdentifierCode,
    MedicalSpeciality,
    RelationCode,
    TelephoneCode,
    TelephoneKind,
)
from medbridge.model.common import (
    Diagnosis,
    Moment,
    Party,
    PartyId,
    Patient,
    Reference,
    Referral,
    Relative,
    Telephone,
)
from medbridge.model.epikrise import DischargeLetter
from medbridge.model.henvisning import HospitalReferral
from medbridge.model.message import Letter, Message
from medbridge.model.plejeforloebsplan import CarePlan, Terminology
from medbridge.model.text import Break, FormattedText, Space
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL
from medbridge.validation.identifiers import (
    check_born_by,
    check_cpr,
    check_gln,
    check_party_identifier,
    check_patient_identifier,
)

__all__ = ["UNB_RECIPIENT_KEY", "UNB_SENDER_KEY", "check_message"]

#: ``message.wire`` key under which the EDIFACT reader records the UNB sender (S002) GLN.
UNB_SENDER_KEY = "edifact.unb.sender"
#: ``message.wire`` key under which the EDIFACT reader records the UNB recipient (S003) GLN.
UNB_RECIPIENT_KEY = "edifact.unb.recipient"

_XS_DATE = re.compile(r"(-?)([0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_CPR_SHAPE = re.compile(r"[0-9]{10}")
_EPISODE_ID = re.compile(r"[0-9A-Fa-f]{32}")
_FUNCTION_CODE = re.compile(r"FA[0-9]{3}")
_NURSING_CODE = re.compile(r"[A-K]-[0-9]{5}")

#: Values of fields an input can declare at most this long; such a value ending in ``*`` was
#: probably cut by the sending system (xml-messages.md §6.8).
_TRUNCATION_LENGTHS = frozenset({35, 70})
#: Recorded events may be at most this much later than the envelope's Sent (clock skew).
_SENT_SLACK = _dt.timedelta(days=1)
#: Planned dates (expected end of treatment, agreed discharge, conference) at most this far ahead.
_PLANNED_HORIZON = _dt.timedelta(days=366)

_LETTER_ELEMENT: dict[type, str] = {
    DischargeLetter: "DischargeLetter",
    HospitalReferral: "HospitalReferral",
    CarePlan: "ProgressOfCarePlan",
}

_IDENTIFIER_CODES = frozenset(c.value for c in IdentifierCode)
_EDIFACT_ONLY = frozenset(
    {MedicalSpeciality.PAEDIATRI_SYGEHUS.value, DiagnosisKind.GRUNDMORBUS.value}
)
_SPECIALITIES_2005 = frozenset(
    c.value for c in MedicalSpeciality if c is not MedicalSpeciality.PAEDIATRI_SYGEHUS
)
_SPECIALITIES_ALL = frozenset(c.value for c in MedicalSpeciality)
_RELATIONS_2005 = frozenset(c.value for c in RelationCode if c is not RelationCode.SPOUSE)
#: XDIS21 values seen in real traffic or assumed by xml-messages.md §5.13 and §5.17.
_RELATIONS_SEEN_XDIS21 = frozenset({RelationCode.SPOUSE.value})
_TELEPHONE_KINDS = frozenset(c.value for c in TelephoneKind)
_TELEPHONE_CODES = frozenset(c.value for c in TelephoneCode)
_DISCHARGE_DATE_CODES = frozenset({"forslag"})
_FUNCTION_SCORES = frozenset({"ingen", "lette", "moderate", "svaere", "totale"})
_DIAGNOSIS_KINDS_2005 = frozenset(
    c.value for c in DiagnosisKind if c is not DiagnosisKind.GRUNDMORBUS
)


def check_message(message: Message) -> list[Finding]:
    """All semantic-rule and identifier findings for ``message``, in document order."""
    checker = _Checker(message)
    checker.run()
    return checker.findings


@dataclass(frozen=True, slots=True)
class _Point:
    """A checked moment: its date and, when known, its minute of the day (``00:00`` = unknown)."""

    date: _dt.date
    minute: int | None

    def later_than(self, other: _Point, slack_days: int = 0) -> bool:
        """True when this moment is later than ``other`` plus ``slack_days``, comparing date and
        time when both have a known time and whole days otherwise."""
        # Whole minutes and days as integers (proleptic ordinals): the same comparison as with
        # datetime objects, without building two datetimes per call (this runs per event).
        days = self.date.toordinal() - other.date.toordinal()
        if self.minute is not None and other.minute is not None:
            return days * 1440 + self.minute - other.minute > slack_days * 1440
        return days > slack_days


def _index(name: str, i: int, count: int) -> str:
    return name if count == 1 else f"{name}[{i + 1}]"


def _quote(value: str) -> str:
    """A code value for a message: short, single line."""
    shown = value if len(value) <= 40 else value[:39] + "…"
    return repr(shown)


class _Checker:
    """One run of the rules over one message; collects findings in document order."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.findings: list[Finding] = []
        self.sent: _Point | None = None
        #: The letter's own date for identifier checks: its authorisation, else the Sent date.
        self.letter_date: tuple[_dt.date, str] | None = None

    # -- helpers ---------------------------------------------------------------------------

    def add(self, code: str, severity: Severity, message: str, path: str) -> None:
        self.findings.append(Finding(code, severity, message, Location(path=path)))

    # The checks below that run for (nearly) every element take the element path in pieces,
    # ``*where`` (a parent path and the element's relative path), and join them only when they
    # add a finding: a valid letter then builds none of these path strings.

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

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

    def date(self, text: str, *where: str) -> _dt.date | None:
        """Check a ``Date`` element's text; the calendar date when usable for comparisons."""
        match = _XS_DATE.fullmatch(text)
        if match is None:
            self.add(
                "rule.date.invalid",
                Severity.ERROR,
                f"{_quote(text)} is not a date in the form YYYY-MM-DD.",
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
                f"The year {_quote(sign + year)} is outside 0001-9999; MedCom dates have a "
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
                f"{_quote(text)} is not a real calendar date.",
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
                f"{_quote(text)} is not a time hh:mm from 00:00 to 23:59 (seconds are not "
                "allowed in these letters).",
                "/".join(where),
            )
            return None
        minute = int(match.group(1)) * 60 + int(match.group(2))
        return None if minute == 0 else minute

    def moment(self, moment: Moment | None, *where: str) -> _Point | None:
        """Check a DateTime element (``where`` is the element holding ``Date`` and ``Time``)."""
        if moment is None:
            return None
        day = self.date(moment.date, *where, "Date")
        minute = self.time(moment.time, *where, "Time") if moment.time is not None else None
        return None if day is None else _Point(day, minute)

    def recorded(self, point: _Point | None, path: str, what: str) -> None:
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

    def born_by(self, cpr: str, where: Location) -> None:
        """A valid CPR must not be born after the letter's own date."""
        if self.letter_date is not None:
            self.extend(check_born_by(cpr, *self.letter_date, where))

    def planned(self, point: _Point | None, path: str, what: str) -> None:
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
        self, point: _Point | None, authorisation: _Point | None, path: str, what: str
    ) -> None:
        if point is None or authorisation is None:
            return
        if point.later_than(authorisation):
            self.add(
                "rule.date.after-authorisation",
                Severity.WARNING,
                f"The {what} is later than the letter's authorisation; one of them is wrong.",
                path,
            )

    def not_before_admission(
        self, point: _Point | None, admission: _Point | None, path: str, what: str
    ) -> None:
        if point is None or admission is None:
            return
        if admission.later_than(point):
            self.add(
                "rule.date.before-admission",
                Severity.WARNING,
                f"The {what} is earlier than the admission; one of them is wrong.",
                path,
            )

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
        if text in _EDIFACT_ONLY and not municipality:
            self.add(
                "rule.code.edifact-only",
                Severity.WARNING,
                f"{what} {_quote(text)} exists only in MedCom's EDIFACT tables; it is not valid "
                "in the XML letter and the XML writer refuses it.",
                path,
            )
        elif municipality:
            self.add(
                "rule.code.unseen",
                Severity.WARNING,
                f"{what} {_quote(text)} has not been seen in municipality messages; the list is "
                "not fully known, so check it with the receiver.",
                path,
            )
        else:
            self.add(
                "rule.code.invalid",
                Severity.ERROR,
                f"{what} {_quote(text)} is not in this letter version's code list.",
                path,
            )

    # -- message ---------------------------------------------------------------------------

    def run(self) -> None:
        envelope = self.message.envelope
        self.sent = self.moment(envelope.sent, "/Emessage/Envelope/Sent")
        self.text(envelope.identifier, "/Emessage/Envelope/Identifier")
        letters = self.message.letters
        if not letters:
            self.add(
                "rule.message.no-letters",
                Severity.ERROR,
                "The message has an envelope but no letter.",
                "/Emessage",
            )
            return
        names = [_LETTER_ELEMENT[type(letter)] for letter in letters]
        counts = Counter(names)  # once: counting per letter made an interchange quadratic
        seen: dict[str, int] = {}
        identifiers: dict[str, str] = {}  # Letter/Identifier → path of the first letter with it
        for letter, name in zip(letters, names, strict=True):
            i = seen.get(name, 0)
            seen[name] = i + 1
            base = f"/Emessage/{_index(name, i, counts[name])}"
            self.letter(letter, base)
            self.envelope_parties(letter, base)
            identifier = letter.header.identifier
            if identifier.strip():
                first = identifiers.setdefault(identifier, base)
                if first != base:
                    self.add(
                        "rule.letter.duplicate-identifier",
                        Severity.ERROR,
                        f"Letter/Identifier {_quote(identifier)} is already the identifier of "
                        f"{first}; each letter needs its own (receipts name a letter by it).",
                        f"{base}/Letter/Identifier",
                    )

    def envelope_parties(self, letter: Letter, base: str) -> None:
        wire = self.message.wire
        for key, party, element, role, code in (
            (UNB_SENDER_KEY, letter.sender, "Sender", "sender", "rule.envelope.sender-mismatch"),
            (
                UNB_RECIPIENT_KEY,
                letter.receiver,
                "Receiver",
                "recipient",
                "rule.envelope.recipient-mismatch",
            ),
        ):
            unb = _wire_gln(wire.get(key))
            if unb is None:
                continue
            if party.ean != unb:
                ean = "none" if party.ean is None else party.ean
                self.add(
                    code,
                    Severity.ERROR,
                    f"The interchange (UNB) {role} is {unb}, but the letter's {element} "
                    f"EANIdentifier is {ean}; they must be the same GLN.",
                    f"{base}/{element}/EANIdentifier",
                )

    def letter(self, letter: Letter, base: str) -> None:
        municipality = isinstance(letter, CarePlan)
        header = letter.header
        self.text(header.identifier, base, "Letter/Identifier")
        self.text(header.statistical_code, base, "Letter/StatisticalCode")
        if header.statistical_code.strip() and header.statistical_code != letter.type_code:
            self.add(
                "rule.letter.statistical-code",
                Severity.INFO,
                f"StatisticalCode {_quote(header.statistical_code)} differs from the TypeCode "
                f"{letter.type_code}; MedCom's examples always repeat the TypeCode.",
                f"{base}/Letter/StatisticalCode",
            )
        authorisation = self.moment(header.authorisation, base, "Letter/Authorisation")
        self.recorded(authorisation, f"{base}/Letter/Authorisation", "letter's authorisation")
        if authorisation is not None:
            self.letter_date = (authorisation.date, "authorisation")
        elif self.sent is not None:
            self.letter_date = (self.sent.date, "envelope's Sent date")
        else:
            self.letter_date = None
        episode = header.episode_of_care_id
        self.text(episode, base, "Letter/EpisodeOfCareIdentifier")
        if (
            municipality
            and episode is not None
            and episode.strip()
            and not _EPISODE_ID.fullmatch(episode)
        ):
            self.add(
                "rule.letter.episode-id",
                Severity.INFO,
                "The EpisodeOfCareIdentifier is not 32 hexadecimal digits (a UUID without "
                "hyphens), the shape municipality messages use.",
                f"{base}/Letter/EpisodeOfCareIdentifier",
            )
        self.party(letter.sender, f"{base}/Sender", municipality=municipality, has_ean=True)
        self.party(letter.receiver, f"{base}/Receiver", municipality=municipality, has_ean=True)
        self.patient(letter.patient, f"{base}/Patient", letter)
        if isinstance(letter, DischargeLetter):
            self.discharge_letter(letter, base, authorisation)
        elif isinstance(letter, HospitalReferral):
            self.referral_letter(letter, base)
        else:
            self.care_plan(letter, base, authorisation)

    # -- parties and people ----------------------------------------------------------------

    def party_id(self, party_id: PartyId, path: str, *, municipality: bool) -> None:
        self.extend(check_party_identifier(party_id.value, party_id.code, Location(path=path)))
        self.coded(
            party_id.code,
            path.rpartition("/")[0] + "/IdentifierCode",
            "IdentifierCode",
            _IDENTIFIER_CODES,
            municipality=municipality,
        )

    def loose_id(
        self, value: str | None, code: IdentifierCode | str | None, path: str, municipality: bool
    ) -> None:
        """An optional Identifier + optional IdentifierCode pair (Referrer, SignedBy)."""
        if value is not None:
            self.extend(check_party_identifier(value, code, Location(path=f"{path}/Identifier")))
        self.coded(
            code,
            f"{path}/IdentifierCode",
            "IdentifierCode",
            _IDENTIFIER_CODES,
            municipality=municipality,
        )

    def party(self, party: Party, path: str, *, municipality: bool, has_ean: bool) -> None:
        if has_ean:
            if party.ean is None:
                self.add(
                    "rule.party.missing-ean",
                    Severity.ERROR,
                    "The party has no EANIdentifier (GLN); senders and receivers are addressed "
                    "by it.",
                    f"{path}/EANIdentifier",
                )
            else:
                self.extend(check_gln(party.ean, Location(path=f"{path}/EANIdentifier")))
        self.party_id(party.identifier, f"{path}/Identifier", municipality=municipality)
        for name, value in (
            ("OrganisationName", party.organisation),
            ("DepartmentName", party.department),
            ("UnitName", party.unit),
            ("StreetName", party.street),
            ("SuburbName", party.suburb),
            ("DistrictName", party.district),
        ):
            self.text(value, path, name)
        self.text(party.postcode, path, "PostCodeIdentifier", may_be_empty=True)
        self.text(party.telephone, path, "TelephoneSubscriberIdentifier")
        self.coded(
            party.speciality,
            f"{path}/MedicalSpecialityCode",
            "MedicalSpecialityCode",
            _SPECIALITIES_ALL if municipality else _SPECIALITIES_2005,
            municipality=municipality,
        )
        if party.contact is not None:
            contact = party.contact
            self.party_id(contact.identifier, f"{path}/Contact/Identifier", municipality=False)
            self.text(contact.organisation, path, "Contact/OrganisationName")
            self.text(contact.department, path, "Contact/DepartmentName")
            self.text(contact.unit, path, "Contact/UnitName")
        if party.referrer is not None:
            referrer = party.referrer
            self.loose_id(referrer.identifier, referrer.identifier_code, f"{path}/Referrer", False)
            self.text(referrer.person_name, path, "Referrer/PersonName")
            self.text(referrer.person_title, path, "Referrer/PersonTitle")
        if party.signed_by is not None:
            signed = party.signed_by
            self.loose_id(signed.identifier, signed.identifier_code, f"{path}/SignedBy", True)
            self.text(signed.given_name, path, "SignedBy/PersonGivenName")
            self.text(signed.surname, path, "SignedBy/PersonSurnameName")
            self.text(signed.title, path, "SignedBy/PersonTitle")
        count = len(party.contact_information)
        for i, info in enumerate(party.contact_information):
            info_path = f"{path}/{_index('ContactInformation', i, count)}"
            self.text(info.name, info_path, "ContactName")
            self.text(info.telephone, info_path, "TelephoneSubscriberIdentifier")

    def patient(self, patient: Patient, path: str, letter: Letter) -> None:
        element = (
            "CivilRegistrationNumber" if patient.identifier.is_cpr else "AlternativeIdentifier"
        )
        where = Location(path=f"{path}/{element}")
        found = check_patient_identifier(patient.identifier, where)
        self.extend(found)
        if patient.identifier.is_cpr and not any(f.is_error for f in found):
            self.born_by(patient.identifier.value, where)
        self.text(patient.surname, path, "PersonSurnameName")
        self.text(patient.given_name, path, "PersonGivenName")
        self.text(patient.title, path, "PersonTitle")
        for name, value in (
            ("StreetName", patient.street),
            ("SuburbName", patient.suburb),
            ("DistrictName", patient.district),
        ):
            self.text(value, path, name)
        self.text(patient.postcode, path, "PostCodeIdentifier", may_be_empty=True)
        self.text(patient.email, path, "EmailIdentifier")
        occupation = "Occupation" if isinstance(letter, CarePlan) else "OccupancyText"
        self.text(patient.occupation, path, occupation)
        self.text(patient.telephone, path, "TelephoneSubscriberIdentifier")
        self.telephones(
            patient.telephones,
            f"{path}/TelephoneSubscriber",
            "TelephoneSubscriberCode",
            _TELEPHONE_KINDS,
            municipality=False,
        )

    def telephones(
        self,
        telephones: Sequence[Telephone],
        element_path: str,
        code_element: str,
        allowed: frozenset[str],
        *,
        municipality: bool,
    ) -> None:
        count = len(telephones)
        parent, _, element = element_path.rpartition("/")
        for i, phone in enumerate(telephones):
            path = f"{parent}/{_index(element, i, count)}"
            self.text(phone.number, path, "TelephoneSubscriberIdentifier")
            self.coded(
                phone.kind,
                f"{path}/{code_element}",
                code_element,
                allowed,
                municipality=municipality,
            )

    def relatives(self, relatives: Sequence[Relative], base: str, *, municipality: bool) -> None:
        count = len(relatives)
        for i, relative in enumerate(relatives):
            path = f"{base}/{_index('Relative', i, count)}"
            self.coded(
                relative.relation,
                f"{path}/RelationCode",
                "RelationCode",
                _RELATIONS_SEEN_XDIS21 if municipality else _RELATIONS_2005,
                municipality=municipality,
            )
            identifier = relative.person_identifier
            if identifier is not None:
                if _CPR_SHAPE.fullmatch(identifier):
                    where = Location(path=f"{path}/PersonIdentifier")
                    found = check_cpr(identifier, where)
                    self.extend(found)
                    if not any(f.is_error for f in found):
                        self.born_by(identifier, where)
                else:
                    self.text(identifier, path, "PersonIdentifier")
            self.text(relative.surname, path, "PersonSurnameName")
            self.text(relative.given_name, path, "PersonGivenName")
            for name, value in (
                ("StreetName", relative.street),
                ("SuburbName", relative.suburb),
                ("DistrictName", relative.district),
            ):
                self.text(value, path, name)
            self.text(relative.postcode, path, "PostCodeIdentifier", may_be_empty=True)
            self.telephones(
                relative.telephones,
                f"{path}/CodedTelephoneSubscriberIdentifier",
                "TelephoneCode",
                _TELEPHONE_CODES,
                municipality=municipality,
            )

    # -- clinical parts --------------------------------------------------------------------

    def diagnosis(self, diagnosis: Diagnosis, path: str) -> _Point | None:
        self.text(diagnosis.code, path, "DiagnoseCode")
        self.text(diagnosis.text, path, "DiagnoseText")
        self.coded(
            diagnosis.kind,
            f"{path}/DiagnoseDescriptionCode",
            "DiagnoseDescriptionCode",
            _DIAGNOSIS_KINDS_2005,
            municipality=False,
        )
        return self.moment(diagnosis.moment, path, "DiagnoseDateTime")

    def referral(self, referral: Referral, path: str, additional_element: str) -> _Point | None:
        self.text(referral.identifier, path, "Identifier")
        received = self.moment(referral.received, path, "Received")
        if referral.refer is not None:
            self.diagnosis(referral.refer, f"{path}/Refer")
        count = len(referral.additional)
        for i, diagnosis in enumerate(referral.additional):
            self.diagnosis(diagnosis, f"{path}/{_index(additional_element, i, count)}")
        return received

    def references(self, references: Sequence[Reference], base: str) -> None:
        count = len(references)
        for i, reference in enumerate(references):
            path = f"{base}/{_index('Reference', i, count)}"
            self.text(reference.description, path, "RefDescription")
            self.text(reference.url, path, "URL")
            binary = reference.binary
            if binary is not None:
                self.text(binary.identifier, path, "BIN/ObjectIdentifier")
                size = binary.original_size
                if not 1 <= size <= MAX_NATURAL:
                    shown = str(size) if size < 1 else f"over {MAX_DIGITS} digits long"
                    self.add(
                        "rule.reference.size",
                        Severity.ERROR,
                        f"OriginalObjectSize is {shown}; the size of a binary attachment is a "
                        f"whole number of bytes, at least 1 and at most {MAX_DIGITS} digits.",
                        f"{path}/BIN/OriginalObjectSize",
                    )

    def discharge_letter(
        self, letter: DischargeLetter, base: str, authorisation: _Point | None
    ) -> None:
        if letter.cc_receiver is not None:
            self.party(letter.cc_receiver, f"{base}/CCReceiver", municipality=False, has_ean=False)
        self.relatives(letter.relatives, base, municipality=False)
        events: list[tuple[_Point | None, str, str]] = []
        if letter.referral is not None:
            received = self.referral(letter.referral, f"{base}/Referral", "ReferalAdditional")
            events.append((received, f"{base}/Referral/Received", "referral's received time"))
        admission = self.moment(letter.admission, base, "Admission")
        discharge = self.moment(letter.discharge, base, "Discharge")
        events.append((admission, f"{base}/Admission", "admission"))
        events.append((discharge, f"{base}/Discharge", "discharge"))
        self.not_before_admission(discharge, admission, f"{base}/Discharge", "discharge")
        diagnoses = letter.diagnoses
        if diagnoses is not None:
            if diagnoses.main is not None:
                self.diagnosis(diagnoses.main, f"{base}/Diagnose/Main")
            count = len(diagnoses.main_additional)
            for i, diagnosis in enumerate(diagnoses.main_additional):
                self.diagnosis(diagnosis, f"{base}/Diagnose/{_index('MainAdditional', i, count)}")
            count = len(diagnoses.other)
            for i, diagnosis in enumerate(diagnoses.other):
                path = f"{base}/Diagnose/{_index('Other', i, count)}"
                when = self.diagnosis(diagnosis, path)
                events.append((when, f"{path}/DiagnoseDateTime", "diagnosis or treatment time"))
        count = len(letter.clinical_information)
        has_text = False
        for i, info in enumerate(letter.clinical_information):
            path = f"{base}/{_index('ClinicalInformation', i, count)}"
            signed = self.moment(info.signed, path, "Signed")
            events.append((signed, f"{path}/Signed", "signing time of the clinical text"))
            has_text = has_text or _has_text(info.text)
        for point, path, what in events:
            self.recorded(point, path, what)
            self.not_after_authorisation(point, authorisation, path, what)
        if not has_text:
            self.add(
                "rule.content.no-clinical-text",
                Severity.WARNING,
                "The discharge letter has no clinical text (ClinicalInformation/Text01): the "
                "receiver gets no account of the stay, treatment or follow-up.",
                f"{base}/ClinicalInformation" if count else base,
            )
        self.references(letter.references, base)

    def referral_letter(self, letter: HospitalReferral, base: str) -> None:
        if letter.answer_cc_receiver is not None:
            self.party(
                letter.answer_cc_receiver,
                f"{base}/AnswerCCReceiver",
                municipality=False,
                has_ean=False,
            )
        self.relatives(letter.relatives, base, municipality=False)
        if letter.referral is not None:
            self.referral(letter.referral, f"{base}/Referral", "ReferralAdditional")
        info = letter.additional_information
        reason = info is not None and info.clinical_reason is not None
        reason = reason and _has_text(info.clinical_reason if info is not None else None)
        diagnosis = letter.referral is not None and letter.referral.refer is not None
        if not reason and not diagnosis:
            self.add(
                "rule.content.no-referral-reason",
                Severity.WARNING,
                "The referral gives neither a reason (AdditionalInformation/ClinicalReason) nor "
                "a referral diagnosis (Referral/Refer): the hospital cannot tell why the patient "
                "is referred.",
                base,
            )
        self.references(letter.references, base)

    def care_plan(self, letter: CarePlan, base: str, authorisation: _Point | None) -> None:
        if letter.practitioner is not None:
            practitioner = letter.practitioner
            self.party_id(
                practitioner.identifier, f"{base}/Practitioner/Identifier", municipality=True
            )
            self.text(practitioner.person_name, base, "Practitioner/PersonName")
            self.text(practitioner.telephone, base, "Practitioner/TelephoneSubscriberIdentifier")
        if letter.relatives is not None:
            self.relatives(letter.relatives.relatives, f"{base}/Relatives", municipality=True)
        admission = self.moment(letter.admission, base, "Admission")
        self.recorded(admission, f"{base}/Admission", "admission")
        self.not_after_authorisation(admission, authorisation, f"{base}/Admission", "admission")
        for moment, element, what in (
            (
                letter.expected_end_of_treatment,
                "ExpectedEndOfTreatment",
                "expected end of treatment",
            ),
            (letter.agreed_discharge, "AgreedDischarge", "agreed discharge"),
        ):
            point = self.moment(moment, base, element)
            self.planned(point, f"{base}/{element}", what)
            self.not_before_admission(point, admission, f"{base}/{element}", what)
        coordination = letter.further_coordination
        if coordination is not None and coordination.discharge_conference is not None:
            conference = coordination.discharge_conference
            path = f"{base}/FurtherCoordination/DischargeConference"
            self.coded(
                conference.date_code,
                f"{path}/DischargeDateCode",
                "DischargeDateCode",
                _DISCHARGE_DATE_CODES,
                municipality=True,
            )
            day = self.date(conference.date, path, "Date") if conference.date is not None else None
            minute = (
                self.time(conference.time, path, "Time") if conference.time is not None else None
            )
            point = None if day is None else _Point(day, minute)
            self.planned(point, f"{path}/Date", "discharge conference")
            self.not_before_admission(point, admission, f"{path}/Date", "discharge conference")
        ability = letter.ability_to_function
        if ability is not None:
            path = f"{base}/ExpectedAbilityToFunctionAtDischarge"
            if ability.last_modified is not None:
                day = self.date(ability.last_modified, path, "LastModifiedDate")
                point = None if day is None else _Point(day, None)
                self.recorded(point, f"{path}/LastModifiedDate", "function assessment date")
            elements = ability.elements or []
            count = len(elements)
            for i, function in enumerate(elements):
                element_path = (
                    f"{path}/AbilityToFunctionElements/"
                    f"{_index('AbilityToFunctionElement', i, count)}"
                )
                self.terminology(function.terminology, f"{element_path}/Terminology", "icf")
                self.coded(
                    function.score,
                    f"{element_path}/Score",
                    "Score",
                    _FUNCTION_SCORES,
                    municipality=True,
                )
        areas = letter.nursing_problem_areas
        if not areas:
            self.add(
                "rule.content.no-nursing-problems",
                Severity.INFO,
                "The care plan has no nursing problem areas (NursingProblemAreas); the "
                "municipality gets no nursing assessment.",
                base,
            )
        else:
            count = len(areas)
            for i, area in enumerate(areas):
                area_path = f"{base}/NursingProblemAreas/{_index('NursingProblemArea', i, count)}"
                self.terminology(area.terminology, f"{area_path}/Terminology", "medcom")

    def terminology(self, term: Terminology, path: str, system: str) -> None:
        self.coded(
            term.code_system,
            f"{path}/CodeSystem",
            "CodeSystem",
            frozenset({system}),
            municipality=True,
        )
        if system == "icf":
            shape, described = _FUNCTION_CODE, "FA and three digits"
        else:
            shape, described = _NURSING_CODE, "a letter A-K, a hyphen and five digits"
        if not shape.fullmatch(term.code):
            self.add(
                "rule.code.unseen",
                Severity.WARNING,
                f"Code {_quote(term.code)} does not have the shape seen in municipality messages "
                f"({described}).",
                f"{path}/Code",
            )
        self.text(term.description, path, "CodeDescription")


def _has_text(text: FormattedText | None) -> bool:
    """True when the visible text holds more than whitespace: ``text.plain().strip()`` without
    building the whole plain text (Break and Space only add whitespace; stops at the first run
    with a visible character)."""
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


def _wire_gln(value: object) -> str | None:
    """The GLN recorded for a UNB party: a string, or the first item of a sequence."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return value[0]
    return None
