"""Building blocks shared by the three letters: moments, identifiers, parties, people, diagnoses,
references, the envelope and the letter header.

Shapes follow ``xml-messages.md`` §2–§3 and §4.3. Where the three letters differ, the class holds
the union of their fields as optionals, and each version's mapping checks what that version
requires (§6.10). Every value is kept exactly as received: dates and times as their wire text,
``_`` placeholders verbatim, whitespace untouched.

Fields that the municipality messages (XDIS21) share with the 2005 letters and whose value lists
are only partly known there are typed ``Enum | str``: a known value becomes the enum member, an
unknown one stays a string and is reported by validation, never dropped.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from dataclasses import dataclass, field
from typing import ClassVar

from medbridge.findings import mask_identifiers
from medbridge.model.codes import (
    AcknowledgementCode,
    CodeSystem,
    DiagnosisKind,
    EpisodeOfCareStatus,
    IdentifierCode,
    MedicalSpeciality,
    ObjectCode,
    ObjectExtension,
    RelationCode,
    StatusCode,
    TelephoneCode,
    TelephoneKind,
)

__all__ = [
    "BaseLetter",
    "BinaryObject",
    "Contact",
    "ContactInformation",
    "Diagnosis",
    "Envelope",
    "LetterHeader",
    "LocalElements",
    "Moment",
    "Party",
    "PartyId",
    "Patient",
    "PatientId",
    "PatientIdKind",
    "Reference",
    "Referral",
    "Referrer",
    "Relative",
    "SignedBy",
    "Telephone",
]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")


@dataclass(slots=True, frozen=True)
class Moment:
    """A point in time as MedCom writes it: a ``YYYY-MM-DD`` date and an optional ``hh:mm`` time.

    Both are kept as the wire text (``00:00`` stays ``00:00``; it often means "time unknown").
    """

    date: str
    time: str | None = None

    @classmethod
    def of(cls, value: _dt.datetime | _dt.date) -> Moment:
        """Build from a Python date or datetime (seconds and time zone are not representable)."""
        if isinstance(value, _dt.datetime):
            return cls(value.date().isoformat(), f"{value.hour:02d}:{value.minute:02d}")
        return cls(value.isoformat())

    def to_date(self) -> _dt.date | None:
        """The calendar date, or None when the text is not a real ``YYYY-MM-DD`` date."""
        if not _DATE.fullmatch(self.date):
            return None
        try:
            return _dt.date.fromisoformat(self.date)
        except ValueError:
            return None

    def to_datetime(self) -> _dt.datetime | None:
        """Date and time as a naive local datetime, or None when either is not real."""
        day = self.to_date()
        if day is None or self.time is None or not _TIME.fullmatch(self.time):
            return None
        hours, minutes = int(self.time[:2]), int(self.time[3:])
        if hours > 23 or minutes > 59:
            return None
        return _dt.datetime(day.year, day.month, day.day, hours, minutes)

    def __str__(self) -> str:
        return self.date if self.time is None else f"{self.date} {self.time}"


class PatientIdKind(enum.StrEnum):
    """Which identifier a patient carries: ``CPR`` (CivilRegistrationNumber) or ``ALTERNATIVE``
    (AlternativeIdentifier, a replacement CPR)."""

    CPR = "cpr"
    ALTERNATIVE = "alternative"


@dataclass(slots=True, frozen=True)
class PatientId:
    """A patient identifier with its type. ``repr`` masks the value (health data)."""

    value: str
    kind: PatientIdKind = PatientIdKind.CPR

    @classmethod
    def cpr(cls, value: str) -> PatientId:
        return cls(value, PatientIdKind.CPR)

    @classmethod
    def alternative(cls, value: str) -> PatientId:
        return cls(value, PatientIdKind.ALTERNATIVE)

    @property
    def is_cpr(self) -> bool:
        return self.kind == PatientIdKind.CPR

    def __repr__(self) -> str:
        return f"PatientId({mask_identifiers(self.value)!r}, {self.kind.value!r})"

    def __str__(self) -> str:
        return mask_identifiers(self.value)


@dataclass(slots=True, frozen=True)
class PartyId:
    """A party's code and what kind of code it is (SKS department, ydernummer, GLN, …)."""

    value: str
    code: IdentifierCode | str


@dataclass(slots=True)
class Contact:
    """XDIS01 ``Sender/Contact``: the responsible contact (EDIFACT NAD+RSP)."""

    identifier: PartyId
    organisation: str | None = None
    department: str | None = None
    unit: str | None = None


@dataclass(slots=True)
class Referrer:
    """XREF01 ``Sender/Referrer``: the referring clinician."""

    person_name: str
    identifier: str | None = None
    identifier_code: IdentifierCode | str | None = None
    person_title: str | None = None


@dataclass(slots=True)
class SignedBy:
    """XDIS21 ``Sender/SignedBy``: who signed the care plan. Every child is optional."""

    identifier: str | None = None
    identifier_code: IdentifierCode | str | None = None
    given_name: str | None = None
    surname: str | None = None
    title: str | None = None


@dataclass(slots=True)
class ContactInformation:
    """XDIS21 ``Sender/ContactInformation``: a contact person or desk and a phone number."""

    name: str | None = None
    telephone: str | None = None


@dataclass(slots=True)
class Party:
    """Sender, Receiver, CCReceiver, AnswerCCReceiver (and the XDIS21 parties).

    ``ean`` is the network address (EANIdentifier); copy recipients have none. ``contact``
    (XDIS01 sender), ``referrer`` (XREF01 sender) and ``signed_by``/``contact_information``
    (XDIS21 sender) belong to one letter kind each.
    """

    identifier: PartyId
    ean: str | None = None
    organisation: str | None = None
    department: str | None = None
    unit: str | None = None
    street: str | None = None
    suburb: str | None = None
    district: str | None = None
    postcode: str | None = None
    telephone: str | None = None
    speciality: MedicalSpeciality | str | None = None
    contact: Contact | None = None
    referrer: Referrer | None = None
    signed_by: SignedBy | None = None
    contact_information: list[ContactInformation] = field(default_factory=list)


@dataclass(slots=True)
class Telephone:
    """A phone number with its kind: XREF01 patient (TelephoneKind) or XDIS21 relative
    (TelephoneCode)."""

    number: str
    kind: TelephoneKind | TelephoneCode | str


@dataclass(slots=True)
class Patient:
    """The patient. ``identifier`` is a CPR number or a replacement identifier.

    ``status`` (EpisodeOfCareStatusCode) is XDIS01 only; ``title``, ``telephones`` and ``email``
    XREF01 only; ``telephone`` (uncoded) XDIS21 only. ``occupation`` is XDIS01 ``OccupancyText``
    and XDIS21 ``Occupation``.
    """

    identifier: PatientId
    surname: str
    given_name: str | None = None
    title: str | None = None
    street: str | None = None
    suburb: str | None = None
    district: str | None = None
    postcode: str | None = None
    telephones: list[Telephone] = field(default_factory=list)
    email: str | None = None
    occupation: str | None = None
    telephone: str | None = None
    status: EpisodeOfCareStatus | None = None

    def __repr__(self) -> str:
        return f"Patient(identifier={self.identifier!r}, …)"


@dataclass(slots=True)
class Relative:
    """A relative (pårørende). In XDIS21 the surname is optional and ``informed`` and coded
    ``telephones`` exist; in XDIS01 the address lines exist."""

    relation: RelationCode | str
    surname: str | None = None
    person_identifier: str | None = None
    given_name: str | None = None
    street: str | None = None
    suburb: str | None = None
    district: str | None = None
    postcode: str | None = None
    telephones: list[Telephone] = field(default_factory=list)
    informed: bool | None = None

    def __repr__(self) -> str:
        return f"Relative(relation={self.relation!r}, …)"


@dataclass(slots=True)
class Diagnosis:
    """One diagnosis or treatment in any of the five MedCom shapes (§3.7).

    ``code_system`` None means "SKS, implicit" (SimpleDiagnose has no DiagnoseTypeCode);
    ``kind`` (DiagnoseDescriptionCode) and ``moment`` exist only in some shapes.
    """

    text: str
    code: str | None = None
    code_system: CodeSystem | None = None
    kind: DiagnosisKind | None = None
    moment: Moment | None = None


@dataclass(slots=True)
class Referral:
    """The referral part: in XDIS01 the referral that led to the stay (identifier, received,
    diagnoses); in XREF01 the referral diagnoses only."""

    identifier: str | None = None
    received: Moment | None = None
    refer: Diagnosis | None = None
    additional: list[Diagnosis] = field(default_factory=list)


@dataclass(slots=True)
class BinaryObject:
    """Reference/BIN: a binary object sent as a separate binary letter."""

    identifier: str
    object_code: ObjectCode
    extension: ObjectExtension
    original_size: int


@dataclass(slots=True)
class Reference:
    """An attachment or link: a description and exactly one of ``url``, ``supplementary``
    (``SUP`` = true) or ``binary``."""

    description: str
    url: str | None = None
    supplementary: bool = False
    binary: BinaryObject | None = None

    def __post_init__(self) -> None:
        chosen = (self.url is not None) + bool(self.supplementary) + (self.binary is not None)
        if chosen != 1:
            raise ValueError("a Reference needs exactly one of url, supplementary or binary")


@dataclass(slots=True)
class Envelope:
    """Emessage/Envelope (or the EDIFACT UNB): when sent, the envelope number, receipt wish."""

    sent: Moment
    identifier: str
    acknowledgement: AcknowledgementCode = AcknowledgementCode.NO_POSITIVE


@dataclass(slots=True)
class LetterHeader:
    """The ``Letter`` block. ``status`` is None in municipality letters, which have no
    StatusCode (never default it)."""

    identifier: str
    authorisation: Moment
    statistical_code: str
    status: StatusCode | None = None
    episode_of_care_id: str | None = None


@dataclass(slots=True)
class BaseLetter:
    """What every letter starts with: its header, sender, receiver and patient (in this order,
    which is also the JSON order). A letter class names its ``kind``, then adds its own fields;
    its versions and their codes are wire facts, declared in ``medbridge/letters/<kind>/``."""

    kind: ClassVar[str]

    header: LetterHeader
    sender: Party
    receiver: Party
    patient: Patient


@dataclass(slots=True)
class LocalElements:
    """``Local_Elements`` after a letter: opaque XML kept verbatim for round trips, never read.

    ``xml`` is the canonical (C14N 2.0) serialisation of the element.
    """

    xml: str
