"""The view model: what a person sees of a message, independent of how it is drawn.

:func:`build_view` turns a :class:`~medbridge.model.Message` into a :class:`View`; the terminal
(:mod:`medbridge.view.text`) and HTML (:mod:`medbridge.view.html`) renderings draw that same
object, and :func:`view_json` prints it as the documented, versioned JSON shape
``medbridge-view/1``::

    {"format": "medbridge-view/1",
     "letters": [{"kind": "epikrise",
                  "critical": [{"kind", "source", "field", "text",
                                "terms": [{"text", "start", "end", "term"}]}],
                  "critical_summary": [{"kind", "label", "count", "none_found"}],
                  "follow_up": [<same shape as critical>],
                  "header": {"title", "date", "patient": {"name", "identifier",
                             "identifier_kind"}, "rows": [{"label", "value"}]},
                  "sections": [{"title", "source", "text", "rows"}]}]}

``text`` of a section is the formatted text as a list of nodes: a string, ``{"type": "break"}``,
``{"type": "space"}`` or ``{"type": "bold"|"italic"|"underline"|"center"|"right"|"fixed",
"content": [...]}``. ``none_found`` is the sentence shown when a kind has no fact (else null).
A letter that arrived in SBDH/VANS envelopes adds a top-level ``"transport"`` object (the
"Forsendelse" block, shape in :mod:`medbridge.view.transport`); a bare letter has no such key.
Like the other renderings it carries the full CPR number: it is a view for people. A receipt
(``"kind": "kvittering"``) has ``"patient": null`` and no critical facts or follow-up
(:mod:`medbridge.view.receipt`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from medbridge.findings import Finding
from medbridge.model import (
    Bold,
    Break,
    CarePlan,
    Center,
    ClinicalLetter,
    DischargeLetter,
    FixedFont,
    FormattedText,
    HospitalReferral,
    Italic,
    Message,
    Moment,
    Party,
    Patient,
    Receipt,
    Relative,
    Right,
    Space,
    Underline,
)
from medbridge.model.epikrise import EPIKRISE_CLASSES, OutpatientDischargeLetter
from medbridge.view.facts import CriticalFact, letter_statements
from medbridge.view.fields import field_source, text_fields
from medbridge.view.labels import TITLES, code_label
from medbridge.view.transport import TransportView, transport_dict, transport_view
from medbridge.view.vocabulary import CRITICAL_KINDS, vocabulary

__all__ = [
    "FORMAT",
    "STYLE_NAMES",
    "KindSummary",
    "LetterView",
    "PatientLine",
    "Row",
    "Section",
    "View",
    "build_view",
    "danish_moment",
    "view_dict",
    "view_json",
]

FORMAT = "medbridge-view/1"


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    """A heading with formatted text (a free-text field) and/or label–value rows."""

    title: str
    source: str | None = None
    text: FormattedText | None = None
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True, slots=True)
class KindSummary:
    """One kind of critical fact in the box: its label, how many facts, and the sentence shown
    when there are none."""

    kind: str
    label: str
    count: int
    none_found: str | None


@dataclass(frozen=True, slots=True)
class PatientLine:
    """Who the letter is about: the line printed on every page. ``identifier`` is the full CPR
    (formatted ``DDMMYY-XXXX``) or replacement number."""

    name: str
    identifier: str
    identifier_kind: str

    def describe(self) -> str:
        label = "CPR" if self.identifier_kind == "cpr" else "Erstatnings-CPR"
        return f"{self.name}, {label} {self.identifier}"


@dataclass(frozen=True, slots=True)
class LetterView:
    kind: str
    title: str
    date: str
    #: None for a receipt, which is about an interchange, not a patient.
    patient: PatientLine | None
    critical: tuple[CriticalFact, ...]
    critical_summary: tuple[KindSummary, ...]
    follow_up: tuple[CriticalFact, ...]
    follow_up_label: str
    rows: tuple[Row, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class View:
    letters: tuple[LetterView, ...]
    #: How the message arrived, when it came in envelopes (see :mod:`medbridge.view.transport`).
    transport: TransportView | None = None


def build_view(message: Message, findings: Iterable[Finding] = ()) -> View:
    """The view model of every letter in ``message``; ``findings`` (e.g. those of
    :func:`medbridge.validate`) give the ``wrapper.*`` warnings of a wrapped message."""
    from medbridge.view.receipt import receipt_view

    return View(
        tuple(
            receipt_view(letter, message.envelope)
            if isinstance(letter, Receipt)
            else _letter_view(letter)
            for letter in message.letters
        ),
        transport_view(message.transport, findings),
    )


def danish_moment(moment: Moment | None) -> str:
    """``2025-02-14 09:30`` → ``14.02.2025 kl. 09:30``; a value that is no real date as it is."""
    if moment is None:
        return "–"
    day = moment.to_date()
    if day is None:
        return str(moment)
    text = f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    return f"{text} kl. {moment.time}" if moment.time else text


def _letter_view(letter: ClinicalLetter) -> LetterView:
    vocab = vocabulary()
    critical, follow_up = letter_statements(letter)
    summary = []
    for kind in CRITICAL_KINDS:
        terms = vocab.kind(kind)
        count = sum(1 for fact in critical if fact.kind == kind)
        summary.append(KindSummary(kind, terms.label, count, None if count else terms.none_found))
    return LetterView(
        kind=letter.kind,
        title=TITLES[letter.kind],
        date=danish_moment(letter.header.authorisation),
        patient=_patient_line(letter.patient),
        critical=tuple(critical),
        critical_summary=tuple(summary),
        follow_up=tuple(follow_up),
        follow_up_label=vocab.kind("follow_up").label,
        rows=tuple(_rows(letter)),
        sections=tuple(_sections(letter)),
    )


def _patient_line(patient: Patient) -> PatientLine:
    name = " ".join(n for n in (patient.given_name, patient.surname) if n)
    value = patient.identifier.value
    if patient.identifier.is_cpr and len(value) == 10 and value.isdigit():
        value = f"{value[:6]}-{value[6:]}"
    return PatientLine(name, value, patient.identifier.kind.value)


def _party(party: Party | None) -> str:
    if party is None:
        return "–"
    names = [n for n in (party.organisation, party.department, party.unit) if n and n != "_"]
    code = code_label(party.identifier.code)
    ident = f"{code} {party.identifier.value}"
    return ", ".join(names) + f" ({ident})" if names else ident


def _relative(relative: Relative) -> str:
    name = " ".join(n for n in (relative.given_name, relative.surname) if n) or "(uden navn)"
    parts = [f"{name} ({code_label(relative.relation)})"]
    parts += [f"tlf. {t.number} ({code_label(t.kind)})" for t in relative.telephones]
    if relative.informed is not None:
        parts.append("informeret" if relative.informed else "ikke informeret")
    return ", ".join(parts)


def _rows(letter: ClinicalLetter) -> list[Row]:
    """The header table: status, patient, parties, relatives, dates, the letter's id."""
    rows = _status_rows(letter)
    rows += _patient_rows(letter.patient)
    rows += _party_rows(letter)
    rows += [Row("Pårørende", _relative(relative)) for relative in _relatives(letter)]
    rows += _moment_rows(letter)
    rows.append(Row("Brev-id", letter.header.identifier))
    return rows


def _status_rows(letter: ClinicalLetter) -> list[Row]:
    rows = []
    if letter.header.status is not None:
        rows.append(Row("Status", code_label(letter.header.status)))
    if isinstance(letter, HospitalReferral) and letter.additional_information is not None:
        info = letter.additional_information
        if info.priority is not None:
            rows.append(Row("Prioritet", code_label(info.priority)))
        if info.referral_status is not None:
            rows.append(Row("Henvist til", code_label(info.referral_status)))
        if info.transport is not None:
            rows.append(Row("Transport", code_label(info.transport)))
    return rows


def _patient_rows(patient: Patient) -> list[Row]:
    rows = [Row("Patient", _patient_line(patient).describe())]
    address = ", ".join(
        p for p in (patient.street, patient.suburb, patient.postcode, patient.district) if p
    )
    if address:
        rows.append(Row("Adresse", address))
    phones = [f"{t.number} ({code_label(t.kind)})" for t in patient.telephones]
    if patient.telephone:
        phones.append(patient.telephone)
    if phones:
        rows.append(Row("Telefon", ", ".join(phones)))
    if patient.status is not None:
        rows.append(Row("Patientstatus", code_label(patient.status)))
    return rows


def _party_rows(letter: ClinicalLetter) -> list[Row]:
    rows = [Row("Fra", _party(letter.sender))]
    if letter.sender.referrer is not None:
        referrer = letter.sender.referrer
        rows.append(
            Row(
                "Henvisende læge",
                " ".join(p for p in (referrer.person_title, referrer.person_name) if p),
            )
        )
    rows.append(Row("Til", _party(letter.receiver)))
    if isinstance(letter, EPIKRISE_CLASSES) and letter.cc_receiver is not None:
        rows.append(Row("Kopi til", _party(letter.cc_receiver)))
    if isinstance(letter, HospitalReferral) and letter.answer_cc_receiver is not None:
        rows.append(Row("Svar i kopi til", _party(letter.answer_cc_receiver)))
    if isinstance(letter, CarePlan) and letter.practitioner is not None:
        gp = letter.practitioner
        value = ", ".join(
            p for p in (gp.person_name, f"ydernummer {gp.identifier.value}", gp.telephone) if p
        )
        rows.append(Row("Egen læge", value))
    return rows


def _moment_rows(letter: ClinicalLetter) -> list[Row]:
    rows = [Row("Godkendt", danish_moment(letter.header.authorisation))]
    if isinstance(letter, DischargeLetter | CarePlan):
        rows.append(Row("Indlagt", danish_moment(letter.admission)))
    if isinstance(letter, DischargeLetter):
        rows.append(Row("Udskrevet", danish_moment(letter.discharge)))
    if isinstance(letter, OutpatientDischargeLetter):
        rows.append(Row("Første ambulante besøg", danish_moment(letter.first_visit)))
        rows.append(Row("Sidste ambulante besøg", danish_moment(letter.last_visit)))
    if isinstance(letter, CarePlan):
        if letter.expected_end_of_treatment is not None:
            rows.append(Row("Forventet afsluttet", danish_moment(letter.expected_end_of_treatment)))
        rows.append(Row("Aftalt udskrivning", danish_moment(letter.agreed_discharge)))
    return rows


def _relatives(letter: ClinicalLetter) -> list[Relative]:
    if isinstance(letter, CarePlan):
        return letter.relatives.relatives if letter.relatives else []
    return letter.relatives


def _sections(letter: ClinicalLetter) -> list[Section]:
    sections: list[Section] = []
    diagnoses = [
        Row(field.label, _diagnosis_value(letter, field.steps, field.text))
        for field in text_fields(letter)
        if field.content is None and field.steps[0] in ("referral", "diagnoses")
    ]
    if diagnoses:
        sections.append(Section("Diagnoser", rows=tuple(diagnoses)))
    for field in text_fields(letter):
        if field.content is not None:
            source = field_source(letter, field.steps)
            sections.append(Section(field.label, source, field.content))
    references = getattr(letter, "references", [])
    if references:
        rows = []
        for reference in references:
            if reference.url is not None:
                where = reference.url
            elif reference.binary is not None:
                b = reference.binary
                where = f"{code_label(b.object_code)} ({b.extension.value}, {b.original_size} byte)"
            else:
                where = "sendes separat (supplerende)"
            rows.append(Row(reference.description, where))
        sections.append(Section("Bilag", rows=tuple(rows)))
    return sections


def _diagnosis_value(letter: ClinicalLetter, steps: tuple[str | int, ...], text: str) -> str:
    obj: Any = letter
    for step in steps[:-1]:
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    code = getattr(obj, "code", None)
    moment = getattr(obj, "moment", None)
    value = f"{code} {text}" if code else text
    return f"{value} ({danish_moment(moment)})" if moment is not None else value


# ---------------------------------------------------------------------------------------------
# JSON

#: The view's name of each style node of formatted text: the JSON view's ``type``, and what the
#: text and HTML renderings style by.
STYLE_NAMES: dict[type, str] = {
    Bold: "bold",
    Italic: "italic",
    Underline: "underline",
    Center: "center",
    Right: "right",
    FixedFont: "fixed",
}


def _nodes(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Break):
            out.append({"type": "break"})
        elif isinstance(item, Space):
            out.append({"type": "space"})
        else:
            out.append({"type": STYLE_NAMES[type(item)], "content": _nodes(item.content)})
    return out


def _fact_dict(fact: CriticalFact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "source": fact.source,
        "field": fact.field,
        "text": fact.text,
        "terms": [
            {"text": t.text, "start": t.start, "end": t.end, "term": t.term} for t in fact.terms
        ],
    }


def view_dict(view: View) -> dict[str, Any]:
    """The view as plain JSON-ready data (shape in the module docstring)."""
    letters = []
    for letter in view.letters:
        letters.append(
            {
                "kind": letter.kind,
                "critical": [_fact_dict(f) for f in letter.critical],
                "critical_summary": [
                    {"kind": s.kind, "label": s.label, "count": s.count, "none_found": s.none_found}
                    for s in letter.critical_summary
                ],
                "follow_up": [_fact_dict(f) for f in letter.follow_up],
                "header": {
                    "title": letter.title,
                    "date": letter.date,
                    "patient": None
                    if letter.patient is None
                    else {
                        "name": letter.patient.name,
                        "identifier": letter.patient.identifier,
                        "identifier_kind": letter.patient.identifier_kind,
                    },
                    "rows": [{"label": r.label, "value": r.value} for r in letter.rows],
                },
                "sections": [
                    {
                        "title": s.title,
                        "source": s.source,
                        "text": _nodes(s.text.content) if s.text is not None else None,
                        "rows": [{"label": r.label, "value": r.value} for r in s.rows],
                    }
                    for s in letter.sections
                ],
            }
        )
    out: dict[str, Any] = {"format": FORMAT, "letters": letters}
    if view.transport is not None:
        out["transport"] = transport_dict(view.transport)
    return out


def view_json(message: Message, findings: Iterable[Finding] = ()) -> str:
    """``medbridge show --format json``: the view model as JSON text."""
    view = build_view(message, findings)
    return json.dumps(view_dict(view), ensure_ascii=False, indent=2) + "\n"
