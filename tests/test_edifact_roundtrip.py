"""Round trips through the EDIFACT codec.

* EDIFACT → model → EDIFACT is byte-identical for every ``.edi`` fixture, and for input that
  deviates from MedCom's writing in ways the model cannot hold (kept as provenance);
* XML → EDIFACT → XML gives back the original model, modulo the documented normalisations F1–F3
  (FormattedText, via ``ftx.normalise_for_ftx``), M1 (``_`` for a missing organisation name, and in
  REF01 a missing street) and M2 (StatisticalCode, REF01 AdditionalInformation);
* EDIFACT → XML → EDIFACT gives the same bytes, layout aside;
* Hypothesis: generated letters come back equal (modulo the same normalisations) or are refused
  with a ConversionError naming the field.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fixture_cases import edifact_clean_fixtures
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import as_outpatient, messages

import medbridge
from medbridge.codecs.edifact.codec import read_interchange, write_interchange, xml_losses
from medbridge.codecs.edifact.text import normalise_for_ftx
from medbridge.codecs.xml.codec import write_xml
from medbridge.errors import ConversionError
from medbridge.model import (
    EPIKRISE_CLASSES,
    AcknowledgementCode,
    AdditionalInformation,
    Bold,
    Break,
    Center,
    ClinicalInformation,
    CodeSystem,
    Diagnoses,
    Diagnosis,
    DiagnosisKind,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FixedFont,
    FormattedText,
    HospitalReferral,
    HospitalVisitation,
    IdentifierCode,
    InformationCode,
    Italic,
    LetterHeader,
    Message,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    Priority,
    Reference,
    Referral,
    Referrer,
    RelationCode,
    Relative,
    RelevantClinicalInformation,
    StatusCode,
    Telephone,
    TelephoneKind,
    Transport,
)
from medbridge.registry import REGISTRY

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
EDI_FIXTURES = sorted(FIXTURES.glob("*/*.edi"))


# ---------------------------------------------------------------------------------------------
# the documented normalisations


def _normalise_texts(letter: Any) -> None:
    if isinstance(letter, EPIKRISE_CLASSES):
        for info in letter.clinical_information:
            info.text = normalise_for_ftx(info.text)
        return
    info = letter.additional_information
    for name in ("supplementary", "clinical_reason"):
        if getattr(info, name) is not None:
            setattr(info, name, normalise_for_ftx(getattr(info, name)))
    clinical = letter.relevant_clinical_information
    if clinical is not None:
        for name in ("cave", "anamnesis", "examination", "actual_medicine"):
            if getattr(clinical, name) is not None:
                setattr(clinical, name, normalise_for_ftx(getattr(clinical, name)))
    for visit in letter.hospital_visitations:
        visit.information = normalise_for_ftx(visit.information)


def normalised(message: Message, *, texts: bool = True) -> Message:
    """``message`` as it must come back from EDIFACT: F1–F3 (when ``texts``), M1, M2."""
    out = copy.deepcopy(message)
    out.wire.clear()
    for letter in out.letters:
        letter.wire.clear()
        xml = REGISTRY.xml_of(letter.kind)
        assert xml is not None
        letter.header.statistical_code = xml.type_code  # M2
        if isinstance(letter, HospitalReferral) and letter.additional_information is None:
            letter.additional_information = AdditionalInformation()  # M2
        if texts:
            _normalise_texts(letter)
        _drop_empty_containers(letter)
        if isinstance(letter, EPIKRISE_CLASSES):
            parties = [letter.sender, letter.receiver, letter.cc_receiver]
            contact = letter.sender.contact
            if contact is not None and contact.organisation is None:
                contact.organisation = "_"  # M1
        else:
            parties = [letter.sender, letter.receiver, letter.answer_cc_receiver]
        for party in parties:
            if party is None:
                continue
            if party.organisation is None:
                party.organisation = "_"  # M1
        if isinstance(letter, HospitalReferral):
            for holder in (*[p for p in parties if p is not None], letter.patient):
                rest = (holder.suburb, holder.district, holder.postcode)
                if holder.street is None and any(v is not None for v in rest):
                    holder.street = "_"  # M1 (REF01 street)
    return out


def _drop_empty_containers(letter: Any) -> None:
    """A container without any value has no segment of its own (nothing is lost)."""
    if isinstance(letter, HospitalReferral):
        clinical = letter.relevant_clinical_information
        if clinical is not None and clinical == RelevantClinicalInformation():
            letter.relevant_clinical_information = None
        if letter.referral is not None and letter.referral == Referral():
            letter.referral = None
    elif letter.diagnoses is not None and letter.diagnoses == Diagnoses():
        letter.diagnoses = None


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.mark.parametrize("path", EDI_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_edifact_model_edifact_is_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    message, findings = read_interchange(data)
    assert not [f for f in findings if f.is_error]
    written, write_findings = write_interchange(message)
    assert written == data
    assert write_findings == []


def test_fixtures_have_both_layouts() -> None:
    layouts = {b"'\n" in path.read_bytes() for path in EDI_FIXTURES}
    assert layouts == {True, False}
    for path in EDI_FIXTURES:
        assert path.read_bytes().startswith(b"UNA:+.? '")


@pytest.mark.parametrize(
    "path", edifact_clean_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_edifact_clean_xml_fixture_has_a_twin(path: Path) -> None:
    twin = path.with_suffix(".edi")
    assert twin.exists(), f"{twin.name} is missing"
    xml_message = medbridge.read(path)
    edi_message, _ = read_interchange(twin.read_bytes())
    # XML → EDIFACT → XML: the same model, modulo F1–F3, M1, M2.
    assert normalised(edi_message, texts=False) == normalised(xml_message)
    # XML → EDIFACT gives the twin, layout aside.
    written, _ = write_interchange(xml_message, allow_nonstandard=True)
    assert written == twin.read_bytes().replace(b"'\n", b"'")


def _has_alignment(data: bytes) -> bool:
    return any(code in data for code in (b"+P0M+", b"+P0H+", b"+F0M+", b"+F0H+"))


def _non_ftx(data: bytes) -> list[bytes]:
    return [s for s in data.replace(b"'\n", b"'").split(b"'") if not s.startswith(b"FTX+")]


@pytest.mark.parametrize("path", EDI_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_edifact_xml_edifact_is_byte_identical_layout_aside(path: Path) -> None:
    data = path.read_bytes()
    message, _ = read_interchange(data)
    assert xml_losses(message) == []
    xml = write_xml(message)
    back = medbridge.read(xml)
    written, _ = write_interchange(back, allow_nonstandard=True)
    # Centred and right-aligned blocks included: a block that already holds its own leading or
    # trailing Break gets none added (the fixed-point rule in medbridge.codecs.edifact.text).
    assert written == data.replace(b"'\n", b"'")


def _visible(letter: Any) -> list[str]:
    import re

    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, FormattedText):
            found.append(re.sub("\n+", "\n", value.plain()))
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                if name != "wire":
                    walk(getattr(value, name))

    walk(letter)
    return found


def test_danish_letters_survive_xml_edifact_xml() -> None:
    message, _ = read_interchange((FIXTURES / "epikrise" / "medcom-example-6-5.edi").read_bytes())
    letter = message.letters[0]
    letter.patient.surname = "Ærø Ålborg"
    letter.patient.given_name = "Søren"
    letter.patient.street = "Ødis"
    xml = write_xml(message)
    edi, _ = write_interchange(medbridge.read(xml))
    again = medbridge.read(write_xml(read_interchange(edi)[0]))
    patient = again.letters[0].patient
    assert (patient.given_name, patient.surname, patient.street) == ("Søren", "Ærø Ålborg", "Ødis")


# ---------------------------------------------------------------------------------------------
# deviations from MedCom's writing survive EDIFACT → EDIFACT and are XML losses

GOLDEN = (FIXTURES / "epikrise" / "medcom-example-6-5.edi").read_bytes()
GOLDEN_REF = (FIXTURES / "henvisning" / "medcom-example-7-5.edi").read_bytes()


def _recount(data: bytes) -> bytes:
    """Fix UNT's count after editing a one-message interchange."""
    text = data.decode("latin-1")
    start = text.index("UNH+")
    end = text.index("UNT+")
    count = text[start:end].count("'") + 1
    head, rest = text[:end], text[end:]
    rest = "UNT+" + str(count) + rest[rest.index("+", 4) :]
    return (head + rest).encode("latin-1")


DEVIATIONS = [
    (b"NAD+PO+999901:YNR:SFU+", b"NAD+PO+999901:YNR:XXX+", "an unusual NAD agency"),
    (b"RFF+AHI:1'", b"RFF+AHI:2'", "an AHI value"),
    (b"CON++99990000:TE'", b"CON+WO+99990000:TE'", "a CON kind on a party"),
    (b"ADR++US:Byvej 2++9999'", b"ADR++US:Byvej 2++9999+DK'", "ADR element 5"),
    (b"Medicinsk Afdeling M::::US'", b"Medicinsk Afdeling M::X::US'", "NAD E4.4"),
    (b"DTM+182:202403051405:203'", b"DTM+182:202403051406:203'", "DTM+182 other than 137"),
    (b"SEQ++2'", b"SEQ++7'", "an unusual SEQ number"),
]


@pytest.mark.parametrize("old,new,what", DEVIATIONS, ids=[d[2] for d in DEVIATIONS])
def test_deviations_round_trip_and_are_reported(old: bytes, new: bytes, what: str) -> None:
    data = GOLDEN.replace(old, new)
    assert data != GOLDEN, what
    message, findings = read_interchange(data)
    assert "edifact.mapping.deviation" in [f.code for f in findings]
    written, _ = write_interchange(message)
    assert written == data
    losses = xml_losses(message)
    assert losses and all(f.code == "convert.loss" for f in losses)
    assert all(f.location.segment is not None for f in losses)


def test_replacement_id_under_another_rff_qualifier() -> None:
    data = GOLDEN.replace(
        b"PNA+PAT+0101011234:::CPR:IM+++SU:Testesen+FO:Tove'",
        b"PNA+PAT++++SU:Testesen+FO:Tove'\nRFF+ABC:0203291WQ3'",
    )
    data = _recount(data)
    message, findings = read_interchange(data)
    assert message.letters[0].patient.identifier == PatientId.alternative("0203291WQ3")
    assert "edifact.mapping.deviation" in [f.code for f in findings]
    assert write_interchange(message)[0] == data
    assert xml_losses(message)


def test_missing_una_and_crlf_layout_round_trip() -> None:
    data = GOLDEN[len(b"UNA:+.? '\n") :].replace(b"'\n", b"'\r\n")
    message, findings = read_interchange(data)
    assert "edifact.mapping.no-una" in [f.code for f in findings]
    assert write_interchange(message)[0] == data
    plain, _ = read_interchange(GOLDEN)
    assert normalised(message, texts=False) == normalised(plain, texts=False)


def test_group_order_is_kept() -> None:
    text = GOLDEN.decode("latin-1")
    s05 = text[text.index("S05+05'") : text.index("S07+07'")]
    s02 = text[text.index("S02+02'") : text.index("S05+05'")]
    data = text.replace(s02 + s05, s05 + s02).encode("latin-1")
    message, findings = read_interchange(data)
    assert "edifact.mapping.group-order" in [f.code for f in findings]
    assert write_interchange(message)[0] == data
    assert xml_losses(message) == []


def test_changed_field_drops_its_provenance_only() -> None:
    data = GOLDEN.replace(b"NAD+PO+999901:YNR:SFU+", b"NAD+PO+999901:YNR:XXX+")
    message, _ = read_interchange(data)
    letter = message.letters[0]
    letter.patient.given_name = "Tina"
    written, _ = write_interchange(message)
    assert b"999901:YNR:XXX+" in written  # the untouched deviation stays
    assert b"FO:Tina'" in written
    letter.receiver.identifier = PartyId("999909", IdentifierCode.YDERNUMMER)
    written, _ = write_interchange(message)
    assert b"NAD+PO+999909:YNR:SFU+" in written  # changed: canonical


def test_several_messages_share_the_envelope() -> None:
    one, _ = read_interchange(GOLDEN)
    two = copy.deepcopy(one)
    two.letters.append(copy.deepcopy(one.letters[0]))
    two.letters[1].header.identifier = "EPI0000043"
    two.letters[1].wire.clear()
    data, _ = write_interchange(two)
    assert data.count(b"UNH+") == 2 and b"UNZ+2+ENV0000042'" in data
    back, _ = read_interchange(data)
    assert [letter.header.identifier for letter in back.letters] == ["EPI0000042", "EPI0000043"]
    assert write_interchange(back)[0] == data
    streamed = list(medbridge.iter_read(data))
    assert len(streamed) == 2
    assert streamed[1].envelope == back.envelope


# ---------------------------------------------------------------------------------------------
# Hypothesis

_LATIN = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;-/()&<>\"'+:?*=æøåÆØÅéüß"
)
names = st.text(_LATIN, min_size=1, max_size=35).filter(lambda s: s != "_")
words = st.text(_LATIN, min_size=1, max_size=90)
moments = st.builds(
    lambda d, h, m: Moment(d.isoformat(), f"{h:02d}:{m:02d}"),
    st.dates(
        min_value=__import__("datetime").date(1990, 1, 1),
        max_value=__import__("datetime").date(2060, 12, 31),
    ),
    st.integers(0, 23),
    st.integers(0, 59),
)
_runs = st.one_of(words, st.just(Break()))
texts = st.builds(
    FormattedText,
    st.lists(
        st.one_of(
            _runs,
            st.builds(Bold, st.lists(_runs, max_size=3)),
            st.builds(Italic, st.lists(_runs, max_size=3)),
            st.builds(Center, st.lists(_runs, max_size=3)),
            st.builds(FixedFont, st.lists(_runs, max_size=3)),
        ),
        min_size=1,
        max_size=5,
    ),
).filter(lambda t: not t.is_empty())
party_ids = st.builds(
    PartyId,
    st.text("0123456789", min_size=6, max_size=13),
    st.sampled_from(list(IdentifierCode)),
)
postcodes = st.none() | st.text("0123456789", min_size=4, max_size=4)


def _party(ean: str | None) -> st.SearchStrategy[Party]:
    return st.builds(
        Party,
        identifier=party_ids,
        ean=st.just(ean),
        organisation=names,
        department=st.none() | names,
        street=st.none() | names,
        suburb=st.none() | names,
        postcode=postcodes,
    )


patients = st.builds(
    Patient,
    identifier=st.builds(PatientId.cpr, st.just("0707614285"))
    | st.builds(PatientId.alternative, st.just("0203291WQ3")),
    surname=names,
    given_name=st.none() | names,
    street=st.none() | names,
    postcode=postcodes,
)
diagnoses = st.builds(
    Diagnosis,
    text=names,
    code=st.text("ABCDEFGHIJ0123456789", min_size=3, max_size=8),
    code_system=st.sampled_from(list(CodeSystem)),
)
references = st.one_of(
    st.builds(Reference, description=names, url=st.text(_LATIN[:62], min_size=1, max_size=276)),
    st.builds(Reference, description=names, supplementary=st.just(True)),
)


def _header(letter_type: str) -> st.SearchStrategy[LetterHeader]:
    return st.builds(
        LetterHeader,
        identifier=st.text("ABCDEFGHIJ0123456789", min_size=1, max_size=14),
        authorisation=moments,
        statistical_code=st.just("X" + letter_type),
        status=st.just(StatusCode.NEW),
        episode_of_care_id=st.none() | st.text("0123456789abcdef", min_size=1, max_size=35),
    )


discharge_letters = st.builds(
    DischargeLetter,
    header=_header("DIS01"),
    sender=_party("5799999000010"),
    receiver=_party("5799999000027"),
    patient=patients.map(lambda p: (setattr(p, "status", EpisodeOfCareStatus.INPATIENT), p)[1]),
    relatives=st.lists(
        st.builds(
            Relative,
            relation=st.sampled_from(list(RelationCode)[:4]),
            surname=names,
            given_name=st.none() | names,
        ),
        max_size=2,
    ),
    referral=st.none()
    | st.builds(
        Referral,
        identifier=st.none() | names,
        received=st.none() | moments,
        refer=st.none() | diagnoses,
    ),
    admission=st.none() | moments,
    diagnoses=st.none()
    | st.builds(
        Diagnoses,
        main=st.builds(Diagnosis, text=names, code=st.just("DJ189")),
        other=st.lists(
            diagnoses.map(lambda d: (setattr(d, "kind", DiagnosisKind.OPERATION), d)[1]),
            max_size=2,
        ),
    ),
    clinical_information=st.lists(
        st.builds(ClinicalInformation, text=texts, signed=st.none() | moments), max_size=2
    ),
    references=st.lists(references, max_size=3),
)

outpatient_letters = discharge_letters.map(as_outpatient)
"""DIS02: the DIS01 letters above with their visits (exchange-messages.md §C.3)."""

hospital_referrals = st.builds(
    HospitalReferral,
    header=_header("REF01"),
    sender=_party("5799999000027").map(
        lambda p: (setattr(p, "referrer", Referrer("Lene Lægesen", person_title="Læge")), p)[1]
    ),
    receiver=_party("5799999000010"),
    patient=patients.map(
        lambda p: (setattr(p, "telephones", [Telephone("12345678", TelephoneKind.MOBILE)]), p)[1]
    ),
    additional_information=st.builds(
        AdditionalInformation,
        priority=st.none() | st.sampled_from(list(Priority)),
        transport=st.none() | st.sampled_from(list(Transport)),
        clinical_reason=st.none() | texts,
        supplementary=st.none() | texts,
    ),
    relevant_clinical_information=st.none()
    | st.builds(RelevantClinicalInformation, cave=st.none() | texts, anamnesis=st.none() | texts),
    hospital_visitations=st.lists(
        st.builds(
            HospitalVisitation,
            st.sampled_from(list(InformationCode)),
            st.builds(FormattedText.of, names),
        ),
        max_size=2,
    ),
)

envelopes = st.builds(
    Envelope,
    sent=moments,
    identifier=st.text("ABC0123456789", min_size=1, max_size=14),
    acknowledgement=st.sampled_from(list(AcknowledgementCode)),
)


@settings(max_examples=40, deadline=None)
@given(envelopes, st.one_of(discharge_letters, outpatient_letters, hospital_referrals))
def test_generated_letters_round_trip(envelope: Envelope, letter: Any) -> None:
    message = Message(envelope, [letter])
    try:
        data, findings = write_interchange(message, allow_nonstandard=True)
    except ConversionError as exc:
        # Only the documented count limits may refuse these EDIFACT-clean letters.
        assert {f.code for f in exc.findings} <= {"convert.unmapped"}
        return
    assert not [f for f in findings if f.code == "convert.loss"]
    back, read_findings = read_interchange(data)
    assert not [f for f in read_findings if f.is_error]
    assert normalised(back, texts=False) == normalised(message)
    assert write_interchange(back, allow_nonstandard=True)[0] == data


@settings(max_examples=25, deadline=None)
@given(messages())
def test_any_valid_model_round_trips_or_is_refused_naming_the_field(message: Message) -> None:
    try:
        data, _ = write_interchange(message)
    except ConversionError as exc:
        assert exc.findings
        for finding in exc.findings:
            assert finding.code.startswith("convert.")
            assert finding.location.path
        return
    back, _ = read_interchange(data)
    assert normalised(back, texts=False) == normalised(message)
