"""The XML mappings and the Emessage codec: every element of xml-messages.md §4.1, §4.2 and §4.3.2
both ways, the quirks of §6, what the reader reports and what the writer refuses."""

# ruff: noqa: E501 - the compact test documents below keep one XML block per line

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from infoset import assert_same_infoset, parse
from lxml import etree

from medbridge.codecs.json.codec import from_json, to_json
from medbridge.codecs.xml.codec import detect_tree, read_tree, write_xml
from medbridge.errors import ConversionError, XmlInputError
from medbridge.model import (
    Bold,
    Break,
    CarePlan,
    CodeSystem,
    DiagnosisKind,
    DischargeLetter,
    FixedFont,
    FormattedText,
    HospitalReferral,
    MedicalSpeciality,
    Message,
    Moment,
    PartyId,
    PatientIdKind,
    RelationCode,
    Space,
    StatusCode,
    TelephoneCode,
    Underline,
)
from medbridge.xml.namespaces import M100, M102, M103, MC2005, MC2018, XSI
from medbridge.xml.parse import parse_xml
from medbridge.xml.schema import validate_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
VALID = sorted(FIXTURES.glob("**/*.xml"))


def read_bytes(data: bytes) -> tuple[Message, list[Any]]:
    parsed = parse_xml(data)
    return read_tree(parsed.root, syntax=parsed)


def codes_of(exc: pytest.ExceptionInfo[Any]) -> list[str]:
    return [f.code for f in exc.value.findings]


# ---------------------------------------------------------------------------------------------
# compact documents

LETTER_2005 = """<Letter><Identifier>EPI0000042</Identifier><VersionCode>{version}</VersionCode>
<StatisticalCode>{type}</StatisticalCode>
<Authorisation><Date>2024-03-05</Date><Time>14:05</Time></Authorisation>
<TypeCode>{type}</TypeCode><StatusCode>nytbrev</StatusCode>{episode}</Letter>"""

ENVELOPE_2005 = """<Envelope><Sent><Date>2024-03-05</Date><Time>14:20</Time></Sent>
<Identifier>ENV0000042</Identifier><AcknowledgementCode>pluspositivkvitt</AcknowledgementCode>
</Envelope>"""

XDIS01_FULL = (
    """<?xml version="1.0" encoding="UTF-8"?>
<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">
"""
    + ENVELOPE_2005
    + """
<DischargeLetter>
"""
    + LETTER_2005.format(
        version="XD0133L",
        type="XDIS01",
        episode="<EpisodeOfCareIdentifier>0F3A9C2E7B1D4E5F</EpisodeOfCareIdentifier>",
    )
    + """
<Sender><EANIdentifier>5799999000010</EANIdentifier><Identifier>9999011</Identifier>
<IdentifierCode>sygehusafdelingsnummer</IdentifierCode><OrganisationName>Eksempel Sygehus</OrganisationName>
<DepartmentName>Medicinsk Afdeling M</DepartmentName><UnitName>Afsnit M1</UnitName>
<StreetName>Prøvevej 1</StreetName><SuburbName>Prøvested</SuburbName><DistrictName>Prøveby</DistrictName>
<PostCodeIdentifier>9999</PostCodeIdentifier><TelephoneSubscriberIdentifier>99990000</TelephoneSubscriberIdentifier>
<MedicalSpecialityCode>patologi </MedicalSpecialityCode>
<Contact><Identifier>9999012</Identifier><IdentifierCode>sorkode</IdentifierCode>
<OrganisationName>Eksempel Sygehus</OrganisationName><DepartmentName>Kardiologi</DepartmentName>
<UnitName>Overlæge Hansen</UnitName></Contact></Sender>
<Receiver><EANIdentifier>5799999000027</EANIdentifier><Identifier>999901</Identifier>
<IdentifierCode>ydernummer</IdentifierCode><OrganisationName>Lægehuset Prøvevej</OrganisationName>
<DepartmentName>Lægerne</DepartmentName><UnitName>Dr. Jensen</UnitName><StreetName>Prøvevej 9</StreetName>
<SuburbName>Syd</SuburbName><DistrictName>Prøveby</DistrictName><PostCodeIdentifier></PostCodeIdentifier>
</Receiver>
<CCReceiver><Identifier>999902</Identifier><IdentifierCode>ydernummer</IdentifierCode>
<OrganisationName>_</OrganisationName><DepartmentName>Fysioterapeut</DepartmentName><UnitName>Lene Fys</UnitName>
<StreetName>Vej 2</StreetName><SuburbName>Nord</SuburbName><DistrictName>By</DistrictName><PostCodeIdentifier/>
</CCReceiver>
<Patient><CivilRegistrationNumber>0707614285</CivilRegistrationNumber>
<PersonSurnameName>Testesen</PersonSurnameName><PersonGivenName>Tove</PersonGivenName>
<StreetName>Testvej 3</StreetName><SuburbName>Vest</SuburbName><DistrictName>Testby</DistrictName>
<PostCodeIdentifier>9999</PostCodeIdentifier><OccupancyText>Pensionist</OccupancyText>
<EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode></Patient>
<Relative><RelationCode>barn</RelationCode><PersonIdentifier>0101011234</PersonIdentifier>
<PersonSurnameName>Testesen</PersonSurnameName><PersonGivenName>Tim</PersonGivenName>
<StreetName>Testvej 4</StreetName><SuburbName>Øst</SuburbName><DistrictName>Testby</DistrictName>
<PostCodeIdentifier>9998</PostCodeIdentifier></Relative>
<Relative><RelationCode>uspec_paaroerende</RelationCode><PersonSurnameName>Nabo</PersonSurnameName></Relative>
<Referral><Identifier>HEN0000043</Identifier><Received><Date>2024-02-27</Date><Time>00:00</Time></Received>
<Refer><DiagnoseCode>DR509</DiagnoseCode><DiagnoseTypeCode>SKSdiagnosekode</DiagnoseTypeCode>
<DiagnoseText>Feber UNS</DiagnoseText></Refer>
<ReferalAdditional><DiagnoseCode>R80</DiagnoseCode><DiagnoseTypeCode>ICPCkode</DiagnoseTypeCode>
<DiagnoseText>Influenza</DiagnoseText></ReferalAdditional>
<ReferalAdditional><DiagnoseCode>X1</DiagnoseCode><DiagnoseTypeCode>uspecificeretkode</DiagnoseTypeCode>
<DiagnoseText>Lokal kode</DiagnoseText></ReferalAdditional></Referral>
<Admission><Date>2024-02-27</Date><Time>10:15</Time></Admission>
<Discharge><Date>2024-03-05</Date><Time>12:00</Time></Discharge>
<Diagnose><Main><DiagnoseCode>DJ189</DiagnoseCode><DiagnoseText>Pneumoni UNS</DiagnoseText></Main>
<MainAdditional><DiagnoseCode>DB972</DiagnoseCode><DiagnoseText>Coronavirus</DiagnoseText></MainAdditional>
<Other><DiagnoseDescriptionCode>operation</DiagnoseDescriptionCode><DiagnoseCode>KJJB40</DiagnoseCode>
<DiagnoseTypeCode>SKSdiagnosekode</DiagnoseTypeCode><DiagnoseText>Bronkoskopi</DiagnoseText>
<DiagnoseDateTime><Date>2024-02-28</Date><Time>00:00</Time></DiagnoseDateTime></Other>
<Other><DiagnoseDescriptionCode>bidiagnose</DiagnoseDescriptionCode><DiagnoseCode>DE119</DiagnoseCode>
<DiagnoseTypeCode>SKSdiagnosekode</DiagnoseTypeCode><DiagnoseText>Diabetes</DiagnoseText></Other></Diagnose>
<ClinicalInformation><Signed><Date>2024-03-05</Date><Time>14:00</Time></Signed>
<Text01><Bold>Forløb</Bold><Break/>Indlagt med feber. <Break/><Break/><FixedFont>Temp <Space/> 37,1<Break/><Underline>Kontrol</Underline> om 4 uger</FixedFont>  slut\t </Text01>
</ClinicalInformation>
<ClinicalInformation><Text01/></ClinicalInformation>
<Reference><RefDescription>Billede</RefDescription><URL>https://example.invalid/b</URL></Reference>
<Reference><RefDescription>Papir</RefDescription><SUP>true</SUP></Reference>
<Reference><RefDescription>EKG</RefDescription><BIN><ObjectIdentifier>OBJ1</ObjectIdentifier>
<ObjectCode>biosignaler</ObjectCode><ObjectExtensionCode>scp</ObjectExtensionCode>
<OriginalObjectSize>2048</OriginalObjectSize></BIN></Reference>
</DischargeLetter>
</Emessage>
"""
)

XREF01_FULL = (
    """<?xml version="1.0" encoding="UTF-8"?>
<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">
"""
    + ENVELOPE_2005
    + "<HospitalReferral>"
    + LETTER_2005.format(version="XH0130R", type="XREF01", episode="")
    + """
<Sender><EANIdentifier>5799999000027</EANIdentifier><Identifier>999901</Identifier>
<IdentifierCode>ydernummer</IdentifierCode><OrganisationName>Lægehuset Prøvevej</OrganisationName>
<DepartmentName>D</DepartmentName><UnitName>U</UnitName><StreetName>S</StreetName><SuburbName>Sb</SuburbName>
<DistrictName>Di</DistrictName><PostCodeIdentifier>9999</PostCodeIdentifier>
<TelephoneSubscriberIdentifier>99991111</TelephoneSubscriberIdentifier>
<MedicalSpecialityCode>almen_medicin</MedicalSpecialityCode>
<Referrer><Identifier>999901</Identifier><IdentifierCode>ydernummer</IdentifierCode>
<PersonName>Lene Lægesen</PersonName><PersonTitle>Praktiserende læge</PersonTitle></Referrer></Sender>
<Receiver><EANIdentifier>5799999000010</EANIdentifier><Identifier>9999011</Identifier>
<IdentifierCode>sygehusafdelingsnummer</IdentifierCode></Receiver>
<AnswerCCReceiver><Identifier>751</Identifier><IdentifierCode>kommunenummer</IdentifierCode>
<OrganisationName>Prøveby Kommune</OrganisationName><DepartmentName>D</DepartmentName><UnitName>U</UnitName>
<StreetName>S</StreetName><SuburbName>Sb</SuburbName><DistrictName>Di</DistrictName>
<PostCodeIdentifier>9999</PostCodeIdentifier><TelephoneSubscriberIdentifier>9999</TelephoneSubscriberIdentifier>
</AnswerCCReceiver>
<Patient><AlternativeIdentifier>0203291WQ3</AlternativeIdentifier><PersonSurnameName>Prøvesen</PersonSurnameName>
<PersonGivenName>Per</PersonGivenName><PersonTitle>Cand.mag.</PersonTitle><StreetName>S</StreetName>
<SuburbName>Sb</SuburbName><DistrictName>Di</DistrictName><PostCodeIdentifier>9999</PostCodeIdentifier>
<TelephoneSubscriber><TelephoneSubscriberIdentifier>87654321</TelephoneSubscriberIdentifier>
<TelephoneSubscriberCode>mobil</TelephoneSubscriberCode></TelephoneSubscriber>
<TelephoneSubscriber><TelephoneSubscriberIdentifier>12345678</TelephoneSubscriberIdentifier>
<TelephoneSubscriberCode>fastnet</TelephoneSubscriberCode></TelephoneSubscriber>
<EmailIdentifier>per@example.invalid</EmailIdentifier></Patient>
<Relative><RelationCode>mor</RelationCode><PersonIdentifier>0101011234</PersonIdentifier>
<PersonSurnameName>Prøvesen</PersonSurnameName><PersonGivenName>Ida</PersonGivenName></Relative>
<AdditionalInformation><Priority>akut</Priority><ReferralStatus>ambulant</ReferralStatus>
<Transport>siddende</Transport><Supplementary>Tolk: <Italic>nej</Italic></Supplementary>
<ClinicalReason>Vurdering af vedvarende hoste.<Break/></ClinicalReason></AdditionalInformation>
<Referral><Refer><DiagnoseTypeCode>uspecificeretkode</DiagnoseTypeCode><DiagnoseText>Hoste</DiagnoseText></Refer>
<ReferralAdditional><DiagnoseDescriptionCode>bidiagnose</DiagnoseDescriptionCode>
<DiagnoseTypeCode>ICPCkode</DiagnoseTypeCode><DiagnoseText>Astma</DiagnoseText></ReferralAdditional>
<ReferralAdditional><DiagnoseDescriptionCode>operation</DiagnoseDescriptionCode><DiagnoseCode>KJJB40</DiagnoseCode>
<DiagnoseTypeCode>SKSdiagnosekode</DiagnoseTypeCode><DiagnoseText>Bronkoskopi</DiagnoseText></ReferralAdditional>
</Referral>
<RelevantClinicalInformation><Cave><Bold>Penicillin</Bold></Cave><Anamnesis>A<Center>c</Center></Anamnesis>
<Examination>E<Right>r</Right></Examination><ActualMedicine><FixedFont>Tbl. <Bold>X</Bold></FixedFont></ActualMedicine>
</RelevantClinicalInformation>
<Reference><RefDescription>Spirometri</RefDescription><URL>https://example.invalid/s</URL></Reference>
<HospitalVisitation><InformationCode>visitering</InformationCode><Information>Visiteret.</Information></HospitalVisitation>
</HospitalReferral>
</Emessage>
"""
)

XDIS21_FULL = """<?xml version="1.0" encoding="UTF-8"?>
<Emessage xmlns="urn:oio:medcom:municipality:1.0.3" xmlns:m0="urn:oio:medcom:municipality:1.0.0"
 xmlns:m2="urn:oio:medcom:municipality:1.0.2">
<m0:Envelope><m0:Sent><m0:Date>2024-05-02</m0:Date><m0:Time>10:40</m0:Time></m0:Sent>
<m0:Identifier>PLAN000000301</m0:Identifier><m0:AcknowledgementCode>pluspositivkvitt</m0:AcknowledgementCode>
</m0:Envelope>
<ProgressOfCarePlan>
<Letter><Identifier>PLAN000000301</Identifier><VersionCode>XD2134C</VersionCode>
<StatisticalCode>XDIS21</StatisticalCode>
<Authorisation><m0:Date>2024-05-02</m0:Date><m0:Time>10:35</m0:Time></Authorisation>
<TypeCode>XDIS21</TypeCode><EpisodeOfCareIdentifier>0F3A9C2E7B1D4E5F8A6B2C3D4E5F6A7B</EpisodeOfCareIdentifier>
</Letter>
<m0:Sender><m0:EANIdentifier>5799999000010</m0:EANIdentifier><m0:Identifier>9999101</m0:Identifier>
<m0:IdentifierCode>sygehusafdelingsnummer</m0:IdentifierCode><m0:OrganisationName>Eksempel Sygehus</m0:OrganisationName>
<m0:DepartmentName>Ortopædkirurgisk Afdeling</m0:DepartmentName><m0:UnitName>Sengeafsnit O4, Ø*</m0:UnitName>
<m0:StreetName>Prøvevej 1</m0:StreetName><m0:SuburbName>Syd</m0:SuburbName><m0:DistrictName>Prøveby</m0:DistrictName>
<m0:PostCodeIdentifier>9999</m0:PostCodeIdentifier><m0:TelephoneSubscriberIdentifier>99990400</m0:TelephoneSubscriberIdentifier>
<m0:SignedBy><m0:Identifier>9999101</m0:Identifier><m0:IdentifierCode>sygehusafdelingsnummer</m0:IdentifierCode>
<m0:PersonGivenName>Birgitte</m0:PersonGivenName><m0:PersonSurnameName>Sørensen</m0:PersonSurnameName>
<m0:PersonTitle>Sygeplejerske</m0:PersonTitle></m0:SignedBy>
<m0:MedicalSpecialityCode>paediatri_sygehus</m0:MedicalSpecialityCode>
<m0:ContactInformation><m0:ContactName>O4</m0:ContactName>
<m0:TelephoneSubscriberIdentifier>99990401</m0:TelephoneSubscriberIdentifier></m0:ContactInformation>
<m0:ContactInformation><m0:ContactName>Nat</m0:ContactName></m0:ContactInformation></m0:Sender>
<m0:Receiver><m0:EANIdentifier>5799999000034</m0:EANIdentifier><m0:Identifier>751</m0:Identifier>
<m0:IdentifierCode>kommunenummer</m0:IdentifierCode><m0:OrganisationName>Prøveby Kommune</m0:OrganisationName>
<m0:DepartmentName>Sundhed</m0:DepartmentName><m0:UnitName>Visitationen</m0:UnitName>
<m0:StreetName>Rådhustorvet 1</m0:StreetName><m0:SuburbName>C</m0:SuburbName><m0:DistrictName>Prøveby</m0:DistrictName>
<m0:PostCodeIdentifier>9999</m0:PostCodeIdentifier></m0:Receiver>
<m0:Practitioner><m0:Identifier>999901</m0:Identifier><m0:IdentifierCode>ydernummer</m0:IdentifierCode>
<m0:PersonName>Lægehuset Prøvevej</m0:PersonName><m0:TelephoneSubscriberIdentifier>99991111</m0:TelephoneSubscriberIdentifier>
</m0:Practitioner>
<m0:Patient><m0:CivilRegistrationNumber>0707614285</m0:CivilRegistrationNumber>
<m0:PersonSurnameName>Testesen</m0:PersonSurnameName><m0:PersonGivenName>Tove</m0:PersonGivenName>
<m0:StreetName>Testvej 3</m0:StreetName><m0:SuburbName>V</m0:SuburbName><m0:DistrictName>Testby</m0:DistrictName>
<m0:PostCodeIdentifier>9999</m0:PostCodeIdentifier><m0:Occupation>Pensionist</m0:Occupation>
<m0:TelephoneSubscriberIdentifier>99992222</m0:TelephoneSubscriberIdentifier></m0:Patient>
<Relatives><Relative><RelationCode>aegtefaelle</RelationCode><m0:PersonSurnameName>Testesen</m0:PersonSurnameName>
<m0:PersonGivenName>Tom</m0:PersonGivenName>
<m0:CodedTelephoneSubscriberIdentifier><m0:TelephoneCode>mobil</m0:TelephoneCode>
<m0:TelephoneSubscriberIdentifier>99993333</m0:TelephoneSubscriberIdentifier></m0:CodedTelephoneSubscriberIdentifier>
<m0:CodedTelephoneSubscriberIdentifier><m0:TelephoneCode>sommerhus</m0:TelephoneCode>
<m0:TelephoneSubscriberIdentifier>99994444</m0:TelephoneSubscriberIdentifier></m0:CodedTelephoneSubscriberIdentifier>
<InformedRelative>1</InformedRelative></Relative>
<Relative><RelationCode>barn</RelationCode></Relative>
<Comment>Ring efter kl. 16.</Comment></Relatives>
<m0:Admission><m0:Date>2024-04-28</m0:Date><m0:Time>00:00</m0:Time></m0:Admission>
<m2:ExpectedEndOfTreatment><m2:Date>2024-05-06</m2:Date><m2:Time>13:30</m2:Time></m2:ExpectedEndOfTreatment>
<m0:AgreedDischarge><m0:Date>2024-05-07</m0:Date><m0:Time>10:00</m0:Time></m0:AgreedDischarge>
<m2:AgreedDischargeComment>Efter frokost</m2:AgreedDischargeComment>
<m0:CauseOfAdmission>Fald i hjemmet</m0:CauseOfAdmission>
<m0:ExpectedCourseOfAdmission>Ønsker ikke genoplivning (HLR-minus)<m0:Break/></m0:ExpectedCourseOfAdmission>
<m0:RiskOfContagion>MRSA</m0:RiskOfContagion>
<DietFirst24Hours><LunchBox>1</LunchBox><ShoppingAtDischarge>0</ShoppingAtDischarge></DietFirst24Hours>
<FurtherCoordination><HomeChanges><Comment>Ja, badebænk</Comment></HomeChanges>
<ScheduleAuxilaries><Comment>Ja</Comment></ScheduleAuxilaries><RehabilitationNeeds><Comment>Ja</Comment></RehabilitationNeeds>
<HomeCareNeeds><Comment>Ja</Comment></HomeCareNeeds><MedicineAdministrationHelp><Comment>Nej</Comment></MedicineAdministrationHelp>
<MedicineConsumptionHelp><Comment>Nej</Comment></MedicineConsumptionHelp>
<DischargeConference><DischargeDateCode>forslag</DischargeDateCode><Date>2024-05-06</Date><Time>09:00</Time>
<VideoConference>0</VideoConference><Comment>Med datter</Comment></DischargeConference>
<OtherMunicipalWorkNeeded><Comment/></OtherMunicipalWorkNeeded></FurtherCoordination>
<ExpectedAbilityToFunctionAtDischarge><LastModifiedDate>2024-05-02</LastModifiedDate>
<AbilityToFunctionElements><AbilityToFunctionElement><Terminology><Code>FA550</Code><CodeSystem>icf</CodeSystem>
<CodeDescription>Spise</CodeDescription></Terminology><Score>svaere</Score><Comment>Anrettes.</Comment>
</AbilityToFunctionElement></AbilityToFunctionElements></ExpectedAbilityToFunctionAtDischarge>
<NursingProblemAreas><NursingProblemArea><Terminology><Code>B-12345</Code><CodeSystem>medcom</CodeSystem>
<CodeDescription>Ernæring</CodeDescription></Terminology>
<ProblemArea>Spiser små portioner. <m0:Break/>Vejes to gange om ugen.</ProblemArea></NursingProblemArea>
<NursingProblemArea><Terminology><Code>D-12345</Code><CodeSystem>medcom</CodeSystem></Terminology></NursingProblemArea>
</NursingProblemAreas>
</ProgressOfCarePlan>
</Emessage>
"""


def _doc(text: str) -> bytes:
    return text.encode("utf-8")


FULL_DOCS = {
    "epikrise": _doc(XDIS01_FULL),
    "henvisning": _doc(XREF01_FULL),
    "plejeforloebsplan": _doc(XDIS21_FULL),
}


@pytest.mark.parametrize("kind", sorted(FULL_DOCS))
def test_full_documents_are_schema_valid_and_round_trip(kind: str) -> None:
    data = FULL_DOCS[kind]
    assert validate_tree(parse_xml(data).root) == []
    message, findings = read_bytes(data)
    assert findings == []
    assert message.letter.kind == kind
    out = write_xml(message)
    assert_same_infoset(data, out)
    assert validate_tree(parse_xml(out).root) == []
    again, _ = read_bytes(out)
    assert again == message
    assert from_json(to_json(message)) == message


def test_every_element_of_the_full_documents_is_consumed() -> None:
    # A dropped element would vanish from the output; count elements on both sides.
    for data in FULL_DOCS.values():
        out = write_xml(read_bytes(data)[0])
        assert sum(1 for _ in parse(data).iter()) == sum(1 for _ in parse(out).iter())


def test_xdis01_values() -> None:
    message, _ = read_bytes(FULL_DOCS["epikrise"])
    letter = message.letter
    assert isinstance(letter, DischargeLetter)
    assert letter.header.status is StatusCode.NEW
    assert letter.header.episode_of_care_id == "0F3A9C2E7B1D4E5F"
    assert letter.sender.speciality is MedicalSpeciality.PATOLOGI
    assert letter.sender.speciality == "patologi "  # trailing space kept
    assert letter.sender.contact is not None and letter.sender.contact.unit == "Overlæge Hansen"
    assert letter.receiver.postcode == ""  # <PostCodeIdentifier></PostCodeIdentifier>
    assert letter.cc_receiver is not None
    assert letter.cc_receiver.organisation == "_"  # placeholder kept verbatim
    assert letter.cc_receiver.postcode == ""  # <PostCodeIdentifier/>
    assert letter.cc_receiver.ean is None
    assert letter.patient.identifier.kind is PatientIdKind.CPR
    assert letter.patient.occupation == "Pensionist"
    assert [r.relation for r in letter.relatives] == [RelationCode.CHILD, RelationCode.UNSPECIFIED]
    assert letter.referral is not None
    assert letter.referral.received == Moment("2024-02-27", "00:00")  # 00:00 kept
    assert [d.code_system for d in letter.referral.additional] == [
        CodeSystem.ICPC,
        CodeSystem.UNSPECIFIED,
    ]
    assert letter.diagnoses is not None and letter.diagnoses.main is not None
    assert letter.diagnoses.main.code_system is None  # SKS, implicit
    assert letter.diagnoses.other[0].kind is DiagnosisKind.OPERATION
    assert letter.diagnoses.other[0].moment == Moment("2024-02-28", "00:00")
    text = letter.clinical_information[0].text
    assert text.content[:3] == [Bold(["Forløb"]), Break(), "Indlagt med feber. "]
    fixed = text.content[5]
    assert fixed == FixedFont(
        ["Temp ", Space(), " 37,1", Break(), Underline(["Kontrol"]), " om 4 uger"]
    )
    assert text.content[-1] == "  slut\t "  # whitespace is content
    assert letter.clinical_information[1].text == FormattedText()  # <Text01/>
    refs = letter.references
    assert refs[0].url and refs[1].supplementary and refs[2].binary is not None
    assert refs[2].binary.original_size == 2048


def test_xref01_values() -> None:
    message, _ = read_bytes(FULL_DOCS["henvisning"])
    letter = message.letter
    assert isinstance(letter, HospitalReferral)
    assert letter.sender.referrer is not None
    assert letter.sender.referrer.person_name == "Lene Lægesen"
    assert letter.patient.identifier.kind is PatientIdKind.ALTERNATIVE
    assert [t.kind for t in letter.patient.telephones] == ["mobil", "fastnet"]
    assert letter.patient.email == "per@example.invalid"
    assert letter.answer_cc_receiver is not None and letter.answer_cc_receiver.telephone == "9999"
    assert letter.referral is not None and letter.referral.refer is not None
    assert letter.referral.refer.code is None  # XQualifiedDiagnose: code optional
    assert letter.referral.additional[0].kind is DiagnosisKind.SECONDARY  # ReferralAdditional
    rci = letter.relevant_clinical_information
    assert rci is not None and rci.cave == FormattedText([Bold(["Penicillin"])])
    assert letter.hospital_visitations[0].information == FormattedText(["Visiteret."])


def test_xdis21_values_and_namespaces() -> None:
    message, _ = read_bytes(FULL_DOCS["plejeforloebsplan"])
    plan = message.letter
    assert isinstance(plan, CarePlan)
    assert plan.header.status is None  # no StatusCode in municipality letters
    assert plan.sender.speciality == "paediatri_sygehus"
    assert plan.sender.signed_by is not None and plan.sender.signed_by.title == "Sygeplejerske"
    assert [c.telephone for c in plan.sender.contact_information] == ["99990401", None]
    assert plan.practitioner is not None and plan.practitioner.person_name == "Lægehuset Prøvevej"
    assert plan.patient.occupation == "Pensionist" and plan.patient.telephone == "99992222"
    assert plan.relatives is not None
    spouse = plan.relatives.relatives[0]
    assert spouse.relation is RelationCode.SPOUSE and spouse.informed is True
    assert spouse.telephones[0].kind is TelephoneCode.MOBILE
    assert spouse.telephones[1].kind == "sommerhus"  # unknown municipality code kept as text
    assert plan.relatives.relatives[1].surname is None
    assert plan.expected_end_of_treatment == Moment("2024-05-06", "13:30")
    assert plan.admission == Moment("2024-04-28", "00:00")
    assert plan.diet is not None and plan.diet.lunch_box is True
    assert plan.diet.shopping_at_discharge is False
    coordination = plan.further_coordination
    assert coordination is not None
    assert coordination.schedule_auxiliaries == FormattedText(["Ja"])
    assert coordination.other_municipal_work_needed == FormattedText()
    assert coordination.discharge_conference is not None
    assert coordination.discharge_conference.time == "09:00"
    assert plan.ability_to_function is not None and plan.ability_to_function.elements is not None
    assert plan.ability_to_function.elements[0].score == "svaere"
    assert plan.nursing_problem_areas is not None
    area = plan.nursing_problem_areas[0]
    assert area.problem_area == FormattedText(
        ["Spiser små portioner. ", Break(), "Vejes to gange om ugen."]
    )
    assert plan.nursing_problem_areas[1].problem_area is None
    # Written with the document's own prefixes; Break stays in 1.0.0, ProblemArea in 1.0.3.
    out = parse(write_xml(message))
    assert out.nsmap == {None: M103, "m0": M100, "m2": M102}
    breaks = [el for el in out.iter() if etree.QName(el).localname == "Break"]
    assert {etree.QName(el).namespace for el in breaks} == {M100}
    assert {etree.QName(el.getparent()).namespace for el in breaks} == {M100, M103}


def test_cr_as_reference_survives() -> None:
    data = XDIS01_FULL.replace("Indlagt med feber. ", "Indlagt&#13;med feber. ").encode()
    message, _ = read_bytes(data)
    assert isinstance(message.letter, DischargeLetter)
    assert message.letter.clinical_information[0].text.content[2] == "Indlagt\rmed feber. "
    out = write_xml(message)
    assert b"Indlagt&#13;med" in out
    assert_same_infoset(data, out)


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_round_trip(path: Path) -> None:
    data = path.read_bytes()
    parsed = parse_xml(data)
    message, _ = read_tree(parsed.root, syntax=parsed)
    out = write_xml(message)
    assert_same_infoset(data, out)
    again = parse_xml(out)
    assert [f for f in validate_tree(again.root) if f.severity != "info"] == []
    assert read_tree(again.root, syntax=again)[0] == message
    # XML facts kept (X8): declaration, encoding label, BOM, prefixes.
    assert (again.has_declaration, again.declared_encoding, again.encoding, again.bom) == (
        parsed.has_declaration,
        parsed.declared_encoding,
        parsed.encoding,
        parsed.bom,
    )
    prefixes = [(el.tag, el.prefix) for el in parsed.root.iter() if isinstance(el.tag, str)]
    assert prefixes == [(el.tag, el.prefix) for el in again.root.iter() if isinstance(el.tag, str)]
    assert write_xml(read_tree(again.root, syntax=again)[0]) == out  # stable


def test_fixture_set_is_covered() -> None:
    assert len(VALID) >= 15
    assert {p.parent.name for p in VALID} == {
        "epikrise",
        "henvisning",
        "plejeforloebsplan",
        "kvittering",
    }


def test_root_attributes_and_local_elements_are_kept() -> None:
    path = FIXTURES / "epikrise" / "xmlonly-fritekst-cp1252.xml"
    message, _ = read_bytes(path.read_bytes())
    attributes = dict(message.wire["xml.root_attributes"])
    assert f"{{{XSI}}}schemaLocation" in attributes
    out = parse(write_xml(message))
    assert out.get(f"{{{XSI}}}schemaLocation") == attributes[f"{{{XSI}}}schemaLocation"]
    letter = message.letter
    assert letter.local_elements is not None
    assert letter.local_elements.xml.startswith("<Local_Elements")
    kept = [el for el in out if etree.QName(el).localname == "Local_Elements"]
    assert len(kept) == 1
    detached = copy.deepcopy(kept[0])
    detached.tail = None
    assert etree.tostring(detached, method="c14n2", with_comments=True).decode() == (
        letter.local_elements.xml
    )


def test_observed_layout_keeps_undeclared_latin1() -> None:
    data = (FIXTURES / "plejeforloebsplan" / "observed-layout.xml").read_bytes()
    message, _ = read_bytes(data)
    out = write_xml(message)
    assert out.startswith(b"<Emessage")
    assert "Ø".encode("latin-1") in out and "Ø".encode() not in out


# ---------------------------------------------------------------------------------------------
# the writer's conventions for models built by hand


def _hand_built(kind: str) -> Message:
    message, _ = read_bytes(FULL_DOCS[kind])
    message.wire.clear()
    return message


def test_2005_default_declaration_encoding_and_namespace() -> None:
    message = _hand_built("epikrise")
    letter = message.letter
    assert isinstance(letter, DischargeLetter)
    letter.patient.surname = "Müller € “x” Ω中😀"
    out = write_xml(message)
    assert out.startswith(b'<?xml version="1.0" encoding="windows-1252"?>\n<Emessage xmlns="')
    assert "Müller € “x” ".encode("cp1252") in out
    assert b"&#937;&#20013;&#128512;" in out
    assert parse(out).nsmap == {None: MC2005}
    assert read_bytes(out)[0] == message
    assert write_xml(message) == out  # deterministic


def test_xdis21_default_prefixes() -> None:
    out = write_xml(_hand_built("plejeforloebsplan"))
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = parse(out)
    assert root.nsmap == {None: M103, "ns1": M100, "ep2": M102}
    assert root[0].prefix == "ns1"


def test_recorded_standalone_and_bom_are_written() -> None:
    message = _hand_built("henvisning")
    message.wire.update(
        {"xml.standalone": "yes", "xml.bom": True, "xml.declared_encoding": "utf-8"}
    )
    out = write_xml(message)
    assert out.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8" standalone="yes"?>')
    parsed = parse_xml(out)
    assert parsed.bom and parsed.standalone == "yes"


# ---------------------------------------------------------------------------------------------
# what the writer refuses


def _refuse(message: Message) -> ConversionError:
    with pytest.raises(ConversionError) as exc:
        write_xml(message)
    assert len(exc.value.findings) == 1
    return exc.value


def _epikrise() -> DischargeLetter:
    letter = _hand_built("epikrise").letter
    assert isinstance(letter, DischargeLetter)
    return letter


def _wrap(letter: Any) -> Message:
    return Message(_hand_built("epikrise").envelope, [letter])


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (
            lambda lt: setattr(lt.diagnoses.other[0], "kind", DiagnosisKind.GRUNDMORBUS),
            "convert.unsupported-value",
            "letters[0].diagnoses.other[0].kind",
        ),
        (
            lambda lt: setattr(lt.sender, "speciality", MedicalSpeciality.PAEDIATRI_SYGEHUS),
            "convert.unsupported-value",
            "letters[0].sender.speciality",
        ),
        (
            lambda lt: setattr(lt.relatives[0], "relation", RelationCode.SPOUSE),
            "convert.unsupported-value",
            "letters[0].relatives[0].relation",
        ),
        (
            lambda lt: setattr(lt.sender, "identifier", PartyId(lt.sender.identifier.value, "kom")),
            "convert.unsupported-value",
            "letters[0].sender.identifier.code",
        ),
        (
            lambda lt: setattr(lt.header, "status", None),
            "convert.missing-required",
            "letters[0].header.status",
        ),
        (
            lambda lt: setattr(lt.patient, "status", None),
            "convert.missing-required",
            "letters[0].patient.status",
        ),
        (
            lambda lt: setattr(lt.sender, "organisation", None),
            "convert.missing-required",
            "letters[0].sender.organisation",
        ),
        (
            lambda lt: setattr(lt.patient, "email", "a@example.invalid"),
            "convert.unsupported-field",
            "letters[0].patient.email",
        ),
        (
            lambda lt: setattr(lt.diagnoses.main, "code_system", CodeSystem.ICPC),
            "convert.unsupported-field",
            "letters[0].diagnoses.main.code_system",
        ),
        (
            lambda lt: lt.relatives.append(lt.relatives[0]),
            "convert.too-many",
            "letters[0].relatives",
        ),
        (
            lambda lt: setattr(lt, "admission", Moment("2024-01-01")),
            "convert.missing-required",
            "letters[0].admission.time",
        ),
        (
            lambda lt: setattr(lt.patient, "surname", "Tes\x01tesen"),
            "convert.unrepresentable",
            "letters[0].patient.surname",
        ),
        (
            lambda lt: lt.clinical_information[0].text.content.append("\ufffe"),
            "convert.unrepresentable",
            "letters[0].clinical_information[0].text",
        ),
        (
            lambda lt: (
                lt.clinical_information[0].text.content.append(Bold([Break()]))
                or lt.clinical_information[0].text.content[0].content.append(Underline(["x"]))
            ),
            "convert.unsupported-value",
            "letters[0].clinical_information[0].text",
        ),
    ],
)
def test_writer_refuses_what_xd0133l_cannot_carry(change: Any, code: str, path: str) -> None:
    letter = _epikrise()
    change(letter)
    error = _refuse(_wrap(letter))
    finding = error.findings[0]
    assert finding.code == code
    assert finding.location.path == path
    assert path in finding.message


def test_writer_refuses_status_in_a_care_plan_and_mixed_generations() -> None:
    message = _hand_built("plejeforloebsplan")
    message.letter.header.status = StatusCode.NEW
    finding = _refuse(message).findings[0]
    assert (finding.code, finding.location.path) == (
        "convert.unsupported-field",
        "letters[0].header.status",
    )
    mixed = Message(message.envelope, [_hand_built("plejeforloebsplan").letter, _epikrise()])
    assert _refuse(mixed).findings[0].location.path == "letters[1]"
    assert _refuse(Message(message.envelope, [])).findings[0].code == "convert.missing-required"


def test_xref01_phone_codes_are_the_2005_list() -> None:
    message = _hand_built("henvisning")
    letter = message.letter
    assert isinstance(letter, HospitalReferral)
    letter.patient.telephones[0].kind = TelephoneCode.PRIVATE  # municipality-only "privat"
    finding = _refuse(message).findings[0]
    assert finding.location.path == "letters[0].patient.telephones[0].kind"


# ---------------------------------------------------------------------------------------------
# what the reader reports


def _read_error(text: str) -> list[Any]:
    with pytest.raises(XmlInputError) as exc:
        read_bytes(text.encode("utf-8"))
    return exc.value.findings


def test_comments_and_processing_instructions_are_dropped_with_an_info() -> None:
    text = XDIS01_FULL.replace("<Patient>", "<!-- om patienten --><Patient>").replace(
        "Indlagt med feber. ", "Indlagt <?pi x?>med<!-- c --> feber. "
    )
    text = text.replace('UTF-8"?>', 'UTF-8"?><!-- prolog -->')
    message, findings = read_bytes(text.encode())
    dropped = [f for f in findings if f.code == "xml.comment-dropped"]
    assert len(dropped) == 4
    assert all(f.severity == "info" and f.location.line for f in dropped)
    assert dropped[0].location.line == 1
    letter = message.letter
    assert isinstance(letter, DischargeLetter)
    assert letter.clinical_information[0].text.content[2] == "Indlagt med feber. "
    assert b"<!--" not in write_xml(message)


@pytest.mark.parametrize(
    ("old", "new", "code", "path_end"),
    [
        (
            "<OccupancyText>",
            "<Foo>x</Foo><OccupancyText>",
            "xml.mapping.unexpected",
            "/Patient/Foo",
        ),
        ("<Patient>", '<Patient kind="x">', "xml.mapping.unexpected", "/Patient"),
        ("<Diagnose>", "<Diagnose>stray", "xml.mapping.unexpected", "/Diagnose"),
        (
            "<Bold>Forløb</Bold>",
            "<Bold><Italic>Forløb</Italic></Bold>",
            "xml.mapping.unexpected",
            "/Bold/Italic",
        ),
        ("<Break/>", "<Break>x</Break>", "xml.mapping.unexpected", "/Text01/Break[1]"),
        (
            "<PersonSurnameName>Testesen</PersonSurnameName><PersonGivenName>Tove",
            "<PersonGivenName>Tove",
            "xml.mapping.missing",
            "/DischargeLetter/Patient",
        ),
        (
            ">inaktiv<",
            ">udskrevet_til_hjemmet<",
            "xml.mapping.value",
            "/Patient/EpisodeOfCareStatusCode",
        ),
        (">2048<", ">0<", "xml.mapping.value", "/OriginalObjectSize"),
        ("<SUP>true</SUP>", "<SUP>false</SUP>", "xml.mapping.value", "/Reference[2]/SUP"),
        (
            "<TypeCode>XDIS01</TypeCode>",
            "<TypeCode>XREF01</TypeCode>",
            "xml.mapping.value",
            "/Letter/TypeCode",
        ),
        (
            "</DischargeLetter>",
            "</DischargeLetter><OutPatientDischargeLetter><Letter/></OutPatientDischargeLetter>",
            "xml.mapping.unsupported-letter",
            "/Emessage/OutPatientDischargeLetter",
        ),
        (
            "<VersionCode>XD0133L</VersionCode>",
            "<VersionCode>XD0134L</VersionCode>",
            "xml.mapping.unsupported-version",
            "/Emessage/DischargeLetter",
        ),
    ],
)
def test_reader_errors_have_code_path_and_line(
    old: str, new: str, code: str, path_end: str
) -> None:
    assert old in XDIS01_FULL
    findings = _read_error(XDIS01_FULL.replace(old, new, 1))
    errors = [f for f in findings if f.is_error]
    assert [f.code for f in errors] == [code]
    assert errors[0].location.path.endswith(path_end)
    assert errors[0].location.line is not None and errors[0].location.line > 1


def test_break_in_the_wrong_municipality_namespace_is_unexpected() -> None:
    text = XDIS21_FULL.replace("portioner. <m0:Break/>", "portioner. <Break/>")
    findings = _read_error(text)
    assert [f.code for f in findings if f.is_error] == ["xml.mapping.unexpected"]
    assert findings[-1].location.path.endswith("/ProblemArea/Break")


def test_2018_namespace_is_an_unsupported_version() -> None:
    text = f'<Emessage xmlns="{MC2018}"><Envelope/></Emessage>'
    findings = _read_error(text)
    assert [f.code for f in findings] == ["xml.mapping.unsupported-version"]
    mixed = XDIS01_FULL.replace(
        "</Emessage>", f'<DischargeLetter xmlns="{MC2018}"><Letter/></DischargeLetter></Emessage>'
    )
    assert [f.code for f in _read_error(mixed)] == ["xml.mapping.unsupported-version"]


def test_care_plan_in_a_2005_emessage_is_unexpected() -> None:
    text = XDIS01_FULL.replace("</Emessage>", f'<ProgressOfCarePlan xmlns="{M103}"/></Emessage>')
    assert [f.code for f in _read_error(text)] == ["xml.mapping.unexpected"]


def test_missing_envelope_and_letters() -> None:
    assert [f.code for f in _read_error(f'<Emessage xmlns="{MC2005}"/>')] == ["xml.mapping.missing"]
    only_envelope = f'<Emessage xmlns="{MC2005}">{ENVELOPE_2005}</Emessage>'
    assert [f.code for f in _read_error(only_envelope)] == ["xml.mapping.missing"]


def test_several_letters_each_with_local_elements() -> None:
    local = '<Local_Elements><x:Note xmlns:x="urn:example:local">a</x:Note></Local_Elements>'
    start = XDIS01_FULL.index("<DischargeLetter>")
    end = XDIS01_FULL.index("</DischargeLetter>") + len("</DischargeLetter>")
    letter = XDIS01_FULL[start:end]
    text = XDIS01_FULL[:end] + local + letter + local.replace(">a<", ">b<") + XDIS01_FULL[end:]
    message, _ = read_bytes(text.encode())
    assert len(message.letters) == 2
    kept = [le.xml for le in (lt.local_elements for lt in message.letters) if le is not None]
    assert len(kept) == 2 and ">a<" in kept[0] and ">b<" in kept[1]
    out = write_xml(message)
    assert_same_infoset(text.encode(), out)


# ---------------------------------------------------------------------------------------------
# detection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (XDIS01_FULL, ("epikrise", "XD0133L", "EPI0000042")),
        (XREF01_FULL, ("henvisning", "XH0130R", "EPI0000042")),
        (XDIS21_FULL, ("plejeforloebsplan", "XD2134C", "PLAN000000301")),
        (XDIS01_FULL.replace(">XD0133L<", ">XD0134L<"), ("epikrise", "XD0134L", "EPI0000042")),
        (XREF01_FULL.replace(">XH0130R<", ">XH0131R<"), ("henvisning", "XH0131R", "EPI0000042")),
        (XDIS01_FULL.replace(">XD0133L<", ">XD9999X<"), (None, "XD9999X", "EPI0000042")),
        (
            XDIS01_FULL.replace("<TypeCode>XDIS01", "<TypeCode>XREF01"),
            (None, "XD0133L", "EPI0000042"),
        ),
        (f'<Emessage xmlns="{MC2005}">{ENVELOPE_2005}</Emessage>', (None, None, None)),
        (f'<Other xmlns="{MC2005}"/>', (None, None, None)),
    ],
)
def test_detect_tree(text: str, expected: tuple[str | None, ...]) -> None:
    assert detect_tree(parse(text.encode("utf-8"))) == expected


# ---------------------------------------------------------------------------------------------
# robustness: damaged trees give XmlInputError, never another exception


def _damaged(data: bytes, choice: int, action: int) -> bytes:
    root = parse(data)
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
    target = elements[choice % len(elements)]
    parent = target.getparent()
    if action == 0:
        parent.remove(target)
    elif action == 1:
        parent.insert(parent.index(target), copy.deepcopy(target))
    elif action == 2:
        target.text = "?"
    else:
        target.tag = f"{{urn:x}}{etree.QName(target).localname}"
    return bytes(etree.tostring(root))


@given(
    kind=st.sampled_from(sorted(FULL_DOCS)),
    choice=st.integers(0, 10_000),
    action=st.integers(0, 3),
)
def test_damaged_documents_raise_only_xml_input_error(kind: str, choice: int, action: int) -> None:
    data = _damaged(FULL_DOCS[kind], choice, action)
    try:
        message, _ = read_bytes(data)
    except XmlInputError as exc:
        assert exc.findings and all(f.code.startswith("xml.") for f in exc.findings)
        return
    try:  # the damage was harmless to the reader: the model is writable or refused cleanly
        write_xml(message)
    except ConversionError as exc:
        assert exc.findings
