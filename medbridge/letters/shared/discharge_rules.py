"""The epikriser's own rules (XDIS01 / DIS01 and XDIS02 / DIS02): the copy receiver,
relatives, the referral, the two visit dates, diagnoses, the clinical text and references.

Element names and code subsets come from the shared epikrise table (:mod:`.discharge_xml`), the
visit elements from each version's own; the generic checks from
:mod:`medbridge.validation.checks` and the shared parts from :mod:`medbridge.validation.parts`.
:func:`epikrise_rules` makes one version's :class:`LetterRules` from its table and its
:class:`Visits`.
"""

from __future__ import annotations

from dataclasses import dataclass

from medbridge.codecs.xml.mapping import LetterMapping
from medbridge.findings import Severity
from medbridge.letters.fields import codes, field_table, indexed, names
from medbridge.letters.shared.discharge_xml import COMMON
from medbridge.model.codes import EpisodeOfCareStatus
from medbridge.model.epikrise import Diagnoses, DischargeLetter, OutpatientDischargeLetter
from medbridge.validation.checks import Checker, Point, has_text
from medbridge.validation.kinds import KindCheck, LetterRules
from medbridge.validation.parts import (
    check_diagnosis,
    check_party,
    check_references,
    check_referral,
    check_relatives,
)

__all__ = ["Visits", "epikrise_rules"]

_TABLE = (field_table(COMMON),)
_CC_RECEIVER, _RELATIVE, _REFERRAL, _DIAGNOSE = names(
    _TABLE, "cc_receiver", "relatives", "referral", "diagnoses"
)
_ADDITIONAL, _RECEIVED = names(_TABLE, "additional", "received", under="referral")
_MAIN, _MAIN_ADDITIONAL, _OTHER = names(
    _TABLE, "main", "main_additional", "other", under="diagnoses"
)
(_OTHER_MOMENT,) = names(_TABLE, "moment", under="diagnoses.other")
(_CLINICAL_INFORMATION, _REFERENCE) = names(_TABLE, "clinical_information", "references")
_SIGNED, _TEXT = names(_TABLE, "signed", "text", under="clinical_information")
(_OCCUPATION,) = names(_TABLE, "occupation", under="patient")
_STATUS = _TABLE[0].xml("patient.status")
SPECIALITIES = codes(_TABLE[0], "sender.speciality")
RELATIONS = codes(_TABLE[0], "relatives.relation")

#: ``(checked moment, path, what)`` of a recorded event, checked against Sent and authorisation.
_Event = tuple[Point | None, str, str]
#: Either epikrise.
_Epikrise = DischargeLetter | OutpatientDischargeLetter


@dataclass(frozen=True, slots=True)
class Visits:
    """One version's two visit dates: model fields, what they are called in findings, and the
    letter's name (``discharge letter``, ``ambulant epikrise``). ``statuses`` are the
    EpisodeOfCareStatusCodes expected in the version (empty: any); ``episode`` what the letter
    gives an account of (``stay``, ``out-patient course``)."""

    first: str
    last: str
    first_what: str
    last_what: str
    letter: str
    statuses: frozenset[EpisodeOfCareStatus] = frozenset()
    episode: str = "stay"


def epikrise_rules(mapping: LetterMapping, visits: Visits) -> LetterRules:
    """The rules of one epikrise version: its table, and the checks run with its visits."""
    first, last = names((field_table(mapping),), visits.first, visits.last)

    def check(c: Checker, letter: _Epikrise, base: str, authorisation: Point | None) -> None:
        _check_epikrise(c, letter, base, authorisation, visits, (first, last))

    kind_check: KindCheck = check
    return LetterRules(
        mapping,
        kind_check,
        occupation=_OCCUPATION,
        specialities=SPECIALITIES,
        relations=RELATIONS,
    )


def _visits(
    c: Checker, letter: _Epikrise, base: str, visits: Visits, elements: tuple[str, str]
) -> list[_Event]:
    """The two visit dates checked, in order; for an ambulant epikrise also its episode status."""
    first_path, last_path = (f"{base}/{element}" for element in elements)
    first = c.moment(getattr(letter, visits.first), first_path)
    last = c.moment(getattr(letter, visits.last), last_path)
    if visits.statuses:
        _ambulant_status(c, letter, base, visits)
        if first is not None and last is not None and first.later_than(last):
            c.add(
                "rule.date.before-first-visit",
                Severity.WARNING,
                f"The {visits.last_what} is earlier than the {visits.first_what}; one of them "
                "is wrong.",
                last_path,
            )
    else:
        c.not_before_admission(last, first, last_path, visits.last_what)
    return [(first, first_path, visits.first_what), (last, last_path, visits.last_what)]


def _ambulant_status(c: Checker, letter: _Epikrise, base: str, visits: Visits) -> None:
    status = letter.patient.status
    if status is not None and status not in visits.statuses:
        expected = " or ".join(sorted(s.value for s in visits.statuses))
        c.add(
            "rule.code.ambulant-status",
            Severity.WARNING,
            f"The {visits.letter} gives the episode-of-care status {status.value!r}; an "
            f"out-patient course is {expected}.",
            f"{base}/{_STATUS}",
        )


def _check_epikrise(
    c: Checker,
    letter: _Epikrise,
    base: str,
    authorisation: Point | None,
    visits: Visits,
    elements: tuple[str, str],
) -> None:
    """An epikrise's own checks, after its header, parties and patient."""
    if letter.cc_receiver is not None:
        where = f"{base}/{_CC_RECEIVER}"
        check_party(c, letter.cc_receiver, where, SPECIALITIES, municipality=False, has_ean=False)
    check_relatives(c, letter.relatives, base, _RELATIVE, RELATIONS, municipality=False)
    events: list[_Event] = []
    if letter.referral is not None:
        received = check_referral(c, letter.referral, f"{base}/{_REFERRAL}", _ADDITIONAL)
        events.append((received, f"{base}/{_REFERRAL}/{_RECEIVED}", "referral's received time"))
    events.extend(_visits(c, letter, base, visits, elements))
    if letter.diagnoses is not None:
        _diagnoses(c, letter.diagnoses, f"{base}/{_DIAGNOSE}", events)
    has_clinical_text = _clinical_information(c, letter, base, events)
    for point, path, what in events:
        c.recorded(point, path, what)
        c.not_after_authorisation(point, authorisation, path, what)
    if not has_clinical_text:
        c.add(
            "rule.content.no-clinical-text",
            Severity.WARNING,
            f"The {visits.letter} has no clinical text ({_CLINICAL_INFORMATION}/{_TEXT}): the "
            f"receiver gets no account of the {visits.episode}, treatment or follow-up.",
            f"{base}/{_CLINICAL_INFORMATION}" if letter.clinical_information else base,
        )
    check_references(c, letter.references, base, _REFERENCE)


def _diagnoses(c: Checker, diagnoses: Diagnoses, base: str, events: list[_Event]) -> None:
    if diagnoses.main is not None:
        check_diagnosis(c, diagnoses.main, f"{base}/{_MAIN}")
    count = len(diagnoses.main_additional)
    for i, diagnosis in enumerate(diagnoses.main_additional):
        check_diagnosis(c, diagnosis, f"{base}/{indexed(_MAIN_ADDITIONAL, i, count)}")
    count = len(diagnoses.other)
    for i, diagnosis in enumerate(diagnoses.other):
        path = f"{base}/{indexed(_OTHER, i, count)}"
        when = check_diagnosis(c, diagnosis, path)
        events.append((when, f"{path}/{_OTHER_MOMENT}", "diagnosis or treatment time"))


def _clinical_information(c: Checker, letter: _Epikrise, base: str, events: list[_Event]) -> bool:
    """Each ClinicalInformation's signing time; True when any of them has visible text."""
    count = len(letter.clinical_information)
    found = False
    for i, info in enumerate(letter.clinical_information):
        path = f"{base}/{indexed(_CLINICAL_INFORMATION, i, count)}"
        point = c.moment(info.signed, path, _SIGNED)
        events.append((point, f"{path}/{_SIGNED}", "signing time of the clinical text"))
        found = found or has_text(info.text)
    return found
