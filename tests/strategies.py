"""Hypothesis strategies for valid medbridge models of all three letter kinds.

``messages(kind=None)`` builds a :class:`~medbridge.model.Message` whose letters respect the
cardinalities, lengths, code lists and value patterns of their XML version (xml-messages.md §4)
and the FormattedText nesting rules of §3.11; XDIS01 and XREF01 letters may share one Emessage.

Text choice (documented as the brief asks): free text and names mix ASCII (with ``& < > " '`` and
``+ : ? *``), Danish letters, windows-1252-only characters (``€ “ ” –``), characters outside
Latin-1 (written as character references), spaces, TAB, LF **and CR**. CR survives because the
writer emits it as ``&#13;`` (normalisation X4 only turns *literal* CR into LF). Left out:
C0 controls other than TAB/LF/CR and U+FFFE/U+FFFF (XML 1.0 cannot hold them: the writer refuses,
tested separately), C1 controls (the parse policy rejects them), and ``Â``/``Ã`` (the parse
policy's mojibake heuristic rejects ``Ã`` + ``©``-like pairs in single-byte documents). A
character of ``æøåÆØÅéüß`` is never directly followed by one of ``€“”–`` (that one becomes a
space): in windows-1252 such a pair is valid UTF-8 (``ß€`` = ``DF 80``), which the parse policy
would read as "UTF-8 declared as windows-1252" when it is the only non-ASCII text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from medbridge.model import (
    AbilityToFunction,
    AbilityToFunctionElement,
    AcknowledgementCode,
    AdditionalInformation,
    BinaryObject,
    Bold,
    Break,
    CarePlan,
    Center,
    ClinicalInformation,
    CodeSystem,
    Contact,
    ContactInformation,
    Diagnoses,
    Diagnosis,
    DiagnosisKind,
    Diet,
    DischargeConference,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FixedFont,
    FormattedText,
    FurtherCoordination,
    HospitalReferral,
    HospitalVisitation,
    IdentifierCode,
    InformationCode,
    Italic,
    LetterHeader,
    LocalElements,
    MedicalSpeciality,
    Message,
    Moment,
    NursingProblemArea,
    ObjectCode,
    ObjectExtension,
    OriginalLetter,
    OutpatientDischargeLetter,
    Party,
    PartyId,
    Patient,
    PatientId,
    Practitioner,
    Priority,
    Receipt,
    ReceiptVariant,
    Reference,
    Referral,
    ReferralStatus,
    Referrer,
    Refusal,
    RefuseCode,
    RelationCode,
    Relative,
    Relatives,
    RelevantClinicalInformation,
    Right,
    SignedBy,
    Space,
    StatusCode,
    Telephone,
    TelephoneCode,
    TelephoneKind,
    Terminology,
    Transport,
    Underline,
)
from medbridge.xml.namespaces import M103, MC2005
from medbridge.xml.parse import parse_trusted

__all__ = [
    "care_plans",
    "discharge_letters",
    "formatted_texts",
    "hospital_referrals",
    "messages",
    "receipt_messages",
    "receipts",
    "texts",
]

ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " .,;-_/()&<>\"'+:?*=#%@!"
    "\t\n\r"
    "æøåÆØÅéüß€“”–Ω中😀"
)
_UTF8_LOOKALIKE = re.compile("([æøåÆØÅéüß])[€“”–]")


def _safe(text: str) -> str:
    return _UTF8_LOOKALIKE.sub(r"\1 ", text)


def texts(min_size: int = 1, max_size: int = 35) -> st.SearchStrategy[str]:
    """Strings of ``min_size``..``max_size`` characters from :data:`ALPHABET`."""
    return st.text(ALPHABET, min_size=min_size, max_size=max_size).map(_safe)


def exact_length(size: int) -> st.SearchStrategy[str]:
    return (
        st.text(ALPHABET, min_size=size, max_size=size).map(_safe).filter(lambda s: len(s) == size)
    )


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def codes(enum_cls: Any, *exclude: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from([m for m in enum_cls if m not in exclude])


def open_codes(enum_cls: Any) -> st.SearchStrategy[Any]:
    """XDIS21 codes: a known value or any other string (kept as a string)."""
    return st.sampled_from(list(enum_cls)) | texts(1, 20)


dates = st.dates().map(lambda d: d.isoformat())
times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
moments = st.builds(Moment, dates, times)
digits10 = st.text("0123456789", min_size=10, max_size=10)
patient_ids = st.builds(PatientId.cpr, digits10) | st.builds(
    PatientId.alternative, exact_length(10)
)
postcodes = texts(0, 9)

# ---------------------------------------------------------------------------------------------
# formatted text (§3.11)

_runs = texts(1, 20)
_breakable = st.one_of(_runs, st.just(Break()), st.just(Space()))
_styled = st.one_of(
    *(
        st.builds(cls, st.lists(_breakable, max_size=4))
        for cls in (Bold, Italic, Underline, Center, Right)
    )
)
_fixed = st.builds(FixedFont, st.lists(st.one_of(_breakable, _styled), max_size=4))
_top = st.one_of(_runs, st.just(Break()), st.just(Space()), _styled, _fixed)


def formatted_texts(max_items: int = 6) -> st.SearchStrategy[FormattedText]:
    """Any FormattedText the nesting rules allow, the empty one included."""
    return st.builds(FormattedText, st.lists(_top, max_size=max_items))


# ---------------------------------------------------------------------------------------------
# 2005 building blocks

_IDENTIFIER_CODES = codes(IdentifierCode)
_SPECIALITIES = codes(MedicalSpeciality, MedicalSpeciality.PAEDIATRI_SYGEHUS)
_RELATIONS_2005 = codes(RelationCode, RelationCode.SPOUSE)
_KINDS_2005 = codes(DiagnosisKind, DiagnosisKind.GRUNDMORBUS)
party_ids = st.builds(PartyId, texts(1, 17), _IDENTIFIER_CODES)
envelopes = st.builds(
    Envelope, sent=moments, identifier=texts(1, 14), acknowledgement=codes(AcknowledgementCode)
)


def _header(status: Any) -> st.SearchStrategy[LetterHeader]:
    return st.builds(
        LetterHeader,
        identifier=texts(1, 14),
        authorisation=moments,
        statistical_code=texts(1, 8),
        status=status,
        episode_of_care_id=opt(texts(1, 35)),
    )


def _address() -> dict[str, Any]:
    return dict(
        street=opt(texts(1, 35)),
        suburb=opt(texts(1, 35)),
        district=opt(texts(1, 35)),
        postcode=opt(postcodes),
    )


def _names(organisation: st.SearchStrategy[Any]) -> dict[str, Any]:
    return dict(
        organisation=organisation,
        department=opt(texts(1, 35)),
        unit=opt(texts(1, 35)),
    )


receivers_2005 = st.builds(
    Party, identifier=party_ids, ean=texts(1, 35), **_names(opt(texts(1, 35))), **_address()
)
references = st.one_of(
    st.builds(Reference, description=texts(1, 70), url=texts(1, 350)),
    st.builds(Reference, description=texts(1, 70), supplementary=st.just(True)),
    st.builds(
        Reference,
        description=texts(1, 70),
        binary=st.builds(
            BinaryObject,
            texts(1, 35),
            codes(ObjectCode),
            codes(ObjectExtension),
            st.integers(1, 10**12),
        ),
    ),
)


def _local_elements(namespace: str) -> st.SearchStrategy[LocalElements | None]:
    def build(text: str) -> LocalElements:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "&#13;")
        source = (
            f'<Local_Elements xmlns="{namespace}"><x:Note xmlns:x="urn:example:local" '
            f'x:kind="lokal">{escaped}</x:Note> <!-- lokal --></Local_Elements>'
        )
        element = parse_trusted(source.encode("utf-8"))
        xml = etree.tostring(element, method="c14n2", with_comments=True).decode("utf-8")
        return LocalElements(xml)

    return opt(st.builds(build, texts(0, 20)))


# ---------------------------------------------------------------------------------------------
# XDIS01


def _simple_diagnoses() -> st.SearchStrategy[Diagnosis]:
    return st.builds(Diagnosis, text=texts(1, 70), code=texts(1, 17))


def _qualified_diagnoses() -> st.SearchStrategy[Diagnosis]:
    return st.builds(Diagnosis, text=texts(1, 70), code=texts(1, 17), code_system=codes(CodeSystem))


_full_diagnoses = st.builds(
    Diagnosis,
    text=texts(1, 70),
    code=texts(1, 17),
    code_system=codes(CodeSystem),
    kind=_KINDS_2005,
    moment=opt(moments),
)

discharge_letters = st.builds(
    DischargeLetter,
    header=_header(codes(StatusCode)),
    sender=st.builds(
        Party,
        identifier=party_ids,
        ean=texts(1, 35),
        **_names(texts(1, 35)),
        **_address(),
        telephone=opt(texts(1, 25)),
        speciality=opt(_SPECIALITIES),
        contact=opt(
            st.builds(Contact, party_ids, opt(texts(1, 35)), opt(texts(1, 35)), opt(texts(1, 35)))
        ),
    ),
    receiver=receivers_2005,
    cc_receiver=opt(
        st.builds(Party, identifier=party_ids, **_names(opt(texts(1, 35))), **_address())
    ),
    patient=st.builds(
        Patient,
        identifier=patient_ids,
        surname=texts(1, 70),
        given_name=opt(texts(1, 70)),
        **_address(),
        occupation=opt(texts(1, 35)),
        status=codes(EpisodeOfCareStatus),
    ),
    relatives=st.lists(
        st.builds(
            Relative,
            relation=_RELATIONS_2005,
            surname=texts(1, 70),
            person_identifier=opt(texts(1, 10)),
            given_name=opt(texts(1, 70)),
            **_address(),
        ),
        max_size=2,
    ),
    referral=opt(
        st.builds(
            Referral,
            identifier=opt(texts(1, 35)),
            received=opt(moments),
            refer=opt(_qualified_diagnoses()),
            additional=st.lists(_qualified_diagnoses(), max_size=5),
        )
    ),
    admission=opt(moments),
    discharge=opt(moments),
    diagnoses=opt(
        st.builds(
            Diagnoses,
            main=opt(_simple_diagnoses()),
            main_additional=st.lists(_simple_diagnoses(), max_size=5),
            other=st.lists(_full_diagnoses, max_size=4),
        )
    ),
    clinical_information=st.lists(
        st.builds(ClinicalInformation, text=formatted_texts(), signed=opt(moments)), max_size=3
    ),
    references=st.lists(references, max_size=3),
    local_elements=_local_elements(MC2005),
)


def as_outpatient(letter: DischargeLetter) -> OutpatientDischargeLetter:
    """The same blocks as an ambulant epikrise (XDIS02): the admission and discharge become the
    first and last out-patient visit; a StatisticalCode ``XDIS01`` becomes ``XDIS02``."""
    fields = {f.name: getattr(letter, f.name) for f in dataclasses.fields(letter) if f.init}
    fields["first_visit"] = fields.pop("admission")
    fields["last_visit"] = fields.pop("discharge")
    if letter.header.statistical_code == "XDIS01":
        letter.header.statistical_code = "XDIS02"
    return OutpatientDischargeLetter(**fields)


outpatient_discharge_letters = discharge_letters.map(as_outpatient)

# ---------------------------------------------------------------------------------------------
# XREF01

hospital_referrals = st.builds(
    HospitalReferral,
    header=_header(codes(StatusCode)),
    sender=st.builds(
        Party,
        identifier=party_ids,
        ean=texts(1, 35),
        **_names(texts(1, 35)),
        **_address(),
        telephone=opt(texts(1, 25)),
        speciality=opt(_SPECIALITIES),
        referrer=st.builds(
            Referrer,
            person_name=texts(1, 35),
            identifier=opt(texts(1, 17)),
            identifier_code=opt(_IDENTIFIER_CODES),
            person_title=opt(texts(1, 35)),
        ),
    ),
    receiver=receivers_2005,
    answer_cc_receiver=opt(
        st.builds(
            Party,
            identifier=party_ids,
            **_names(opt(texts(1, 35))),
            **_address(),
            telephone=opt(texts(1, 25)),
        )
    ),
    patient=st.builds(
        Patient,
        identifier=patient_ids,
        surname=texts(1, 70),
        given_name=opt(texts(1, 70)),
        title=opt(texts(1, 35)),
        **_address(),
        telephones=st.lists(st.builds(Telephone, texts(1, 25), codes(TelephoneKind)), max_size=3),
        email=opt(texts(1, 70)),
    ),
    relatives=st.lists(
        st.builds(
            Relative,
            relation=_RELATIONS_2005,
            surname=texts(1, 70),
            person_identifier=opt(texts(1, 10)),
            given_name=opt(texts(1, 70)),
        ),
        max_size=1,
    ),
    additional_information=opt(
        st.builds(
            AdditionalInformation,
            priority=opt(codes(Priority)),
            referral_status=opt(codes(ReferralStatus)),
            transport=opt(codes(Transport)),
            supplementary=opt(formatted_texts(3)),
            clinical_reason=opt(formatted_texts(3)),
        )
    ),
    referral=opt(
        st.builds(
            Referral,
            refer=opt(
                st.builds(
                    Diagnosis,
                    text=texts(1, 70),
                    code=opt(texts(1, 17)),
                    code_system=codes(CodeSystem),
                )
            ),
            additional=st.lists(
                st.builds(
                    Diagnosis,
                    text=texts(1, 70),
                    code=opt(texts(1, 17)),
                    code_system=codes(CodeSystem),
                    kind=_KINDS_2005,
                ),
                max_size=5,
            ),
        )
    ),
    relevant_clinical_information=opt(
        st.builds(
            RelevantClinicalInformation,
            cave=opt(formatted_texts(3)),
            anamnesis=opt(formatted_texts(3)),
            examination=opt(formatted_texts(3)),
            actual_medicine=opt(formatted_texts(3)),
        )
    ),
    references=st.lists(references, max_size=3),
    hospital_visitations=st.lists(
        st.builds(HospitalVisitation, codes(InformationCode), formatted_texts(3)), max_size=3
    ),
    local_elements=_local_elements(MC2005),
)

# ---------------------------------------------------------------------------------------------
# XDIS21

_free = texts(1, 40)
_m_party_ids = st.builds(PartyId, _free, open_codes(IdentifierCode))
_terminology = st.builds(Terminology, _free, _free, opt(_free))

care_plans = st.builds(
    CarePlan,
    header=_header(st.none()),
    sender=st.builds(
        Party,
        identifier=_m_party_ids,
        ean=_free,
        **_names(_free),
        **_address(),
        telephone=opt(_free),
        signed_by=opt(
            st.builds(
                SignedBy,
                opt(_free),
                opt(open_codes(IdentifierCode)),
                opt(_free),
                opt(_free),
                opt(_free),
            )
        ),
        speciality=opt(open_codes(MedicalSpeciality)),
        contact_information=st.lists(
            st.builds(ContactInformation, opt(_free), opt(_free)), max_size=2
        ),
    ),
    receiver=st.builds(
        Party, identifier=_m_party_ids, ean=_free, **_names(opt(_free)), **_address()
    ),
    practitioner=opt(st.builds(Practitioner, _m_party_ids, opt(_free), opt(_free))),
    patient=st.builds(
        Patient,
        identifier=patient_ids,
        surname=_free,
        given_name=opt(_free),
        **_address(),
        occupation=opt(_free),
        telephone=opt(_free),
    ),
    relatives=opt(
        st.builds(
            Relatives,
            relatives=st.lists(
                st.builds(
                    Relative,
                    relation=open_codes(RelationCode),
                    surname=opt(_free),
                    given_name=opt(_free),
                    telephones=st.lists(
                        st.builds(Telephone, _free, open_codes(TelephoneCode)), max_size=2
                    ),
                    informed=opt(st.booleans()),
                ),
                max_size=2,
            ),
            comment=opt(formatted_texts(3)),
        )
    ),
    admission=opt(moments),
    expected_end_of_treatment=opt(moments),
    agreed_discharge=opt(moments),
    agreed_discharge_comment=opt(formatted_texts(3)),
    cause_of_admission=opt(formatted_texts(3)),
    expected_course_of_admission=opt(formatted_texts(3)),
    risk_of_contagion=opt(formatted_texts(3)),
    diet=opt(st.builds(Diet, opt(st.booleans()), opt(st.booleans()))),
    further_coordination=opt(
        st.builds(
            FurtherCoordination,
            home_changes=opt(formatted_texts(2)),
            schedule_auxiliaries=opt(formatted_texts(2)),
            rehabilitation_needs=opt(formatted_texts(2)),
            home_care_needs=opt(formatted_texts(2)),
            medicine_administration_help=opt(formatted_texts(2)),
            medicine_consumption_help=opt(formatted_texts(2)),
            discharge_conference=opt(
                st.builds(
                    DischargeConference,
                    date_code=opt(_free),
                    date=opt(dates),
                    time=opt(times),
                    video_conference=opt(st.booleans()),
                    comment=opt(formatted_texts(2)),
                )
            ),
            other_municipal_work_needed=opt(formatted_texts(2)),
        )
    ),
    ability_to_function=opt(
        st.builds(
            AbilityToFunction,
            last_modified=opt(dates),
            elements=opt(
                st.lists(
                    st.builds(
                        AbilityToFunctionElement, _terminology, opt(_free), opt(formatted_texts(2))
                    ),
                    max_size=3,
                )
            ),
        )
    ),
    nursing_problem_areas=opt(
        st.lists(st.builds(NursingProblemArea, _terminology, opt(formatted_texts(3))), max_size=4)
    ),
    local_elements=_local_elements(M103),
)

_LETTERS: dict[str, st.SearchStrategy[Any]] = {
    "epikrise": discharge_letters,
    "henvisning": hospital_referrals,
    "plejeforloebsplan": care_plans,
    "ambulant_epikrise": outpatient_discharge_letters,
}


def _letter_lists(letter: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """One or two letters, each with its own Letter/Identifier."""
    return st.lists(letter, min_size=1, max_size=2, unique_by=lambda one: one.header.identifier)


def messages(kind: str | None = None) -> st.SearchStrategy[Message]:
    """Valid messages of one kind, or of any kind (2005 Emessages may mix their two letters).
    The letters of one message have their own identifiers (``rule.letter.duplicate-identifier``)."""
    if kind == "plejeforloebsplan":
        letters = _letter_lists(care_plans)
    elif kind is not None:
        letters = _letter_lists(_LETTERS[kind])
    else:
        return st.one_of(
            messages("plejeforloebsplan"),
            st.builds(
                Message,
                envelopes,
                _letter_lists(
                    discharge_letters | hospital_referrals | outpatient_discharge_letters
                ),
            ),
        )
    return st.builds(Message, envelopes, letters)


# --------------------------------------------------------------------------------------------
# receipts (kvittering, exchange-messages.md §A.2): the XML limits; ``edifact=True`` keeps to
# what one UNOC FTX of five lines can carry (plain words, each line ending in a Break)

_WORDS = st.text("abcdefghijklmnopqrstuvwxyzæøåÆØÅ0123456789.,:?+'-", min_size=1, max_size=12)


def _refuse_text(edifact: bool) -> st.SearchStrategy[FormattedText]:
    if not edifact:
        items = st.lists(st.one_of(texts(1, 30), st.just(Break()), st.just(Space())), max_size=6)
        return items.map(FormattedText)
    line = st.lists(_WORDS, min_size=1, max_size=5).map(" ".join)
    return st.lists(line, min_size=1, max_size=3).map(lambda lines: FormattedText.of(*lines))


def _refusals(edifact: bool) -> st.SearchStrategy[Refusal]:
    code = codes(RefuseCode)
    text = _refuse_text(edifact)
    if edifact:  # a text without a code is written with NC, so give every text a code
        return st.builds(Refusal, code, opt(text))
    return st.builds(Refusal, opt(code), opt(text)).filter(lambda r: r.code or r.text)


def receipts(*, edifact: bool = False) -> st.SearchStrategy[Receipt]:
    """Receipts of every variant; positive ones never hold a refusal."""
    ident = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=14)
    gln = st.sampled_from(["5799999000010", "5799999000027", "5799999000034"])
    version = st.sampled_from(["D0133L", "D0233L", "H0130R", "XD0133L", "XH0130R", "D0134L"])

    def build(variant: ReceiptVariant, draw: Any) -> Receipt:
        negative = variant is not ReceiptVariant.POSITIVE
        refusal = opt(_refusals(edifact)) if negative else st.none()
        letter = st.builds(OriginalLetter, ident, version, refusal)
        sender = ident if variant is ReceiptVariant.NEGATIVE_VANS else gln
        statistical = st.none() if edifact else opt(st.sampled_from(["XCTL0", "STAT1"]))
        return draw(
            st.builds(
                Receipt,
                variant=st.just(variant),
                identifier=ident,
                sender=sender,
                receiver=gln,
                original_envelope=ident,
                original_sender=gln,
                original_receiver=gln,
                refusal=refusal,
                letters=st.lists(letter, max_size=4),
                statistical_code=statistical,
            )
        )

    @st.composite
    def one(draw: Any) -> Receipt:
        return build(draw(codes(ReceiptVariant)), draw)

    return one()


def receipt_messages(*, edifact: bool = False) -> st.SearchStrategy[Message]:
    """One receipt in an envelope that asks for no receipt (a receipt never does)."""
    year = st.integers(1970, 2069) if edifact else st.integers(1, 9999)
    sent = st.builds(
        lambda y, m, d, t: Moment(f"{y:04d}-{m:02d}-{d:02d}", t),
        year,
        st.integers(1, 12),
        st.integers(1, 28),
        times,
    )
    ident = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=14)
    envelope = st.builds(
        Envelope,
        sent=sent,
        identifier=ident,
        acknowledgement=st.just(AcknowledgementCode.NO_POSITIVE),
    )
    return st.builds(Message, envelope, receipts(edifact=edifact).map(lambda r: [r]))
