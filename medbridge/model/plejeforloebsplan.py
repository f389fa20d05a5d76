"""The plejeforløbsplan (care plan, hospital → municipality): XDIS21 ``ProgressOfCarePlan``,
version XD2134C.

Element tree: ``xml-messages.md`` §4.3, inferred from one real instance; no XSD exists. Code lists
here are only partly known, so codes are plain strings (validation warns on unseen values).
Free-text fields are ``FormattedText`` (the observed ``ProblemArea`` holds ``Break``).
A resuscitation or treatment-limitation decision can only be in free text here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbridge.model.common import (
    BaseLetter,
    LocalElements,
    Moment,
    PartyId,
    Relative,
)
from medbridge.model.text import FormattedText

__all__ = [
    "AbilityToFunction",
    "AbilityToFunctionElement",
    "CarePlan",
    "Diet",
    "DischargeConference",
    "FurtherCoordination",
    "NursingProblemArea",
    "Practitioner",
    "Relatives",
    "Terminology",
]


@dataclass(slots=True)
class Practitioner:
    """The patient's own GP."""

    identifier: PartyId
    person_name: str | None = None
    telephone: str | None = None


@dataclass(slots=True)
class Relatives:
    """The ``Relatives`` wrapper: the relatives, then one optional comment."""

    relatives: list[Relative] = field(default_factory=list)
    comment: FormattedText | None = None


@dataclass(slots=True)
class Diet:
    """``DietFirst24Hours``: meal pack and shopping at discharge (``0``/``1`` flags)."""

    lunch_box: bool | None = None
    shopping_at_discharge: bool | None = None


@dataclass(slots=True)
class DischargeConference:
    """A proposed or agreed discharge conference. Date and time are separate optional elements."""

    date_code: str | None = None
    date: str | None = None
    time: str | None = None
    video_conference: bool | None = None
    comment: FormattedText | None = None


@dataclass(slots=True)
class FurtherCoordination:
    """Further coordination needs; each item is the comment of that item's element."""

    home_changes: FormattedText | None = None
    schedule_auxiliaries: FormattedText | None = None  # wire name ScheduleAuxilaries (sic)
    rehabilitation_needs: FormattedText | None = None
    home_care_needs: FormattedText | None = None
    medicine_administration_help: FormattedText | None = None
    medicine_consumption_help: FormattedText | None = None
    discharge_conference: DischargeConference | None = None
    other_municipal_work_needed: FormattedText | None = None


@dataclass(slots=True)
class Terminology:
    """A coded concept: code, code system (``icf``, ``medcom``), optional description."""

    code: str
    code_system: str
    description: str | None = None


@dataclass(slots=True)
class AbilityToFunctionElement:
    """One scored activity of daily living."""

    terminology: Terminology
    score: str | None = None
    comment: FormattedText | None = None


@dataclass(slots=True)
class AbilityToFunction:
    """``ExpectedAbilityToFunctionAtDischarge``. ``elements`` None means the
    ``AbilityToFunctionElements`` wrapper is absent."""

    last_modified: str | None = None
    elements: list[AbilityToFunctionElement] | None = None


@dataclass(slots=True)
class NursingProblemArea:
    """One nursing problem area (A–K) and its description."""

    terminology: Terminology
    problem_area: FormattedText | None = None


@dataclass(slots=True)
class CarePlan(BaseLetter):
    """Plejeforløbsplan: what the municipality needs to take over care after discharge."""

    kind = "plejeforloebsplan"

    practitioner: Practitioner | None = None
    relatives: Relatives | None = None
    admission: Moment | None = None
    expected_end_of_treatment: Moment | None = None
    agreed_discharge: Moment | None = None
    agreed_discharge_comment: FormattedText | None = None
    cause_of_admission: FormattedText | None = None
    expected_course_of_admission: FormattedText | None = None
    risk_of_contagion: FormattedText | None = None
    diet: Diet | None = None
    further_coordination: FurtherCoordination | None = None
    ability_to_function: AbilityToFunction | None = None
    nursing_problem_areas: list[NursingProblemArea] | None = None
    local_elements: LocalElements | None = None
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
