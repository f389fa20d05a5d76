"""A readable view of a letter for a person: plain text for a terminal, or a self-contained HTML
page.

Facts that must never be missed come first, in a box: CAVE/allergies, risk of contagion, and any
sentence about resuscitation or life-prolonging treatment found in the letter's text (MedCom has
no dedicated element for such decisions; ``xml-messages.md`` §8 item 10). The text is shown as it
is, with its line breaks and emphasis; nothing is interpreted beyond finding those sentences.

This module knows which model fields matter to a reader; it knows no wire format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from medbridge.model import (
    Bold,
    Break,
    CarePlan,
    Center,
    DischargeLetter,
    FixedFont,
    FormattedText,
    HospitalReferral,
    Italic,
    Letter,
    Message,
    Moment,
    Party,
    Relative,
    Right,
    Space,
    Underline,
)

__all__ = ["CriticalFact", "critical_facts", "render_html", "render_text", "text_fields"]

#: Words that mark a sentence about resuscitation or limits to life-prolonging treatment.
RESUSCITATION = re.compile(
    r"genoplivning|\bHLR\b|hjerte-?lunge-?redning|livsforlængende|behandlingsbegrænsning|"
    r"behandlingsniveau|\bDNR\b|\bDNAR\b|terminal\s+pleje",
    re.IGNORECASE,
)
ALLERGY = re.compile(r"\bCAVE\b|allergi|overfølsom", re.IGNORECASE)
CONTAGION = re.compile(r"smitte|\bMRSA\b|\bCPO\b|\bVRE\b|isolation", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


@dataclass(frozen=True, slots=True)
class CriticalFact:
    """A fact a reader must not miss: its kind (``cave``, ``contagion``, ``resuscitation``), where
    it was found, and the text."""

    kind: str
    source: str
    text: str


_LABELS = {
    "cave": "CAVE / allergi",
    "contagion": "Smitterisiko",
    "resuscitation": "Genoplivning / behandlingsniveau",
}


def text_fields(letter: Letter) -> Iterator[tuple[str, FormattedText]]:
    """Every free-text field of a letter, with a Danish label, in reading order."""
    if isinstance(letter, DischargeLetter):
        for n, info in enumerate(letter.clinical_information, 1):
            yield f"Klinisk information {n}", info.text
    elif isinstance(letter, HospitalReferral):
        add = letter.additional_information
        rci = letter.relevant_clinical_information
        pairs = [
            ("CAVE", rci.cave if rci else None),
            ("Henvisningsårsag", add.clinical_reason if add else None),
            ("Anamnese", rci.anamnesis if rci else None),
            ("Undersøgelsesfund", rci.examination if rci else None),
            ("Aktuel medicin", rci.actual_medicine if rci else None),
            ("Supplerende oplysninger", add.supplementary if add else None),
        ]
        yield from ((label, text) for label, text in pairs if text is not None)
        for visit in letter.hospital_visitations:
            yield f"Visitation ({visit.code.value})", visit.information
    else:
        yield from _care_plan_texts(letter)


def _care_plan_texts(plan: CarePlan) -> Iterator[tuple[str, FormattedText]]:
    simple = [
        ("Smitterisiko", plan.risk_of_contagion),
        ("Indlæggelsesårsag", plan.cause_of_admission),
        ("Forventet forløb", plan.expected_course_of_admission),
        ("Kommentar til udskrivningstidspunkt", plan.agreed_discharge_comment),
        ("Pårørende, kommentar", plan.relatives.comment if plan.relatives else None),
    ]
    yield from ((label, text) for label, text in simple if text is not None)
    fc = plan.further_coordination
    if fc is not None:
        items = [
            ("Ændringer i hjemmet", fc.home_changes),
            ("Hjælpemidler", fc.schedule_auxiliaries),
            ("Genoptræningsbehov", fc.rehabilitation_needs),
            ("Hjemmepleje", fc.home_care_needs),
            ("Medicindispensering", fc.medicine_administration_help),
            ("Medicinindtag", fc.medicine_consumption_help),
            (
                "Udskrivningskonference",
                fc.discharge_conference.comment if fc.discharge_conference else None,
            ),
            ("Andre kommunale opgaver", fc.other_municipal_work_needed),
        ]
        yield from ((label, text) for label, text in items if text is not None)
    for area in plan.nursing_problem_areas or []:
        if area.problem_area is not None:
            name = area.terminology.description or area.terminology.code
            yield f"Problemområde: {name}", area.problem_area
    ability = plan.ability_to_function
    for element in (ability.elements or []) if ability else []:
        if element.comment is not None:
            name = element.terminology.description or element.terminology.code
            yield f"Funktionsevne: {name}", element.comment


def _sentences(text: str) -> Iterator[str]:
    """Sentences of a text. A short heading line (no final punctuation) and the whole line after
    it form one unit, so "CAVE" + "Penicillin. ACE-hæmmere." reads as one fact."""
    heading = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) <= 40 and stripped[-1] not in ".!?;,":
            heading = stripped
            continue
        if heading:
            yield f"{heading}: {stripped}"
            heading = ""
            continue
        for match in _SENTENCE.finditer(stripped):
            sentence = match.group(0).strip()
            if sentence:
                yield sentence
    if heading:
        yield heading


def critical_facts(letter: Letter) -> list[CriticalFact]:
    """CAVE, contagion risk and resuscitation sentences, in a stable order."""
    facts: list[CriticalFact] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, source: str, text: str) -> None:
        if (kind, text) not in seen and text.strip():
            seen.add((kind, text))
            facts.append(CriticalFact(kind, source, text.strip()))

    if isinstance(letter, HospitalReferral) and letter.relevant_clinical_information:
        cave = letter.relevant_clinical_information.cave
        if cave is not None and cave.plain().strip():
            add("cave", "CAVE", cave.plain())
    if isinstance(letter, CarePlan) and letter.risk_of_contagion is not None:
        add("contagion", "Smitterisiko", letter.risk_of_contagion.plain())
    for label, text in text_fields(letter):
        for sentence in _sentences(text.plain()):
            if RESUSCITATION.search(sentence):
                add("resuscitation", label, sentence)
            if label not in ("CAVE", "Smitterisiko"):
                if ALLERGY.search(sentence):
                    add("cave", label, sentence)
                if CONTAGION.search(sentence):
                    add("contagion", label, sentence)
    order = {"resuscitation": 0, "cave": 1, "contagion": 2}
    return sorted(facts, key=lambda f: order[f.kind])


# ---------------------------------------------------------------------------------------------
# shared facts


def _party(party: Party | None) -> str:
    if party is None:
        return "-"
    names = [n for n in (party.organisation, party.department, party.unit) if n and n != "_"]
    ident = f"{party.identifier.code}: {party.identifier.value}"
    return ", ".join(names) + f" ({ident})" if names else ident


def _moment(moment: Moment | None) -> str:
    return "-" if moment is None else str(moment)


_TITLES = {
    "epikrise": "Epikrise (udskrivningsbrev)",
    "henvisning": "Henvisning",
    "plejeforloebsplan": "Plejeforløbsplan",
}


def _summary(letter: Letter) -> list[tuple[str, str]]:
    patient = letter.patient
    name = " ".join(n for n in (patient.given_name, patient.surname) if n)
    rows = [
        ("Fra", _party(letter.sender)),
        ("Til", _party(letter.receiver)),
        ("Patient", f"{name}, {patient.identifier.value}"),
        ("Godkendt", _moment(letter.header.authorisation)),
        ("Brev", letter.header.identifier),
    ]
    if isinstance(letter, DischargeLetter):
        rows += [("Indlagt", _moment(letter.admission)), ("Udskrevet", _moment(letter.discharge))]
    if isinstance(letter, CarePlan):
        rows += [
            ("Indlagt", _moment(letter.admission)),
            ("Aftalt udskrivning", _moment(letter.agreed_discharge)),
        ]
    return rows


def _diagnoses(letter: Letter) -> list[str]:
    lines: list[str] = []
    if isinstance(letter, DischargeLetter) and letter.diagnoses is not None:
        d = letter.diagnoses
        if d.main is not None:
            lines.append(f"Hoveddiagnose: {d.main.code} {d.main.text}")
        lines += [f"Tillæg: {x.code} {x.text}" for x in d.main_additional]
        lines += [f"{x.kind}: {x.code} {x.text}" for x in d.other]
    referral = getattr(letter, "referral", None)
    if referral is not None:
        if referral.refer is not None:
            lines.append(f"Henvisningsdiagnose: {referral.refer.code or ''} {referral.refer.text}")
        lines += [f"Yderligere: {x.code or ''} {x.text}" for x in referral.additional]
    return lines


def _relatives(letter: Letter) -> list[Relative]:
    if isinstance(letter, CarePlan):
        return letter.relatives.relatives if letter.relatives else []
    return letter.relatives


# ---------------------------------------------------------------------------------------------
# text


_ANSI = {
    Bold: ("\x1b[1m", "\x1b[22m"),
    Italic: ("\x1b[3m", "\x1b[23m"),
    Underline: ("\x1b[4m", "\x1b[24m"),
}


def _text_lines(text: FormattedText, ansi: bool, width: int) -> list[str]:
    """Render the inline tree to lines: Break ends a line, styles as ANSI (or nothing)."""
    lines: list[str] = [""]
    aligned: list[tuple[int, str]] = []
    stack: list[tuple[list[object], int, type | None]] = [(list(text.content), 0, None)]
    while stack:
        items, index, style = stack.pop()
        if index >= len(items):
            if style in _ANSI and ansi:
                lines[-1] += _ANSI[style][1]
            if style in (Center, Right):
                aligned.append((len(lines) - 1, "c" if style is Center else "r"))
            continue
        item = items[index]
        stack.append((items, index + 1, style))
        if isinstance(item, str):
            lines[-1] += item.replace("\r", "").replace("\n", " ")
        elif isinstance(item, Break):
            if style in (Center, Right):
                aligned.append((len(lines) - 1, "c" if style is Center else "r"))
            lines.append("")
        elif isinstance(item, Space):
            lines[-1] += " "
        else:
            kind = type(item)
            if kind in _ANSI and ansi:
                lines[-1] += _ANSI[kind][0]
            stack.append((list(getattr(item, "content", [])), 0, kind))
    for row, how in aligned:
        raw = lines[row]
        lines[row] = raw.center(width) if how == "c" else raw.rjust(width)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def render_text(message: Message, *, ansi: bool = False, width: int = 78) -> str:
    """The message as text for a terminal, one letter after the other."""
    out: list[str] = []
    for letter in message.letters:
        out += _letter_text(letter, ansi, width)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _box(lines: list[str], width: int) -> list[str]:
    inner = width - 4
    wrapped: list[str] = []
    for line in lines:
        while len(line) > inner:
            cut = line.rfind(" ", 0, inner)
            cut = cut if cut > 0 else inner
            wrapped.append(line[:cut])
            line = line[cut:].lstrip()
        wrapped.append(line)
    top = "┏" + "━" * (width - 2) + "┓"
    bottom = "┗" + "━" * (width - 2) + "┛"
    return [top, *("┃ " + w.ljust(inner) + " ┃" for w in wrapped), bottom]


def _letter_text(letter: Letter, ansi: bool, width: int) -> list[str]:
    bold = ("\x1b[1m", "\x1b[22m") if ansi else ("", "")
    out = [f"{bold[0]}{_TITLES[letter.kind]}{bold[1]}", ""]
    facts = critical_facts(letter)
    if facts:
        box = ["VIGTIGT"]
        box += [f"{_LABELS[f.kind]} ({f.source}): {f.text}" for f in facts]
        out += [*_box(box, width), ""]
    label_width = max(len(k) for k, _ in _summary(letter))
    out += [f"{k.ljust(label_width)}  {v}" for k, v in _summary(letter)]
    for relative in _relatives(letter):
        name = " ".join(n for n in (relative.given_name, relative.surname) if n)
        out.append(f"{'Pårørende'.ljust(label_width)}  {name} ({relative.relation})")
    diagnoses = _diagnoses(letter)
    if diagnoses:
        out += ["", f"{bold[0]}Diagnoser{bold[1]}", *("  " + d for d in diagnoses)]
    for label, text in text_fields(letter):
        out += ["", f"{bold[0]}{label}{bold[1]}", *_text_lines(text, ansi, width)]
    return out


# ---------------------------------------------------------------------------------------------
# HTML


_TAGS = {Bold: "strong", Italic: "em", Underline: "u", FixedFont: "pre"}


def _text_html(text: FormattedText) -> str:
    parts: list[str] = []
    stack: list[tuple[list[object], int, str]] = [(list(text.content), 0, "")]
    while stack:
        items, index, closing = stack.pop()
        if index >= len(items):
            parts.append(closing)
            continue
        item = items[index]
        stack.append((items, index + 1, closing))
        if isinstance(item, str):
            parts.append(html.escape(item))
        elif isinstance(item, Break):
            parts.append("<br>")
        elif isinstance(item, Space):
            parts.append("&#32;")
        else:
            kind = type(item)
            if kind is Center or kind is Right:
                align = "center" if kind is Center else "right"
                opening, close = f'<div style="text-align:{align}">', "</div>"
            else:
                tag = _TAGS[kind]
                opening, close = f"<{tag}>", f"</{tag}>"
            parts.append(opening)
            stack.append((list(getattr(item, "content", [])), 0, close))
    return "".join(parts)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.4}
.critical{border:3px solid #b00020;background:#fff3f3;padding:.5rem 1rem;margin:1rem 0}
.critical h2{color:#b00020;margin:.2rem 0}
table.facts th{text-align:left;padding-right:1rem;vertical-align:top}
pre{white-space:pre-wrap;margin:0;display:inline}
section.text{margin:1rem 0}
"""


def render_html(message: Message) -> str:
    """A self-contained HTML page of the same view (no scripts, no external resources)."""
    body: list[str] = []
    for letter in message.letters:
        body.append(f"<article><h1>{html.escape(_TITLES[letter.kind])}</h1>")
        facts = critical_facts(letter)
        if facts:
            body.append('<div class="critical" role="alert"><h2>Vigtigt</h2><ul>')
            body += [
                f"<li><strong>{html.escape(_LABELS[f.kind])}</strong> "
                f"({html.escape(f.source)}): {html.escape(f.text)}</li>"
                for f in facts
            ]
            body.append("</ul></div>")
        body.append('<table class="facts">')
        body += [
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in _summary(letter)
        ]
        body.append("</table>")
        diagnoses = _diagnoses(letter)
        if diagnoses:
            body.append("<h2>Diagnoser</h2><ul>")
            body += [f"<li>{html.escape(d)}</li>" for d in diagnoses]
            body.append("</ul>")
        for label, text in text_fields(letter):
            body.append(
                f'<section class="text"><h2>{html.escape(label)}</h2>'
                f"<div>{_text_html(text)}</div></section>"
            )
        body.append("</article>")
    return (
        '<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8">'
        "<title>medbridge</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
