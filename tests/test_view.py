"""The human view: critical facts quoted whole, the view model and its three renderings, the
vocabulary as package data, and linear matching work."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import medbridge
from medbridge.cli import main
from medbridge.errors import InternalError
from medbridge.model import (
    AdditionalInformation,
    Bold,
    Break,
    CarePlan,
    Center,
    ClinicalInformation,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FixedFont,
    FormattedText,
    HospitalReferral,
    IdentifierCode,
    LetterHeader,
    Message,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    Priority,
    ReferralStatus,
    RelationCode,
    Relative,
    RelevantClinicalInformation,
    Right,
    StatusCode,
    Transport,
)
from medbridge.view import critical_facts, follow_up_statements
from medbridge.view.facts import MAX_QUOTE
from medbridge.view.html import render_html
from medbridge.view.matcher import Matcher, ScanWork, matcher
from medbridge.view.model import FORMAT, build_view, view_dict, view_json
from medbridge.view.text import render_text
from medbridge.view.vocabulary import (
    FUZZY_MIN_LETTERS,
    load_vocabulary,
    parse_vocabulary,
    vocabulary,
)

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
HLR = VALID / "epikrise" / "hjertesvigt-hlr.xml"

SENDER = Party(
    PartyId("9999011", IdentifierCode.SKS_DEPARTMENT),
    ean="5799999000010",
    organisation="Eksempel Sygehus",
)
RECEIVER = Party(
    PartyId("999901", IdentifierCode.YDERNUMMER),
    ean="5799999000027",
    organisation="Lægehuset Prøvevej",
)
HEADER = LetterHeader("EPI1", Moment("2024-03-05", "14:05"), "XDIS01", StatusCode.CORRECTED)
PATIENT = Patient(
    PatientId.cpr("0707614285"), "Testesen", "Tove", status=EpisodeOfCareStatus.INPATIENT
)


def epikrise(*texts: FormattedText, **extra: object) -> DischargeLetter:
    return DischargeLetter(
        HEADER,
        SENDER,
        RECEIVER,
        PATIENT,
        clinical_information=[ClinicalInformation(t) for t in texts],
        **extra,  # type: ignore[arg-type]
    )


def message(letter: DischargeLetter | HospitalReferral | CarePlan) -> Message:
    return Message(Envelope(Moment("2024-03-05", "14:20"), "ENV1"), [letter])


# ---------------------------------------------------------------------------------------------
# the issue's examples


def test_a_decision_cut_by_a_line_break_is_quoted_whole() -> None:
    text = FormattedText(
        ["Det er aftalt med patienten, at der ikke", Break(), "skal iværksættes genoplivning."]
    )
    [fact] = critical_facts(epikrise(text))
    assert fact.kind == "resuscitation"
    assert fact.text == "Det er aftalt med patienten, at der ikke\nskal iværksættes genoplivning."
    assert [t.text for t in fact.terms] == ["genoplivning"]
    assert fact.text[fact.terms[0].start : fact.terms[0].end] == "genoplivning"


@pytest.mark.parametrize(
    ("statement", "kind", "terms"),
    [
        (
            "Beh.niveau aftalt 03.01.2025: ingen HLR og ingen respirator.",
            "resuscitation",
            ["Beh.niveau", "HLR", "respirator"],
        ),
        ("Isolation pga. MRSA.", "contagion", ["Isolation", "MRSA"]),
        ("Allergisk\nover for latex", "cave", ["Allergisk"]),
        ("Pt. skal ikke genoplives", "resuscitation", ["genoplives"]),
        ("Behandlingstestamente foreligger", "resuscitation", ["Behandlingstestamente"]),
        ("Tåler ikke morfin", "cave", ["Tåler ikke"]),
        ("ESBL-bærer", "contagion", ["ESBL"]),
        ("Genoplivnig fravalgt", "resuscitation", ["Genoplivnig"]),
        ("Penicilinalergi", "cave", ["Penicilinalergi"]),
    ],
)
def test_issue_examples(statement: str, kind: str, terms: list[str]) -> None:
    lines = statement.split("\n")
    items: list[object] = []
    for n, line in enumerate(lines):
        items += [Break(), line] if n else [line]
    [fact] = critical_facts(epikrise(FormattedText(items)))  # type: ignore[arg-type]
    assert (fact.kind, fact.text) == (kind, statement)
    assert [t.text for t in fact.terms] == terms


def test_matching_runs_across_formatting_elements() -> None:
    text = FormattedText(["Pt. ønsker ikke genop", Bold(["livning"]), "."])
    [fact] = critical_facts(epikrise(text))
    assert fact.text == "Pt. ønsker ikke genoplivning."
    assert [t.text for t in fact.terms] == ["genoplivning"]


def test_acronyms_are_whole_tokens_only() -> None:
    letter = epikrise(FormattedText(["Ikke indlagt på hospitalet, ikke på en VREDE afdeling."]))
    assert critical_facts(letter) == []
    letter = epikrise(FormattedText(["MRSA-positiv. Ikke ITA-kandidat."]))
    assert [f.kind for f in critical_facts(letter)] == ["resuscitation", "contagion"]


def test_intensiv_ita_respirator_need_a_negation_or_kandidat_in_the_sentence() -> None:
    plain = epikrise(FormattedText(["Overflyttet til ITA, i respirator i 2 døgn. Ikke feber."]))
    assert critical_facts(plain) == []
    negated = epikrise(FormattedText(["Overflyttet til ITA. Ikke respirator fremover."]))
    [fact] = critical_facts(negated)
    assert [t.text for t in fact.terms] == ["respirator"]


def test_compound_words_and_one_typo() -> None:
    for word in ("hjertestopbehandling", "penicillinallergi", "kontaktsmitte", "genoplivnning"):
        assert critical_facts(epikrise(FormattedText([f"Omtalt: {word}."]))), word
    # a real word one letter away is no typo; a short term never takes one
    for word in ("intensitet", "allervigtigste", "skabes", "taler ikke"):
        assert not critical_facts(epikrise(FormattedText([f"Pt. ikke {word}."]))), word


def test_paragraphs_bound_the_quote_and_abbreviations_never_end_it() -> None:
    text = FormattedText.of(
        "Indlagt med pneumoni.",
        "",
        "Pt. blev d. 14.02.2025 kl. 14.30 bl.a. orienteret, jf. samtale, iflg. aftale",
        "nr. 2 mht. beh.: ingen HLR, evt. fravalg af ITA.",
        "",
        "Kontrol hos egen læge om 4 uger.",
    )
    [fact] = critical_facts(epikrise(text))
    assert fact.text.startswith("Pt. blev d. 14.02.2025")
    assert fact.text.endswith("evt. fravalg af ITA.")
    [follow] = follow_up_statements(epikrise(text))
    assert follow.text == "Kontrol hos egen læge om 4 uger."


def test_a_long_paragraph_is_shortened_only_at_sentence_boundaries() -> None:
    filler = [f"Dag {n}: Pt. mobiliseret og spiser godt, BT 130/80." for n in range(30)]
    sentences = [*filler[:15], "Pt. ønsker ikke genoplivning.", *filler[15:]]
    [fact] = critical_facts(epikrise(FormattedText([" ".join(sentences)])))
    assert len(" ".join(sentences)) > MAX_QUOTE
    assert fact.text == f"… {filler[14]} Pt. ønsker ikke genoplivning. {filler[15]} …"
    assert fact.text[fact.terms[0].start : fact.terms[0].end] == "genoplivning"


def test_structured_fields_are_always_shown_whole() -> None:
    cave = FormattedText.of("Penicillin", "", "Latex (kontakteksem)")
    referral = HospitalReferral(
        LetterHeader("HEN1", Moment("2024-03-05", "14:05"), "XREF01", StatusCode.NEW),
        RECEIVER,
        SENDER,
        Patient(PatientId.alternative("0203291WQ3"), "Prøvesen"),
        relevant_clinical_information=RelevantClinicalInformation(cave=cave),
    )
    [fact] = critical_facts(referral)
    assert (fact.kind, fact.text, fact.source) == (
        "cave",
        "Penicillin\n\nLatex (kontakteksem)",
        "relevant_clinical_information.cave",
    )
    plan = CarePlan(
        LetterHeader("PLAN1", Moment("2024-05-02", "10:35"), "XDIS21"),
        SENDER,
        Party(PartyId("751", IdentifierCode.KOMMUNENUMMER)),
        Patient(PatientId.cpr("0707614285"), "Testesen"),
        risk_of_contagion=FormattedText(["Nej"]),
    )
    assert [(f.kind, f.text) for f in critical_facts(plan)] == [("contagion", "Nej")]


def test_diagnoses_and_attachment_descriptions_are_scanned() -> None:
    data = (VALID / "epikrise" / "pneumoni.xml").read_bytes()
    letter = medbridge.read(data).letter
    assert isinstance(letter, DischargeLetter)
    assert letter.diagnoses is not None and letter.diagnoses.main is not None
    letter.diagnoses.main.text = "Allergi over for penicillin"
    facts = critical_facts(letter)
    assert ("cave", "/Emessage/DischargeLetter/Diagnose/Main/DiagnoseText") in [
        (f.kind, f.source) for f in facts
    ]


def test_sources_are_element_paths_for_xml_and_model_paths_otherwise() -> None:
    xml = medbridge.read(HLR).letter
    edi = medbridge.read(HLR.with_suffix(".edi")).letter
    assert {f.source for f in critical_facts(xml)} == {
        "/Emessage/DischargeLetter/ClinicalInformation/Text01"
    }
    assert {f.source for f in critical_facts(edi)} == {"clinical_information[0].text"}
    plan = medbridge.read(VALID / "plejeforloebsplan" / "hlr-smitte.xml").letter
    sources = {f.source for f in critical_facts(plan)}
    assert "/Emessage/ProgressOfCarePlan/RiskOfContagion" in sources
    assert any(s.endswith("NursingProblemArea[1]/ProblemArea") for s in sources)


def test_opposite_statements_are_shown_and_nothing_is_interpreted() -> None:
    letter = epikrise(FormattedText(["Fuld genoplivning. Ingen kendte allergier."]))
    assert [f.kind for f in critical_facts(letter)] == ["resuscitation", "cave"]
    page = render_html(message(letter))
    assert "DNR" not in page


# ---------------------------------------------------------------------------------------------
# view model and renderings


def referral_with_everything() -> HospitalReferral:
    return HospitalReferral(
        LetterHeader("HEN1", Moment("2024-03-05", "14:05"), "XREF01", StatusCode.CORRECTED),
        RECEIVER,
        SENDER,
        Patient(PatientId.cpr("0707614285"), "Testesen", "Tove"),
        answer_cc_receiver=Party(PartyId("999902", IdentifierCode.YDERNUMMER), organisation="Kopi"),
        relatives=[Relative(RelationCode.CHILD, "Testesen", given_name="Anna")],
        additional_information=AdditionalInformation(
            priority=Priority.ACUTE,
            referral_status=ReferralStatus.ADMISSION,
            transport=Transport.LYING,
        ),
    )


def test_header_shows_status_priority_transport_referral_status_cc_and_relatives() -> None:
    letter = referral_with_everything()
    rows = {r.label: r.value for r in build_view(message(letter)).letters[0].rows}
    assert rows["Status"].startswith("Rettet brev")
    assert rows["Prioritet"] == "AKUT"
    assert rows["Transport"] == "Liggende"
    assert rows["Henvist til"] == "Indlæggelse"
    assert rows["Svar i kopi til"].startswith("Kopi")
    assert rows["Pårørende"] == "Anna Testesen (Barn)"
    assert rows["Patient"] == "Tove Testesen, CPR 070761-4285"  # the full CPR, by design
    page = render_html(message(letter))
    assert "Anna Testesen (Barn)" in page and "AKUT" in page and "barn" not in page.lower().split()


def test_every_kind_has_a_line_when_nothing_is_found() -> None:
    view = build_view(message(epikrise(FormattedText(["Alt vel."]))))
    lines = [s.none_found for s in view.letters[0].critical_summary]
    assert lines == [
        "Ingen omtale af genoplivning/behandlingsniveau fundet – læs hele brevet",
        "Ingen omtale af CAVE/allergi fundet – læs hele brevet",
        "Ingen omtale af smitte fundet – læs hele brevet",
    ]
    text = render_text(message(epikrise(FormattedText(["Alt vel."]))))
    assert all(line in text for line in lines) and "VIGTIGT" in text


def test_json_is_the_view_model_and_documented_shape() -> None:
    msg = medbridge.read(HLR)
    data = json.loads(view_json(msg))
    assert data == view_dict(build_view(msg))
    assert data["format"] == FORMAT == "medbridge-view/1"
    [letter] = data["letters"]
    assert set(letter) == {
        "kind",
        "critical",
        "critical_summary",
        "follow_up",
        "header",
        "sections",
    }
    assert set(letter["critical"][0]) == {"kind", "source", "field", "text", "terms"}
    assert letter["header"]["patient"]["identifier"] == "030934-1007"
    fact = letter["critical"][0]
    for term in fact["terms"]:
        assert fact["text"][term["start"] : term["end"]] == term["text"]


def test_text_box_follows_the_width_and_keeps_long_values_inside() -> None:
    long_line = "Pt. ønsker ikke genoplivning " + "og det er drøftet grundigt " * 12
    msg = message(epikrise(FormattedText([long_line, Break(), "anden linje med HLR."])))
    for width in (50, 100):
        lines = render_text(msg, width=width).splitlines()
        box = [line for line in lines if line.startswith("┃")]
        assert box and all(len(line) == width and line.endswith("┃") for line in box)
        assert max(len(line) for line in lines) <= width


def test_center_and_right_alignment_and_ansi_only_when_asked() -> None:
    text = FormattedText(
        [Center(["Titel", Break()]), "Brødtekst", Break(), Right(["Underskrift", Break()])]
    )
    lines = render_text(message(epikrise(text)), width=40).splitlines()
    assert "Titel".center(40).rstrip() in lines
    assert "Underskrift".rjust(40) in lines
    styled = message(epikrise(FormattedText([Bold(["fed"]), Break()])))
    assert "\x1b[" not in render_text(styled)
    assert "\x1b[1mfed" in render_text(styled, ansi=True)


def test_html_is_valid_escaped_printable_and_puts_the_box_first() -> None:
    text = FormattedText(
        [
            "<script>alert(1)</script> & genoplivning.",
            Break(),
            FixedFont([Center(["midt", Break()]), "tabel"]),
        ]
    )
    page = render_html(message(epikrise(text)))
    assert page.startswith('<!DOCTYPE html>\n<html lang="da">')
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http" not in page  # self-contained
    tree = etree.HTML(page)
    assert tree.find(".//meta[@name='viewport']") is not None
    assert tree.findtext(".//title") == "Epikrise (udskrivningsbrev) 05.03.2024 kl. 14:05"
    assert not tree.xpath("//pre//div | //*[@role='alert']")
    body = etree.tostring(tree, encoding="unicode")
    assert body.index('class="critical"') < body.index("Klinisk information 1</h2>")
    assert "@top-left" in page and "counter(page)" in page and "counter(pages)" in page


def test_css_string_escapes_a_hostile_name() -> None:
    patient = Patient(PatientId.cpr("0707614285"), 'X"</style><script>', "A\\")
    page = render_html(message(DischargeLetter(HEADER, SENDER, RECEIVER, patient)))
    style = page[page.index("<style>") : page.index("</style>")]
    assert "<script>" not in style and '"</' not in style


# ---------------------------------------------------------------------------------------------
# command line


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_show_formats() -> None:
    code, text = run("show", str(HLR))
    assert code == 0 and text.index("VIGTIGT") < text.index("Patient")
    code, page = run("show", str(HLR), "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>")
    code, data = run("show", str(HLR), "--format", "json", "--no-pager")
    assert code == 0 and json.loads(data)["format"] == FORMAT


def _show_in_a_terminal(*extra: str) -> str:
    """``medbridge show`` on a pseudo-terminal 10 lines high, with a pager that marks lines."""
    env = dict(os.environ, LINES="10", COLUMNS="90", PAGER="sed 's/^/PAGED:/'", TERM="xterm")
    env.pop("NO_COLOR", None)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", "show", str(HLR), *extra],
        stdout=secondary,
        stderr=secondary,
        stdin=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_pager_and_colour_on_a_terminal_only() -> None:
    paged = _show_in_a_terminal()
    assert "PAGED:" in paged and "\x1b[" in paged
    plain = _show_in_a_terminal("--no-pager")
    assert "PAGED:" not in plain and "VIGTIGT" in plain
    assert max(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in plain.splitlines()) <= 90


# ---------------------------------------------------------------------------------------------
# vocabulary as data


def test_vocabulary_has_the_issue_terms() -> None:
    vocab = vocabulary()
    by_kind: dict[str, set[str]] = {}
    for term in vocab.terms:
        by_kind.setdefault(term.kind, set()).add(term.text)
    for kind, words in {
        "resuscitation": {"genopliv", "hjertestop", "behandlingsniveau", "beh.niveau", "hlr"},
        "cave": {"cave", "allergi", "overfølsom", "intolerans", "anafylaksi", "tåler ikke"},
        "contagion": {"smitte", "isolation", "isoleres", "mrsa", "vre", "esbl", "cpo", "cpe"},
        "follow_up": {"kontrol", "opfølgning", "egen læge", "genoptræning"},
    }.items():
        assert words <= by_kind[kind], words - by_kind[kind]
    conditional = {t.text for t in vocab.terms if t.conditional}
    assert {"intensiv", "ita", "respirator"} <= conditional
    assert all(t.fuzzy for t in vocab.terms if t.text == "genoplivning")
    assert not any(t.fuzzy for t in vocab.terms if len(t.text) < FUZZY_MIN_LETTERS)


def test_a_missing_or_broken_vocabulary_is_an_error() -> None:
    with pytest.raises(InternalError) as info:
        load_vocabulary(name="no-such-file.toml")
    assert info.value.findings[0].code == "internal.vocabulary"
    text = (ROOT / "medbridge" / "view" / "vocabulary.toml").read_text("utf-8")
    for broken in ("not [toml", text.replace("[cave]", "[caves]"), text.replace("version = 1", "")):
        with pytest.raises(InternalError):
            parse_vocabulary(broken)


PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]


def test_the_vocabulary_ships_in_the_wheel(tmp_path: Path) -> None:
    subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("medbridge-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("medbridge/view/vocabulary.toml").decode("utf-8")
    assert parse_vocabulary(data) == vocabulary()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import medbridge.view.vocabulary as v;"
        "assert v.__file__.startswith(sys.argv[1]), v.__file__;"
        "print(len(v.vocabulary().terms))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert int(out.stdout) == len(vocabulary().terms)


# ---------------------------------------------------------------------------------------------
# linear work (counted, never timed)


@pytest.mark.parametrize(
    "block",
    [
        "Pt. ønsker ikke genoplivning, jf. samtale 14.02.2025 kl. 14.30. MRSA-bærer. ",
        "a",
        "genogenogeno ",
        "allallergiallall ",
        "ikke ITA ikke ITA ",
        "hlrhlr-hlr ",
        "      \n\n",
    ],
)
def test_matching_work_is_linear_in_the_text(block: str) -> None:
    engine: Matcher = matcher()
    bound = sum(len(entries) for entries in engine.index.values())
    counts = []
    for repeat in (2_000, 8_000):
        work = ScanWork()
        text = block * repeat
        engine.find(text, work)
        assert work.checks <= bound * len(text)
        assert work.compared <= 3 * max(len(t.text) + 1 for t in engine.terms) * work.checks
        counts.append((work.pieces, work.checks, work.compared, len(text)))
    (p1, c1, w1, n1), (p2, c2, w2, n2) = counts
    ratio = n2 / n1
    for small, large in ((p1, p2), (c1, c2), (w1, w2)):
        assert large <= ratio * small * 1.01 + 100
