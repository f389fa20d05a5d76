"""The care plan's own rules (XDIS21): the practitioner, relatives, admission and the planned
dates, the discharge conference, the ability-to-function assessment and the nursing problem
areas, with their terminology codes.

Element names come from the XDIS21 table (:mod:`.xml`). Its code lists are open (only partly
known), so the subsets below are the values seen in municipality messages or assumed by
``xml-messages.md`` §5.13 and §5.17; a value outside them is a warning (``rule.code.unseen``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from medbridge.findings import Severity
from medbridge.letters.fields import field_table, indexed, names
from medbridge.letters.plejeforloebsplan.xml import MAPPING
from medbridge.model.codes import MedicalSpeciality, RelationCode
from medbridge.model.plejeforloebsplan import (
    AbilityToFunction,
    CarePlan,
    DischargeConference,
    Terminology,
)
from medbridge.validation.checks import Checker, Point, quote
from medbridge.validation.kinds import LetterRules
from medbridge.validation.parts import check_party_id, check_relatives

__all__ = ["RULES", "check_care_plan"]

SPECIALITIES = frozenset(c.value for c in MedicalSpeciality)
RELATIONS = frozenset({RelationCode.SPOUSE.value})
DISCHARGE_DATE_CODES = frozenset({"forslag"})
FUNCTION_SCORES = frozenset({"ingen", "lette", "moderate", "svaere", "totale"})
#: Terminology code system → the shape of its codes and that shape in words.
TERMINOLOGIES: Mapping[str, tuple[re.Pattern[str], str]] = MappingProxyType(
    {
        "icf": (re.compile(r"FA[0-9]{3}"), "FA and three digits"),
        "medcom": (re.compile(r"[A-K]-[0-9]{5}"), "a letter A-K, a hyphen and five digits"),
    }
)
_EPISODE_ID = re.compile(r"[0-9A-Fa-f]{32}")

_TABLE = (field_table(MAPPING),)
_PRACTITIONER, _ADMISSION, _END_OF_TREATMENT, _AGREED_DISCHARGE, _ABILITY = names(
    _TABLE,
    "practitioner",
    "admission",
    "expected_end_of_treatment",
    "agreed_discharge",
    "ability_to_function",
)
_PRACTITIONER_NAME, _PRACTITIONER_TELEPHONE = names(
    _TABLE, "person_name", "telephone", under="practitioner"
)
_RELATIVES, _, _RELATIVE = names(_TABLE, "relatives.relatives")[0].rpartition("/")
(_CONFERENCE,) = names(_TABLE, "further_coordination.discharge_conference")
_DATE_CODE, _DATE = names(
    _TABLE, "date_code", "date", under="further_coordination.discharge_conference"
)
(_LAST_MODIFIED,) = names(_TABLE, "last_modified", under="ability_to_function")
_FUNCTIONS, _, _FUNCTION = names(_TABLE, "elements", under="ability_to_function")[0].rpartition("/")
_FUNCTION_TERMINOLOGY, _SCORE = names(
    _TABLE, "terminology", "score", under="ability_to_function.elements"
)
_AREAS, _, _AREA = names(_TABLE, "nursing_problem_areas")[0].rpartition("/")
(_AREA_TERMINOLOGY,) = names(_TABLE, "terminology", under="nursing_problem_areas")
_CODE, _CODE_SYSTEM, _DESCRIPTION = names(
    _TABLE, "code", "code_system", "description", under="nursing_problem_areas.terminology"
)
(_OCCUPATION,) = names(_TABLE, "occupation", under="patient")


def check_care_plan(c: Checker, letter: CarePlan, base: str, authorisation: Point | None) -> None:
    """The care plan's own checks, after its header, parties and patient."""
    if letter.practitioner is not None:
        practitioner = letter.practitioner
        check_party_id(c, practitioner.identifier, f"{base}/{_PRACTITIONER}", municipality=True)
        c.text(practitioner.person_name, base, _PRACTITIONER, _PRACTITIONER_NAME)
        c.text(practitioner.telephone, base, _PRACTITIONER, _PRACTITIONER_TELEPHONE)
    if letter.relatives is not None:
        relatives = letter.relatives.relatives
        where = f"{base}/{_RELATIVES}"
        check_relatives(c, relatives, where, _RELATIVE, RELATIONS, municipality=True)
    admission = c.moment(letter.admission, base, _ADMISSION)
    c.recorded(admission, f"{base}/{_ADMISSION}", "admission")
    c.not_after_authorisation(admission, authorisation, f"{base}/{_ADMISSION}", "admission")
    for moment, element, what in (
        (letter.expected_end_of_treatment, _END_OF_TREATMENT, "expected end of treatment"),
        (letter.agreed_discharge, _AGREED_DISCHARGE, "agreed discharge"),
    ):
        point = c.moment(moment, base, element)
        c.planned(point, f"{base}/{element}", what)
        c.not_before_admission(point, admission, f"{base}/{element}", what)
    coordination = letter.further_coordination
    if coordination is not None and coordination.discharge_conference is not None:
        _conference(c, coordination.discharge_conference, f"{base}/{_CONFERENCE}", admission)
    if letter.ability_to_function is not None:
        _ability(c, letter.ability_to_function, f"{base}/{_ABILITY}")
    areas = letter.nursing_problem_areas
    if not areas:
        c.add(
            "rule.content.no-nursing-problems",
            Severity.INFO,
            f"The care plan has no nursing problem areas ({_AREAS}); the municipality gets no "
            "nursing assessment.",
            base,
        )
    else:
        count = len(areas)
        for i, area in enumerate(areas):
            path = f"{base}/{_AREAS}/{indexed(_AREA, i, count)}/{_AREA_TERMINOLOGY}"
            _terminology(c, area.terminology, path, "medcom")


def _conference(
    c: Checker, conference: DischargeConference, path: str, admission: Point | None
) -> None:
    c.coded(
        conference.date_code,
        f"{path}/{_DATE_CODE}",
        _DATE_CODE,
        DISCHARGE_DATE_CODES,
        municipality=True,
    )
    point = c.point(conference.date, conference.time, path)
    c.planned(point, f"{path}/{_DATE}", "discharge conference")
    c.not_before_admission(point, admission, f"{path}/{_DATE}", "discharge conference")


def _ability(c: Checker, ability: AbilityToFunction, path: str) -> None:
    if ability.last_modified is not None:
        day = c.date(ability.last_modified, path, _LAST_MODIFIED)
        point = None if day is None else Point(day, None)
        c.recorded(point, f"{path}/{_LAST_MODIFIED}", "function assessment date")
    elements = ability.elements or []
    count = len(elements)
    for i, function in enumerate(elements):
        element_path = f"{path}/{_FUNCTIONS}/{indexed(_FUNCTION, i, count)}"
        _terminology(c, function.terminology, f"{element_path}/{_FUNCTION_TERMINOLOGY}", "icf")
        c.coded(
            function.score,
            f"{element_path}/{_SCORE}",
            _SCORE,
            FUNCTION_SCORES,
            municipality=True,
        )


def _terminology(c: Checker, term: Terminology, path: str, system: str) -> None:
    c.coded(
        term.code_system,
        f"{path}/{_CODE_SYSTEM}",
        _CODE_SYSTEM,
        frozenset({system}),
        municipality=True,
    )
    shape, described = TERMINOLOGIES[system]
    if not shape.fullmatch(term.code):
        c.add(
            "rule.code.unseen",
            Severity.WARNING,
            f"Code {quote(term.code)} does not have the shape seen in municipality messages "
            f"({described}).",
            f"{path}/{_CODE}",
        )
    c.text(term.description, path, _DESCRIPTION)


RULES = LetterRules(
    MAPPING,
    check_care_plan,
    occupation=_OCCUPATION,
    specialities=SPECIALITIES,
    relations=RELATIONS,
    municipality=True,
    episode_id=_EPISODE_ID,
)
