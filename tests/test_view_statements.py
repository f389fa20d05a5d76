"""Critical facts are never missed and always quoted whole: a table of Danish clinical statements
run through all three letter kinds and both wire formats, and a Hypothesis property.

Markup in the table: ``\\n`` is a line break (``<Break/>``), ``*…*`` is bold. Every statement
about a topic (``SURFACE``) and every statement of the opposite (``OPPOSITE``: it is about the
topic, so it is shown too) must give a fact of its kind whose quote holds the whole statement;
statements about other topics (``OTHER``) must give no fact at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge.model import (
    Bold,
    Break,
    CarePlan,
    ClinicalInformation,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
    Letter,
    Message,
    RelevantClinicalInformation,
)
from medbridge.view import critical_facts, follow_up_statements
from medbridge.view.fields import field_source, visible_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"

R, C, S, F = "resuscitation", "cave", "contagion", "follow_up"

SURFACE: list[tuple[str, str]] = [
    (R, "Det er aftalt med patienten, at der ikke\nskal iværksættes genoplivning."),
    (R, "Beh.niveau aftalt 03.01.2025: ingen HLR og ingen respirator."),
    (R, "Pt. skal ikke genoplives ved hjertestop."),
    (R, "Behandlingstestamente foreligger, jf. pt. og datter."),
    (R, "HLR-minus, aftalt med pt. og ægtefælle d. 12.03.2025 kl. 14.30."),
    (R, "Ikke kandidat til ITA eller respiratorbehandling."),
    (R, "Fravalg af genoplivning er drøftet med pårørende."),
    (R, "*Behandlingsloft:* Ingen overflytning til intensiv, ingen pressorbehandling."),
    (R, "Pt. ønsker ikke at blive genoplivet ved evt. hjertestop."),
    (R, "Der er truffet beslutning om terapeutisk loft pga. svær KOL."),
    (R, "Ikke genoplivning (DNR) jf. samtale 14.02.2025."),
    (R, "Ingen livsforlængende behandling ved forværring."),
    (R, "Pt. har oprettet livstestamente."),
    (R, "Genoplivnig fravalgt efter samtale med pt."),
    (R, "Behandlingsnivau: afdelingsniveau, ikke ITA."),
    (R, "Ingen HLR\nved hjertestop, aftalt med pt. 01.02.2025."),
    (R, "Overflytning til intensiv afdeling er fravalgt."),
    (R, "Pt. er ikke intensivkandidat."),
    (R, "Ved hjertestop: ingen hjerte-lunge-redning."),
    (R, "Palliativ indsats; kun lindrende behandling fremover."),
    (R, "Hjertestopbehandling fravalgt iflg. aftale med pt."),
    (R, "ICD deaktiveret 02.02.2025 efter ønske fra pt."),
    (R, "Pt. ønsker ikke respirator eller intubation."),
    (R, "Reanimation fravalgt, jf. notat fra bagvagt."),
    (R, "Terminal pleje i eget hjem; pt. ønsker ikke\ngenindlæggelse."),
    (R, "Behandlingsniveau: *ikke* HLR, ikke ITA,\nikke NIV."),
    (R, "Ingen genoplivningsforsøg ved hjertestop."),
    (R, "Pt. er terminal, ikke\nkandidat til respirator."),
    (C, "Allergisk\nover for latex."),
    (C, "Tåler ikke morfin (kvalme og hallucinationer)."),
    (C, "CAVE: Penicillin."),
    (C, "Penicilinalergi (udslæt 2019)."),
    (C, "Må ikke få NSAID pga. ulcus."),
    (C, "Overfølsomhed over for jodholdigt kontraststof."),
    (C, "Anafylaktisk shock efter hvepsestik 2018."),
    (C, "Pt. har laktoseintolerans."),
    (C, "Kendt allergi for sulfa-præparater."),
    (C, "*CAVE* ACE-hæmmere (angioødem)."),
    (C, "Tåler ikke\nkodein, fik respirationsdepression."),
    (C, "Reagerer med udslæt efter amoxicillin."),
    (C, "Pt. er allergiker (pollen, husstøvmider)."),
    (C, "Kontraindiceret: metformin pga. nedsat nyrefunktion."),
    (C, "Må aldrig få haloperidol."),
    (C, "Alergi over for plaster."),
    (C, "Overfølsomhedsreaktion på kontrast 12.01.2024."),
    (C, "Hypersensitivitet over for opioider."),
    (C, "cave: sulfa og\n*penicillin*."),
    (S, "Isolation pga. MRSA."),
    (S, "ESBL-bærer."),
    (S, "Isoleret på enestue pga. Clostridium difficile."),
    (S, "Kontaktsmitte: brug handsker og overtrækskittel."),
    (S, "Dråbesmitte, influenza A påvist 10.01.2025."),
    (S, "Covid-19 positiv 03.03.2025; isoleres til 10.03."),
    (S, "Norovirus på afdelingen, pt. har haft diarré."),
    (S, "VRE påvist i rektalpodning."),
    (S, "Pt. har lus; hovedbunden behandlet 02.03.2025, hjemmeplejen informeret."),
    (S, "Fnat hos ægtefællen, pt. behandles samtidig."),
    (S, "Mistanke om lungetuberkulose, luftsmitte."),
    (S, "Pt. er smittet med skabies, behandlet 2 gange."),
    (S, "Multiresistente bakterier (CPO) påvist 2024."),
    (S, "TB-udredning pågår, isolation på enestue."),
    (S, "Skærpet hygiejne pga. C. diff."),
    (S, "MRSA-positiv ved screening 12.12.2024."),
    (S, "Pt. har helvedesild, undgå kontakt med gravide."),
    (S, "Hepatitis C-positiv, smitterisiko ved stik."),
    (S, "Roskildesyge hos ægtefælle, pt. har symptomer."),
    (S, "Isolaton pga. influenza."),
    (S, "Kighoste hos barnebarn; pt. observeres."),
    (S, "Bærer af CPE, påvist ved indlæggelse."),
    (S, "Pt. er\n*MRSA*-bærer, jf. podning 04.04.2024."),
]

OPPOSITE: list[tuple[str, str]] = [
    (R, "Fuld genoplivning."),
    (R, "Fuldt behandlingsniveau, pt. ønsker HLR."),
    (R, "Pt. er kandidat til intensiv behandling."),
    (R, "Der er ikke taget stilling til genoplivning."),
    (R, "Ingen behandlingsbegrænsning; fuld aktiv behandling."),
    (R, "HLR+ (fuld behandling)."),
    (R, "Genoplivning er ikke drøftet med pt. endnu."),
    (R, "Pt. ønsker genoplivning ved hjertestop."),
    (R, "Intet behandlingstestamente."),
    (R, "Pt. ønsker fuld behandling inkl. respirator og ITA."),
    (C, "Ingen kendte allergier."),
    (C, "Ingen kendt overfølsomhed over for lægemidler."),
    (C, "CAVE: 0"),
    (C, "Allergier: ingen."),
    (C, "Tåler penicillin fint; tidligere mistænkt allergi afkræftet."),
    (C, "Ingen medicinallergi."),
    (C, "Pt. afviser lægemiddelallergi."),
    (C, "Intet CAVE."),
    (C, "Ingen intolerance over for laktose."),
    (C, "Allergitest 11.11.2024 negativ."),
    (S, "MRSA-podning negativ."),
    (S, "Ingen smitterisiko."),
    (S, "Ikke isolationskrævende."),
    (S, "Covid-test negativ 01.02.2025."),
    (S, "Ingen mistanke om smitsom sygdom."),
    (S, "ESBL ikke påvist."),
    (S, "Isolation ophævet 05.01.2025."),
    (S, "Ikke smittet med norovirus."),
    (S, "Pt. er ikke bærer af VRE eller CPO."),
    (S, "Tuberkulose udelukket ved bronkoskopi."),
]

OTHER: list[str] = [
    "Indlagt med pneumoni, behandlet med antibiotika i.v.",
    "BT 140/90, puls 82, temp. 37,8.",
    "Hb 7,2 mmol/l, stabil.",
    "Isoleret systolisk hypertension, velbehandlet.",
    "Respiratorisk stabil, ikke dyspnøisk.",
    "Smerter af svingende intensitet, ikke behov for morfin.",
    "Indlagt på hospitalet i 5 dage.",
    "Blev overflyttet til ITA og ekstuberet efter 2 døgn.",
    "Der skabes ro omkring pt. om natten.",
    "Pt. isolerer sig socialt og er ensom.",
    "Mobiliseret med rollator, går selv på toilettet.",
    "Spiser og drikker godt, vægt 68 kg.",
    "Røntgen af thorax viser infiltrat i højre underlap.",
    "Sårheling ukompliceret, suturer fjernet 12.02.2025.",
    "Pt. er orienteret om diagnosen og forløbet.",
    "Datter deltog i samtalen.",
    "EKG: sinusrytme, ingen iskæmi.",
    "Blodsukker velreguleret på insulin.",
    "Kateter seponeret, spontan vandladning.",
    "Patienten taler ikke dansk, tolk anvendt.",
    "Vi måler ikke BT dagligt.",
    "Ingen tegn på infektion i såret.",
    "Sengeleje i 2 døgn pga. svimmelhed.",
    "CT af cerebrum uden blødning.",
    "Pt. fik 2 portioner blod.",
    "Coronarangiografi viste 2-karssygdom.",
    "Kompressionsstrømper anbefales.",
    "Ryger 20 cigaretter dagligt.",
    "Pt. bor alene i lejlighed på 2. sal uden elevator.",
    "Urinstiks: nitrit negativ.",
    "Det allervigtigste er ro og hvile.",
    "Der er installeret nødkald i hjemmet.",
    "Intensiteten af smerterne er aftaget, ingen opioider.",
    "Respiratoriske symptomer er ikke til stede.",
]

FOLLOW_UP: list[str] = [
    "Kontrol i amb. om 3 mdr.",
    "Egen læge bedes\nkontrollere BT om 1 uge.",
    "Indkaldes til genoptræning.",
    "Genoptræningsplan udarbejdet.",
    "Opfølgning hos e. læge: kontrolblodprøver 14.03.2025.",
]

#: Neutral paragraphs around each statement: they must never be part of its quote.
BEFORE = "Indlagt 01.02.2025 kl. 08.15 via FAM.\nKlinisk stabil under indlæggelsen."
AFTER = "Udskrives til eget hjem 05.02.2025."


def test_the_table_is_large_and_balanced() -> None:
    total = len(SURFACE) + len(OPPOSITE) + len(OTHER)
    assert total >= 120
    assert len(SURFACE) >= 0.45 * total
    assert len(OPPOSITE) >= 0.2 * total and len(OTHER) >= 0.2 * total
    for kind in (R, C, S):
        assert sum(1 for k, _ in SURFACE if k == kind) >= 15


def formatted(statement: str) -> FormattedText:
    """``\\n`` as Break, ``*…*`` as Bold."""
    items: list[Any] = []
    for number, part in enumerate(re.split(r"\*", statement)):
        lines = part.split("\n")
        runs: list[Any] = []
        for index, line in enumerate(lines):
            if index:
                runs.append(Break())
            if line:
                runs.append(line)
        items += [Bold(runs)] if number % 2 else runs
    return FormattedText(items)


def visible(statement: str) -> str:
    return visible_text(formatted(statement))


def field_text(statement: str) -> FormattedText:
    body = formatted(statement).content
    return FormattedText(
        [*_runs(BEFORE), Break(), Break(), *body, Break(), Break(), AFTER, Break()]
    )


@cache
def _base(kind: str, fmt: str) -> Message:
    name = {
        ("epikrise", "xml"): "epikrise/pneumoni.xml",
        ("epikrise", "edifact"): "epikrise/pneumoni.edi",
        ("henvisning", "xml"): "henvisning/hoste.xml",
        ("henvisning", "edifact"): "henvisning/hoste.edi",
        ("plejeforloebsplan", "xml"): "plejeforloebsplan/minimal.xml",
    }[(kind, fmt)]
    return medbridge.read(FIXTURES / name)


TARGETS = [
    ("epikrise", "xml"),
    ("epikrise", "edifact"),
    ("henvisning", "xml"),
    ("henvisning", "edifact"),
    ("plejeforloebsplan", "xml"),
]


def letter_with(kind: str, fmt: str, text: FormattedText) -> tuple[Letter, tuple[str | int, ...]]:
    """A letter of ``kind`` whose one scanned narrative field is ``text``, written in ``fmt``
    and read back; and the model path of that field."""
    message = _base(kind, fmt)
    letter = message.letter
    steps: tuple[str | int, ...]
    if isinstance(letter, DischargeLetter):
        new: Letter = replace(letter, clinical_information=[ClinicalInformation(text)])
        steps = ("clinical_information", 0, "text")
    elif isinstance(letter, HospitalReferral):
        rci = letter.relevant_clinical_information or RelevantClinicalInformation()
        new = replace(letter, relevant_clinical_information=replace(rci, anamnesis=text))
        steps = ("relevant_clinical_information", "anamnesis")
    else:
        assert isinstance(letter, CarePlan)
        new = replace(letter, expected_course_of_admission=text)
        steps = ("expected_course_of_admission",)
    data = medbridge.write(Message(message.envelope, [new], dict(message.wire)), fmt)
    return medbridge.read(data).letter, steps


def facts_of(kind: str, fmt: str, statement: str) -> tuple[list[Any], list[Any], str]:
    letter, steps = letter_with(kind, fmt, field_text(statement))
    source = field_source(letter, steps)
    critical = [f for f in critical_facts(letter) if f.source == source]
    follow = [f for f in follow_up_statements(letter) if f.source == source]
    return critical, follow, source


@pytest.mark.parametrize(("kind", "fmt"), TARGETS)
def test_every_statement_surfaces_whole_in_every_kind_and_format(kind: str, fmt: str) -> None:
    missed = []
    for expected, statement in SURFACE + OPPOSITE:
        critical, _, source = facts_of(kind, fmt, statement)
        whole = visible(statement)
        quoted = [f for f in critical if f.kind == expected and whole in f.text]
        if not quoted:
            missed.append((statement, [(f.kind, f.text) for f in critical]))
            continue
        fact = quoted[0]
        assert BEFORE not in fact.text and AFTER not in fact.text  # the paragraph only
        assert len(fact.text) >= len(whole)
        assert fact.terms and all(fact.text[t.start : t.end] == t.text for t in fact.terms)
        if fmt == "xml":
            assert source.startswith("/Emessage/")
        else:
            assert not source.startswith("/")
    assert not missed, missed  # recall 100 %


@pytest.mark.parametrize(("kind", "fmt"), TARGETS)
def test_other_topics_give_no_fact(kind: str, fmt: str) -> None:
    noisy = []
    for statement in OTHER:
        critical, follow, _ = facts_of(kind, fmt, statement)
        if critical or follow:
            noisy.append((statement, [(f.kind, f.text) for f in critical + follow]))
    assert not noisy, noisy


@pytest.mark.parametrize(("kind", "fmt"), [("epikrise", "edifact"), ("plejeforloebsplan", "xml")])
def test_follow_up_statements_are_quoted_whole(kind: str, fmt: str) -> None:
    for statement in FOLLOW_UP:
        critical, follow, _ = facts_of(kind, fmt, statement)
        assert not critical, statement
        assert [f.kind for f in follow] == [F], statement
        assert visible(statement) in follow[0].text


# ---------------------------------------------------------------------------------------------
# the property: anywhere in random clinical text, with random line breaks, dates, abbreviations

FILLER_WORDS = [
    "Pt.",
    "pga.",
    "bl.a.",
    "inkl.",
    "jf.",
    "ca.",
    "evt.",
    "f.eks.",
    "mht.",
    "iflg.",
    "kl. 14.30",
    "nr. 3",
    "beh.",
    "14.02.2025",
    "d. 3. marts",
    "2,5 mg",
    "BT 130/80.",
    "Hb 7,2.",
    "blev",
    "mobiliseret",
    "og",
    "spiser",
    "godt.",
    "Afføring",
    "normal.",
    "Sår",
    "pænt",
    "Tilset",
    "af",
    "læge",
    "stuegang",
]
SEPARATORS = [" ", " ", " ", "\n"]


@st.composite
def surroundings(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(FILLER_WORDS), max_size=60))
    out = ""
    for word in words:
        out += word + draw(st.sampled_from(SEPARATORS))
    return out


@st.composite
def placed_statement(draw: st.DrawFn) -> tuple[str, str, FormattedText]:
    kind, statement = draw(st.sampled_from(SURFACE + OPPOSITE))
    before = draw(surroundings())
    after = draw(surroundings())
    glue_before = draw(st.sampled_from(["", " ", "\n", "\n\n"])) if before else ""
    glue_after = draw(st.sampled_from(["", " ", "\n", "\n\n"])) if after else ""
    bold_from = draw(st.integers(0, len(after)))
    items: list[Any] = _runs(before + glue_before)
    items += formatted(statement).content
    items += _runs(glue_after + after[:bold_from])
    tail = _runs(after[bold_from:])
    if tail:
        items.append(Bold(tail))
    return kind, visible(statement), FormattedText(items)


def _runs(text: str) -> list[Any]:
    out: list[Any] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append(Break())
        if line:
            out.append(line)
    return out


@given(placed_statement())
def test_a_statement_anywhere_in_random_text_is_quoted_whole(
    case: tuple[str, str, FormattedText],
) -> None:
    kind, statement, text = case
    letter, _ = letter_with_text(text)
    facts = [f for f in critical_facts(letter) if f.kind == kind]
    assert any(statement in f.text for f in facts), (statement, [f.text for f in facts])


def letter_with_text(text: FormattedText) -> tuple[Letter, None]:
    letter = _base("epikrise", "xml").letter
    assert isinstance(letter, DischargeLetter)
    return replace(letter, clinical_information=[ClinicalInformation(text)]), None


@given(placed_statement(), st.integers(8, 40))
def test_long_paragraphs_are_shortened_only_around_whole_sentences(
    case: tuple[str, str, FormattedText], repeat: int
) -> None:
    kind, statement, text = case
    filler = "Pt. blev mobiliseret kl. 14.30 d. 14.02.2025 og spiste godt. " * repeat
    long = FormattedText([filler, *text.content, " ", filler])
    letter, _ = letter_with_text(long)
    facts = [f for f in critical_facts(letter) if f.kind == kind]
    assert any(statement in f.text for f in facts), (statement, [f.text for f in facts])
