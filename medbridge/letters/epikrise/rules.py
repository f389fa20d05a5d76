"""The discharge letter's own rules (XDIS01 / DIS01): the copy receiver, relatives, the
referral, admission and discharge, diagnoses, the clinical text and references.

Element names and code subsets come from the XDIS01 table (:mod:`.xml`); the generic checks
from :mod:`medbridge.validation.checks` and the shared parts from
:mod:`medbridge.validation.parts`.
"""

from __future__ import annotations

from medbridge.findings import Severity
from medbridge.letters.epikrise.xml import MAPPING
from medbridge.letters.fields import codes, field_table, indexed, names
from medbridge.model.epikrise import Diagnoses, DischargeLetter
from medbridge.validation.checks import Checker, Point, has_text
from medbridge.validation.kinds import LetterRules
from medbridge.validation.parts import (
    check_diagnosis,
    check_party,
    check_references,
    check_referral,
    check_relatives,
)

__all__ = ["RULES", "check_discharge_letter"]

_TABLE = (field_table(MAPPING),)
_CC_RECEIVER, _RELATIVE, _REFERRAL, _ADMISSION, _DISCHARGE, _DIAGNOSE = names(
    _TABLE, "cc_receiver", "relatives", "referral", "admission", "discharge", "diagnoses"
)
_ADDITIONAL, _RECEIVED = names(_TABLE, "additional", "received", under="referral")
_MAIN, _MAIN_ADDITIONAL, _OTHER = names(
    _TABLE, "main", "main_additional", "other", under="diagnoses"
)
(_OTHER_MOMENT,) = names(_TABLE, "moment", under="diagnoses.other")
(_CLINICAL_INFORMATION, _REFERENCE) = names(_TABLE, "clinical_information", "references")
_SIGNED, _TEXT = names(_TABLE, "signed", "text", under="clinical_information")
(_OCCUPATION,) = names(_TABLE, "occupation", under="patient")
SPECIALITIES = codes(_TABLE[0], "sender.speciality")
RELATIONS = codes(_TABLE[0], "relatives.relation")

#: ``(checked moment, path, what)`` of a recorded event, checked against Sent and authorisation.
_Event = tuple[Point | None, str, str]


def check_discharge_letter(
    c: Checker, letter: DischargeLetter, base: str, authorisation: Point | None
) -> None:
    """The discharge letter's own checks, after its header, parties and patient."""
    if letter.cc_receiver is not None:
        where = f"{base}/{_CC_RECEIVER}"
        check_party(c, letter.cc_receiver, where, SPECIALITIES, municipality=False, has_ean=False)
    check_relatives(c, letter.relatives, base, _RELATIVE, RELATIONS, municipality=False)
    events: list[_Event] = []
    if letter.referral is not None:
        received = check_referral(c, letter.referral, f"{base}/{_REFERRAL}", _ADDITIONAL)
        events.append((received, f"{base}/{_REFERRAL}/{_RECEIVED}", "referral's received time"))
    admission = c.moment(letter.admission, base, _ADMISSION)
    discharge = c.moment(letter.discharge, base, _DISCHARGE)
    events.append((admission, f"{base}/{_ADMISSION}", "admission"))
    events.append((discharge, f"{base}/{_DISCHARGE}", "discharge"))
    c.not_before_admission(discharge, admission, f"{base}/{_DISCHARGE}", "discharge")
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
            f"The discharge letter has no clinical text ({_CLINICAL_INFORMATION}/{_TEXT}): the "
            "receiver gets no account of the stay, treatment or follow-up.",
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


def _clinical_information(
    c: Checker, letter: DischargeLetter, base: str, events: list[_Event]
) -> bool:
    """Each ClinicalInformation's signing time; True when any of them has visible text."""
    count = len(letter.clinical_information)
    found = False
    for i, info in enumerate(letter.clinical_information):
        path = f"{base}/{indexed(_CLINICAL_INFORMATION, i, count)}"
        point = c.moment(info.signed, path, _SIGNED)
        events.append((point, f"{path}/{_SIGNED}", "signing time of the clinical text"))
        found = found or has_text(info.text)
    return found


RULES = LetterRules(
    MAPPING,
    check_discharge_letter,
    occupation=_OCCUPATION,
    specialities=SPECIALITIES,
    relations=RELATIONS,
)
