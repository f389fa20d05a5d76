"""Every free-text field of a letter, with its Danish heading and where it lives.

:func:`text_fields` lists, in reading order, every text a statement can hide in: the clinical
narrative of all three letter kinds, diagnosis texts and reference (attachment) descriptions.
Each :class:`TextField` knows its model path (``clinical_information[0].text``) and its
visible text (``Break`` as a line break, white space inside text runs as blanks, styles dropped).

:func:`field_source` gives the location a reader or integrator sees: for a letter read from XML
(the reader records the letter element's path in ``letter.wire["xml.letter_path"]``) the element
path, derived from the model path through the XML mapping tables
(``/Emessage/DischargeLetter/ClinicalInformation[2]/Text01``); for any other letter the model
path, since EDIFACT or hand-built letters have no element to point at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from medbridge.codecs.xml.codec import LETTER_PATH_KEY, mapping_of
from medbridge.codecs.xml.mapping import Flat, Leaf, Struct, Wrap
from medbridge.letters.declaration import XmlVersion
from medbridge.model import (
    CarePlan,
    ClinicalLetter,
    Diagnosis,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
)
from medbridge.model.epikrise import EPIKRISE_CLASSES, OutpatientDischargeLetter
from medbridge.model.text import plain_text
from medbridge.registry import REGISTRY, XML
from medbridge.view.labels import code_label

__all__ = ["Step", "TextField", "field_source", "model_path", "text_fields", "visible_text"]

Step = str | int


@dataclass(frozen=True, slots=True)
class TextField:
    """One free-text field. ``whole`` names the fact kind of a structured field that is always
    shown whole (the referral's ``Cave``, the care plan's ``RiskOfContagion``)."""

    label: str
    steps: tuple[Step, ...]
    text: str
    content: FormattedText | None = None
    whole: str | None = None


def visible_text(content: FormattedText) -> str:
    """What a reader sees: ``Break`` a line break, ``Space`` and raw line breaks inside text runs
    blanks (XML white space), styles dropped. Iterative (no recursion on input depth)."""
    return plain_text(content.content, _xml_blanks)


def _xml_blanks(run: str) -> str:
    return run.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def model_path(steps: tuple[Step, ...]) -> str:
    """``("clinical_information", 0, "text")`` → ``clinical_information[0].text``."""
    out = ""
    for step in steps:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else step
    return out


def _formatted(
    label: str, steps: tuple[Step, ...], content: FormattedText | None, whole: str | None = None
) -> Iterator[TextField]:
    if content is not None:
        yield TextField(label, steps, visible_text(content), content, whole)


def _plain(label: str, steps: tuple[Step, ...], text: str | None) -> Iterator[TextField]:
    if text:
        yield TextField(label, steps, text.replace("\r", " ").replace("\n", " "))


def text_fields(letter: ClinicalLetter) -> Iterator[TextField]:
    """Every free-text field of ``letter`` in reading order."""
    if isinstance(letter, EPIKRISE_CLASSES):
        yield from _diagnoses(letter)
        for n, info in enumerate(letter.clinical_information):
            yield from _formatted(
                f"Klinisk information {n + 1}", ("clinical_information", n, "text"), info.text
            )
    elif isinstance(letter, HospitalReferral):
        yield from _referral_texts(letter)
    else:
        yield from _care_plan_texts(letter)
    if not isinstance(letter, CarePlan):
        for n, reference in enumerate(letter.references):
            yield from _plain(
                f"Bilag {n + 1}", ("references", n, "description"), reference.description
            )


def _diagnosis(
    label: str, steps: tuple[Step, ...], diagnosis: Diagnosis | None
) -> Iterator[TextField]:
    if diagnosis is not None:
        yield from _plain(label, (*steps, "text"), diagnosis.text)


def _diagnoses(
    letter: DischargeLetter | OutpatientDischargeLetter | HospitalReferral,
) -> Iterator[TextField]:
    referral = letter.referral
    if referral is not None:
        yield from _diagnosis("Henvisningsdiagnose", ("referral", "refer"), referral.refer)
        for n, item in enumerate(referral.additional):
            label = f"Yderligere henvisningsdiagnose {n + 1}"
            yield from _diagnosis(label, ("referral", "additional", n), item)
    if isinstance(letter, EPIKRISE_CLASSES) and letter.diagnoses is not None:
        d = letter.diagnoses
        yield from _diagnosis("Hoveddiagnose", ("diagnoses", "main"), d.main)
        for n, item in enumerate(d.main_additional):
            yield from _diagnosis(
                f"Tillæg til hoveddiagnose {n + 1}", ("diagnoses", "main_additional", n), item
            )
        for n, item in enumerate(d.other):
            kind = code_label(item.kind) if item.kind is not None else "Diagnose"
            yield from _diagnosis(f"{kind} {n + 1}", ("diagnoses", "other", n), item)


def _referral_texts(letter: HospitalReferral) -> Iterator[TextField]:
    rci = letter.relevant_clinical_information
    add = letter.additional_information
    if rci is not None:
        yield from _formatted("CAVE", ("relevant_clinical_information", "cave"), rci.cave, "cave")
    if add is not None:
        yield from _formatted(
            "Henvisningsårsag", ("additional_information", "clinical_reason"), add.clinical_reason
        )
    yield from _diagnoses(letter)
    if rci is not None:
        items = (
            ("Anamnese", "anamnesis", rci.anamnesis),
            ("Undersøgelsesfund", "examination", rci.examination),
            ("Aktuel medicin", "actual_medicine", rci.actual_medicine),
        )
        for label, attr, content in items:
            yield from _formatted(label, ("relevant_clinical_information", attr), content)
    if add is not None:
        yield from _formatted(
            "Supplerende oplysninger",
            ("additional_information", "supplementary"),
            add.supplementary,
        )
    for n, visit in enumerate(letter.hospital_visitations):
        label = f"Visitation {n + 1}: {code_label(visit.code)}"
        yield from _formatted(label, ("hospital_visitations", n, "information"), visit.information)


def _care_plan_texts(plan: CarePlan) -> Iterator[TextField]:
    yield from _formatted(
        "Smitterisiko", ("risk_of_contagion",), plan.risk_of_contagion, "contagion"
    )
    simple = (
        ("Indlæggelsesårsag", "cause_of_admission", plan.cause_of_admission),
        ("Forventet forløb", "expected_course_of_admission", plan.expected_course_of_admission),
        (
            "Kommentar til udskrivningstidspunkt",
            "agreed_discharge_comment",
            plan.agreed_discharge_comment,
        ),
    )
    for label, attr, content in simple:
        yield from _formatted(label, (attr,), content)
    if plan.relatives is not None:
        yield from _formatted(
            "Pårørende, kommentar", ("relatives", "comment"), plan.relatives.comment
        )
    fc = plan.further_coordination
    if fc is not None:
        items = (
            ("Ændringer i hjemmet", "home_changes", fc.home_changes),
            ("Hjælpemidler", "schedule_auxiliaries", fc.schedule_auxiliaries),
            ("Genoptræningsbehov", "rehabilitation_needs", fc.rehabilitation_needs),
            ("Hjemmepleje", "home_care_needs", fc.home_care_needs),
            (
                "Hjælp til medicindispensering",
                "medicine_administration_help",
                fc.medicine_administration_help,
            ),
            ("Hjælp til medicinindtag", "medicine_consumption_help", fc.medicine_consumption_help),
        )
        for label, attr, content in items:
            yield from _formatted(label, ("further_coordination", attr), content)
        conference = fc.discharge_conference
        if conference is not None:
            where: tuple[Step, ...] = ("further_coordination", "discharge_conference", "comment")
            yield from _formatted("Udskrivningskonference", where, conference.comment)
        where = ("further_coordination", "other_municipal_work_needed")
        yield from _formatted("Andre kommunale opgaver", where, fc.other_municipal_work_needed)
    ability = plan.ability_to_function
    for n, element in enumerate((ability.elements or []) if ability else []):
        name = element.terminology.description or element.terminology.code
        path: tuple[Step, ...] = ("ability_to_function", "elements", n, "comment")
        yield from _formatted(f"Funktionsevne: {name}", path, element.comment)
    for n, area in enumerate(plan.nursing_problem_areas or []):
        name = area.terminology.description or area.terminology.code
        yield from _formatted(
            f"Problemområde: {name}",
            ("nursing_problem_areas", n, "problem_area"),
            area.problem_area,
        )


# ---------------------------------------------------------------------------------------------
# locations


def field_source(letter: ClinicalLetter, steps: tuple[Step, ...]) -> str:
    """Where the field at ``steps`` is: the XML element path for a letter read from XML, the
    model path otherwise (see the module docstring)."""
    base = letter.wire.get(LETTER_PATH_KEY)
    if isinstance(base, str):
        relative = _xml_steps(letter, steps)
        if relative is not None:
            return base + "".join(f"/{name}" for name in relative)
    return model_path(steps)


def _xml_steps(letter: ClinicalLetter, steps: tuple[Step, ...]) -> list[str] | None:
    """The element names from the letter element down to the field, by the letter version's
    mapping table; None when the table has no element for a step."""
    table = _table(letter)
    if table is None:
        return None
    names: list[str] = []
    obj: Any = letter
    position = 0
    while position < len(steps):
        attr = steps[position]
        entry = _entry(table, attr)
        if isinstance(entry, Flat):
            table, obj = entry.struct, getattr(obj, str(attr))
            position += 1
            continue
        if not isinstance(entry, Leaf):
            return None
        value = getattr(obj, str(attr))
        position += 1
        leaf: Leaf = entry
        while True:
            if leaf.many:
                index = steps[position]
                if not isinstance(index, int):
                    return None
                names.append(_indexed(leaf.name, index, len(value)))
                value = value[index]
                position += 1
            else:
                names.append(leaf.name)
            conv = leaf.conv
            if isinstance(conv, Wrap):
                leaf = conv.inner
                continue
            break
        if isinstance(conv, Struct):
            table, obj = conv, value
        elif position != len(steps):
            return None
    return names


def _indexed(name: str, index: int, count: int) -> str:
    return f"{name}[{index + 1}]" if count > 1 else name


def _entry(table: Struct, attr: Step) -> object | None:
    for entry in table.entries:
        if isinstance(entry, Leaf | Flat) and entry.attr == attr:
            return entry
    return None


def _table(letter: ClinicalLetter) -> Struct | None:
    """The letter table of the XML version ``letter`` is written in (only that one is loaded)."""
    version = REGISTRY.version_for(letter, XML)
    return mapping_of(version).letter if isinstance(version, XmlVersion) else None
