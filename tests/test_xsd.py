"""Our XSDs (medbridge/xsd/): what they accept and reject, and how they are laid out.

Covers xml-messages.md §2–§6 and Appendix A: the §7 snippets validate (7.1 as is in
windows-1252, 7.2 inside a minimal envelope, 7.3 completed with parties), the facets and value
lists of §3.1 and §5, the three FormattedText content models, the per-letter variants, the
municipality namespace split, and that every schemaLocation is relative and stays inside xsd/.
Documents are checked with both validators (lxml and xmlschema) and must get the same verdict.

The §7 documents defined here are also used by tests/test_schema_validation.py.
"""

# The §7 snippets below are verbatim from the spec, and the XML test strings are clearer on one
# line each, so long lines are allowed in this file.
# ruff: noqa: E501

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from medbridge.findings import Severity
from medbridge.xml.namespaces import M100, M102, M103, MC2005
from medbridge.xml.parse import parse_trusted, parse_xml
from medbridge.xml.schema import (
    MEDCOM_2005,
    MUNICIPALITY,
    compiled_validators,
    schema_files,
    validate_tree,
)

XS = "http://www.w3.org/2001/XMLSchema"

SPEC_7_1 = """<?xml version="1.0" encoding="windows-1252"?>
<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">
  <Envelope>
    <Sent><Date>2024-03-05</Date><Time>14:20</Time></Sent>
    <Identifier>ENV0000042</Identifier>
    <AcknowledgementCode>pluspositivkvitt</AcknowledgementCode>
  </Envelope>
  <DischargeLetter>
    <Letter>
      <Identifier>EPI0000042</Identifier><VersionCode>XD0133L</VersionCode>
      <StatisticalCode>XDIS01</StatisticalCode>
      <Authorisation><Date>2024-03-05</Date><Time>14:05</Time></Authorisation>
      <TypeCode>XDIS01</TypeCode><StatusCode>nytbrev</StatusCode>
    </Letter>
    <Sender>
      <EANIdentifier>5799999000010</EANIdentifier><Identifier>9999011</Identifier>
      <IdentifierCode>sygehusafdelingsnummer</IdentifierCode>
      <OrganisationName>Eksempel Sygehus</OrganisationName><DepartmentName>Medicinsk Afdeling M</DepartmentName>
      <MedicalSpecialityCode>intern_medicin_sygehus</MedicalSpecialityCode>
    </Sender>
    <Receiver>
      <EANIdentifier>5799999000027</EANIdentifier><Identifier>999901</Identifier>
      <IdentifierCode>ydernummer</IdentifierCode><OrganisationName>Lægehuset Prøvevej</OrganisationName>
    </Receiver>
    <CCReceiver>
      <Identifier>999902</Identifier><IdentifierCode>ydernummer</IdentifierCode><OrganisationName>_</OrganisationName>
    </CCReceiver>
    <Patient>
      <CivilRegistrationNumber>0101011234</CivilRegistrationNumber>
      <PersonSurnameName>Testesen</PersonSurnameName><PersonGivenName>Tove</PersonGivenName>
      <PostCodeIdentifier>9999</PostCodeIdentifier><EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode>
    </Patient>
    <Referral>
      <Received><Date>2024-02-27</Date><Time>00:00</Time></Received>
      <ReferalAdditional>
        <DiagnoseCode>DR509</DiagnoseCode><DiagnoseTypeCode>SKSdiagnosekode</DiagnoseTypeCode>
        <DiagnoseText>Feber UNS</DiagnoseText>
      </ReferalAdditional>
    </Referral>
    <Diagnose><Main><DiagnoseCode>DJ189</DiagnoseCode><DiagnoseText>Pneumoni UNS</DiagnoseText></Main></Diagnose>
    <ClinicalInformation>
      <Signed><Date>2024-03-05</Date><Time>14:00</Time></Signed>
      <Text01><Bold>Forløb</Bold><Break/>Indlagt med feber, behandlet med antibiotika. <Break/><Break/><FixedFont>Temp <Space/> 37,1<Break/><Underline>Kontrol</Underline> om 4 uger</FixedFont></Text01>
    </ClinicalInformation>
  </DischargeLetter>
</Emessage>
"""

SPEC_7_2_FRAGMENT = """<Sender>
  <EANIdentifier>5799999000027</EANIdentifier>
  <Identifier>999901</Identifier>
  <IdentifierCode>ydernummer</IdentifierCode>
  <OrganisationName>Lægehuset Prøvevej</OrganisationName>
  <MedicalSpecialityCode>almen_medicin</MedicalSpecialityCode>
  <Referrer><PersonName>Lene Lægesen</PersonName><PersonTitle>Praktiserende læge</PersonTitle></Referrer>
</Sender>
<Receiver>
  <EANIdentifier>5799999000010</EANIdentifier>
  <Identifier>9999011</Identifier>
  <IdentifierCode>sygehusafdelingsnummer</IdentifierCode>
</Receiver>
<Patient>
  <AlternativeIdentifier>010101X001</AlternativeIdentifier>
  <PersonSurnameName>Prøvesen</PersonSurnameName>
  <TelephoneSubscriber>
    <TelephoneSubscriberIdentifier>87654321</TelephoneSubscriberIdentifier>
    <TelephoneSubscriberCode>mobil</TelephoneSubscriberCode>
  </TelephoneSubscriber>
</Patient>
<AdditionalInformation>
  <Priority>akut</Priority><ReferralStatus>ambulant</ReferralStatus><Transport>siddende</Transport>
  <ClinicalReason>Vurdering af vedvarende hoste.</ClinicalReason>
</AdditionalInformation>
<Referral>
  <Refer><DiagnoseTypeCode>uspecificeretkode</DiagnoseTypeCode><DiagnoseText>Hoste</DiagnoseText></Refer>
  <ReferralAdditional>
    <DiagnoseDescriptionCode>bidiagnose</DiagnoseDescriptionCode>
    <DiagnoseTypeCode>ICPCkode</DiagnoseTypeCode>
    <DiagnoseText>Astma</DiagnoseText>
  </ReferralAdditional>
</Referral>
<RelevantClinicalInformation><Cave><Bold>Penicillin</Bold></Cave></RelevantClinicalInformation>
"""

SPEC_7_2 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">\n'
    "  <Envelope><Sent><Date>2024-03-01</Date><Time>09:12</Time></Sent>"
    "<Identifier>ENV0000077</Identifier>"
    "<AcknowledgementCode>minuspositivkvitt</AcknowledgementCode></Envelope>\n"
    "  <HospitalReferral>\n"
    "    <Letter><Identifier>HEN0000077</Identifier><VersionCode>XH0130R</VersionCode>"
    "<StatisticalCode>XREF01</StatisticalCode>"
    "<Authorisation><Date>2024-03-01</Date><Time>09:05</Time></Authorisation>"
    "<TypeCode>XREF01</TypeCode><StatusCode>nytbrev</StatusCode></Letter>\n"
    + SPEC_7_2_FRAGMENT
    + "  </HospitalReferral>\n"
    "</Emessage>\n"
)

SPEC_7_3_FRAGMENT = """<Emessage xmlns="urn:oio:medcom:municipality:1.0.3">
  <ns1:Envelope xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
    <ns1:Sent><ns1:Date>2024-05-02</ns1:Date><ns1:Time>10:40</ns1:Time></ns1:Sent>
    <ns1:Identifier>PLAN0000000301</ns1:Identifier>
    <ns1:AcknowledgementCode>pluspositivkvitt</ns1:AcknowledgementCode>
  </ns1:Envelope>
  <ProgressOfCarePlan>
    <Letter>
      <Identifier>PLAN0000000301</Identifier><VersionCode>XD2134C</VersionCode>
      <StatisticalCode>XDIS21</StatisticalCode>
      <Authorisation>
        <ns1:Date xmlns:ns1="urn:oio:medcom:municipality:1.0.0">2024-05-02</ns1:Date>
        <ns1:Time xmlns:ns1="urn:oio:medcom:municipality:1.0.0">10:35</ns1:Time>
      </Authorisation>
      <TypeCode>XDIS21</TypeCode>
      <EpisodeOfCareIdentifier>0F3A9C2E7B1D4E5F8A6B2C3D4E5F6A7B</EpisodeOfCareIdentifier>
    </Letter>
    <!-- (elided here) m100 Sender, Receiver, Practitioner, Patient; m103 Relatives; m100 Admission -->
    <ep2:ExpectedEndOfTreatment xmlns:ep2="urn:oio:medcom:municipality:1.0.2">
      <ep2:Date>2024-05-06</ep2:Date><ep2:Time>13:30</ep2:Time>
    </ep2:ExpectedEndOfTreatment>
    <DietFirst24Hours><LunchBox>1</LunchBox><ShoppingAtDischarge>0</ShoppingAtDischarge></DietFirst24Hours>
    <ExpectedAbilityToFunctionAtDischarge>
      <LastModifiedDate>2024-05-02</LastModifiedDate>
      <AbilityToFunctionElements><AbilityToFunctionElement>
        <Terminology><Code>FA550</Code><CodeSystem>icf</CodeSystem><CodeDescription>Spise</CodeDescription></Terminology>
        <Score>svaere</Score><Comment>Skal have maden anrettet.</Comment>
      </AbilityToFunctionElement></AbilityToFunctionElements>
    </ExpectedAbilityToFunctionAtDischarge>
    <NursingProblemAreas>
      <NursingProblemArea>
        <Terminology><Code>B-12345</Code><CodeSystem>medcom</CodeSystem><CodeDescription>Ernæring</CodeDescription></Terminology>
        <ProblemArea>Spiser små portioner. <ns1:Break xmlns:ns1="urn:oio:medcom:municipality:1.0.0"/>Vejes to gange om ugen.</ProblemArea>
      </NursingProblemArea>
    </NursingProblemAreas>
  </ProgressOfCarePlan>
</Emessage>
"""

SPEC_7_3 = """<Emessage xmlns="urn:oio:medcom:municipality:1.0.3">
  <ns1:Envelope xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
    <ns1:Sent><ns1:Date>2024-05-02</ns1:Date><ns1:Time>10:40</ns1:Time></ns1:Sent>
    <ns1:Identifier>PLAN0000000301</ns1:Identifier>
    <ns1:AcknowledgementCode>pluspositivkvitt</ns1:AcknowledgementCode>
  </ns1:Envelope>
  <ProgressOfCarePlan>
    <Letter>
      <Identifier>PLAN0000000301</Identifier><VersionCode>XD2134C</VersionCode>
      <StatisticalCode>XDIS21</StatisticalCode>
      <Authorisation>
        <ns1:Date xmlns:ns1="urn:oio:medcom:municipality:1.0.0">2024-05-02</ns1:Date>
        <ns1:Time xmlns:ns1="urn:oio:medcom:municipality:1.0.0">10:35</ns1:Time>
      </Authorisation>
      <TypeCode>XDIS21</TypeCode>
      <EpisodeOfCareIdentifier>0F3A9C2E7B1D4E5F8A6B2C3D4E5F6A7B</EpisodeOfCareIdentifier>
    </Letter>
    <ns1:Sender xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
      <ns1:EANIdentifier>5799999000010</ns1:EANIdentifier><ns1:Identifier>9999011</ns1:Identifier>
      <ns1:IdentifierCode>sygehusafdelingsnummer</ns1:IdentifierCode>
      <ns1:OrganisationName>Eksempel Sygehus</ns1:OrganisationName>
      <ns1:DepartmentName>Medicinsk Afdeling M</ns1:DepartmentName>
      <ns1:UnitName>Sengeafsnit M2 med et meget langt n*</ns1:UnitName>
      <ns1:StreetName>Prøvevej 1</ns1:StreetName><ns1:DistrictName>Eksempelby</ns1:DistrictName>
      <ns1:PostCodeIdentifier>9999</ns1:PostCodeIdentifier>
      <ns1:TelephoneSubscriberIdentifier>99999999</ns1:TelephoneSubscriberIdentifier>
      <ns1:SignedBy><ns1:Identifier>9999011</ns1:Identifier><ns1:IdentifierCode>sygehusafdelingsnummer</ns1:IdentifierCode>
        <ns1:PersonGivenName>Sara</ns1:PersonGivenName><ns1:PersonSurnameName>Sygeplejersen</ns1:PersonSurnameName>
        <ns1:PersonTitle>Sygeplejerske</ns1:PersonTitle></ns1:SignedBy>
      <ns1:MedicalSpecialityCode>neurologi</ns1:MedicalSpecialityCode>
      <ns1:ContactInformation><ns1:ContactName>Afsnit M2</ns1:ContactName><ns1:TelephoneSubscriberIdentifier>99999998</ns1:TelephoneSubscriberIdentifier></ns1:ContactInformation>
    </ns1:Sender>
    <ns1:Receiver xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
      <ns1:EANIdentifier>5790000123452</ns1:EANIdentifier><ns1:Identifier>999</ns1:Identifier>
      <ns1:IdentifierCode>kommunenummer</ns1:IdentifierCode><ns1:OrganisationName>Eksempel Kommune</ns1:OrganisationName>
    </ns1:Receiver>
    <ns1:Practitioner xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
      <ns1:Identifier>999901</ns1:Identifier><ns1:IdentifierCode>ydernummer</ns1:IdentifierCode>
      <ns1:PersonName>Lægehuset Prøvevej</ns1:PersonName>
    </ns1:Practitioner>
    <ns1:Patient xmlns:ns1="urn:oio:medcom:municipality:1.0.0">
      <ns1:CivilRegistrationNumber>0707614285</ns1:CivilRegistrationNumber>
      <ns1:PersonSurnameName>Testesen</ns1:PersonSurnameName><ns1:PersonGivenName>Tove</ns1:PersonGivenName>
      <ns1:Occupation>Pensionist</ns1:Occupation>
    </ns1:Patient>
    <Relatives>
      <Relative>
        <RelationCode>aegtefaelle</RelationCode>
        <ns1:PersonSurnameName xmlns:ns1="urn:oio:medcom:municipality:1.0.0">Testesen</ns1:PersonSurnameName>
        <ns1:CodedTelephoneSubscriberIdentifier xmlns:ns1="urn:oio:medcom:municipality:1.0.0"><ns1:TelephoneCode>mobil</ns1:TelephoneCode><ns1:TelephoneSubscriberIdentifier>99999997</ns1:TelephoneSubscriberIdentifier></ns1:CodedTelephoneSubscriberIdentifier>
        <InformedRelative>1</InformedRelative>
      </Relative>
      <Comment>Ægtefælle er orienteret.</Comment>
    </Relatives>
    <ns1:Admission xmlns:ns1="urn:oio:medcom:municipality:1.0.0"><ns1:Date>2024-04-28</ns1:Date><ns1:Time>22:15</ns1:Time></ns1:Admission>
    <ep2:ExpectedEndOfTreatment xmlns:ep2="urn:oio:medcom:municipality:1.0.2">
      <ep2:Date>2024-05-06</ep2:Date><ep2:Time>13:30</ep2:Time>
    </ep2:ExpectedEndOfTreatment>
    <DietFirst24Hours><LunchBox>1</LunchBox><ShoppingAtDischarge>0</ShoppingAtDischarge></DietFirst24Hours>
    <ExpectedAbilityToFunctionAtDischarge>
      <LastModifiedDate>2024-05-02</LastModifiedDate>
      <AbilityToFunctionElements><AbilityToFunctionElement>
        <Terminology><Code>FA550</Code><CodeSystem>icf</CodeSystem><CodeDescription>Spise</CodeDescription></Terminology>
        <Score>svaere</Score><Comment>Skal have maden anrettet.</Comment>
      </AbilityToFunctionElement></AbilityToFunctionElements>
    </ExpectedAbilityToFunctionAtDischarge>
    <NursingProblemAreas>
      <NursingProblemArea>
        <Terminology><Code>B-12345</Code><CodeSystem>medcom</CodeSystem><CodeDescription>Ernæring</CodeDescription></Terminology>
        <ProblemArea>Spiser små portioner. <ns1:Break xmlns:ns1="urn:oio:medcom:municipality:1.0.0"/>Vejes to gange om ugen.</ProblemArea>
      </NursingProblemArea>
    </NursingProblemAreas>
  </ProgressOfCarePlan>
</Emessage>
"""


# ---------------------------------------------------------------------------------------------
# helpers


def _root(text: str, encoding: str | None = None) -> etree._Element:
    """Parse ``text`` encoded as its declaration says (characters outside it as references)."""
    if encoding is None:
        encoding = "cp1252" if 'encoding="windows-1252"' in text[:60] else "utf-8"
    return parse_xml(text.encode(encoding, "xmlcharrefreplace")).root


def _verdicts(root: etree._Element) -> tuple[bool, bool]:
    """(lxml valid, xmlschema valid) for ``root`` against the schema of its namespace."""
    schema_set = MUNICIPALITY if etree.QName(root).namespace == M103 else MEDCOM_2005
    fast, rich = compiled_validators(schema_set)
    return bool(fast.validate(root)), not any(
        True for _ in rich.iter_errors(root, use_location_hints=False)
    )


def assert_valid(text: str, encoding: str | None = None) -> None:
    root = _root(text, encoding)
    assert _verdicts(root) == (True, True)
    assert [f for f in validate_tree(root) if f.severity is not Severity.INFO] == []


def schema_codes(text: str, encoding: str | None = None) -> list[str]:
    """Codes of the non-info findings; also asserts both validators say invalid."""
    root = _root(text, encoding)
    assert _verdicts(root) == (False, False)
    return [f.code for f in validate_tree(root) if f.severity is not Severity.INFO]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# ---------------------------------------------------------------------------------------------
# layout of the XSD files


def test_schema_files_cover_every_namespace_folder() -> None:
    files = schema_files()
    folders = {f.parent.name for f in files}
    assert {
        "2005-08-07",
        "municipality-1.0.0",
        "municipality-1.0.2",
        "municipality-1.0.3",
    } <= folders
    targets: dict[str, str | None] = {}
    for path in files:
        root = parse_trusted(path.read_bytes())
        assert etree.QName(root).namespace == XS and etree.QName(root).localname == "schema"
        targets[path.name] = root.get("targetNamespace")
    namespaces = set(targets.values())
    assert {MC2005, M100, M102, M103} <= namespaces


def _xsd_root() -> Path:
    return next(p for p in schema_files() if p.name == "municipality.xsd").parent


def test_every_schema_location_is_relative_and_inside_xsd() -> None:
    xsd_root = _xsd_root().resolve()
    seen = 0
    for path in schema_files():
        root = parse_trusted(path.read_bytes())
        for element in root.iter(f"{{{XS}}}import", f"{{{XS}}}include", f"{{{XS}}}redefine"):
            location = element.get("schemaLocation")
            assert location, f"{path.name}: {element.tag} without schemaLocation"
            assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", location), location  # no scheme
            assert not location.startswith(("/", "\\")), location
            target = (path.parent / location).resolve()
            assert target.is_relative_to(xsd_root), location
            assert target.is_file(), location
            seen += 1
    assert seen >= 10


def test_one_schema_per_namespace_and_imports_match() -> None:
    for path in schema_files():
        root = parse_trusted(path.read_bytes())
        for imported in root.iter(f"{{{XS}}}import"):
            target = parse_trusted((path.parent / imported.get("schemaLocation", "")).read_bytes())
            assert target.get("targetNamespace") == imported.get("namespace")
        for included in root.iter(f"{{{XS}}}include"):
            target = parse_trusted((path.parent / included.get("schemaLocation", "")).read_bytes())
            assert target.get("targetNamespace") == root.get("targetNamespace")
    by_ns: dict[str | None, set[str]] = {}
    for path in schema_files():
        ns = parse_trusted(path.read_bytes()).get("targetNamespace")
        by_ns.setdefault(ns, set()).add(path.parent.name)
    assert by_ns[MC2005] == {"2005-08-07"}
    assert by_ns[M100] == {"municipality-1.0.0"}
    assert by_ns[M102] == {"municipality-1.0.2"}
    assert by_ns[M103] == {"municipality-1.0.3"}


def test_no_attributes_declared_and_elements_qualified() -> None:
    for path in schema_files():
        root = parse_trusted(path.read_bytes())
        if root.get("targetNamespace"):
            assert root.get("elementFormDefault") == "qualified", path.name
        if path.parent.name in ("vans-1.0.4", "sbdh-2021"):
            continue  # the transport envelopes have attributes (EndPointType, mimeType …)
        assert list(root.iter(f"{{{XS}}}attribute")) == [], path.name


def test_only_emessage_is_a_global_element_in_the_letter_namespaces() -> None:
    _, rich = compiled_validators(MEDCOM_2005)
    assert [e.local_name for e in rich.maps.elements.values() if e.target_namespace == MC2005] == [
        "Emessage"
    ]
    _, rich = compiled_validators(MUNICIPALITY)
    assert [e.local_name for e in rich.maps.elements.values() if e.target_namespace == M103] == [
        "Emessage"
    ]


def _enumeration(type_name: str) -> list[str]:
    path = next(p for p in schema_files() if p.name == "code-lists.xsd")
    root = parse_trusted(path.read_bytes())
    for simple in root.iter(f"{{{XS}}}simpleType"):
        if simple.get("name") == type_name:
            return [e.get("value", "") for e in simple.iter(f"{{{XS}}}enumeration")]
    raise AssertionError(type_name)


def test_value_lists_are_complete_and_verbatim() -> None:
    specialities = _enumeration("MedicalSpecialityCode")
    assert len(specialities) == len(set(specialities)) == 72
    assert specialities[57] == "patologi "  # row 58, trailing space kept
    assert specialities[68] == "fodbehandlking"  # row 69, sic
    assert _enumeration("EpisodeOfCareStatusCode01") == [
        "inaktiv",
        "indlagt",
        "ambulant",
        "doed",
        "ambulant_roentgen",
    ]
    assert len(_enumeration("EpisodeOfCareStatusCode")) == 10
    assert _enumeration("RelationCode") == ["uspec_paaroerende", "mor", "far", "barn"]
    assert _enumeration("StatusCode") == ["nytbrev", "rettetbrev"]
    assert len(_enumeration("DiagnoseDescriptionCode")) == 9
    assert len(_enumeration("ObjectCode")) == 7
    assert len(_enumeration("ObjectExtensionCode")) == 25
    assert len(_enumeration("InformationCode")) == 7


def test_value_lists_agree_with_the_model_enums() -> None:
    from medbridge.model import codes

    # The model may know values of later lists (e.g. paediatri_sygehus); never fewer.
    assert set(_enumeration("MedicalSpecialityCode")) <= {m.value for m in codes.MedicalSpeciality}


# ---------------------------------------------------------------------------------------------
# the §7 snippets


def test_spec_7_1_validates_as_is_in_windows_1252() -> None:
    data = SPEC_7_1.encode("cp1252")
    assert b"Forl\xf8b" in data  # really single-byte
    assert_valid(SPEC_7_1, "cp1252")


def test_spec_7_2_validates_inside_a_minimal_envelope() -> None:
    assert_valid(SPEC_7_2)


def test_spec_7_3_completed_validates() -> None:
    assert_valid(SPEC_7_3)


def test_spec_7_3_fragment_lacks_only_the_elided_parts() -> None:
    findings = validate_tree(_root(SPEC_7_3_FRAGMENT))
    assert [f.code for f in findings] == ["xml.schema.missing-element"]
    assert findings[0].severity is Severity.WARNING
    assert findings[0].location.path == "/Emessage/ProgressOfCarePlan"
    assert "Sender" in findings[0].message


# ---------------------------------------------------------------------------------------------
# negative cases of the brief and Appendix A


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("<StatusCode>nytbrev</StatusCode>", "<StatusCode>annulleretbrev</StatusCode>", "value"),
        ("<AcknowledgementCode>pluspositivkvitt<", "<AcknowledgementCode>positivkvitt<", "value"),
        ("<Time>14:20</Time>", "<Time>08:05:00</Time>", "value"),
        ("<Time>14:05</Time>", "<Time>24:00</Time>", "value"),
        ("<Time>14:00</Time>", "<Time>14:60</Time>", "value"),
        ("<Time>14:00</Time>", "<Time>4:00</Time>", "value"),
        ("0101011234</Civil", "010101123</Civil", "value"),
        ("0101011234</Civil", "01010112345</Civil", "value"),
        ("0101011234</Civil", "010101-1234</Civil", "value"),
        ("0101011234</Civil", "010101123\u0661</Civil", "value"),  # Arabic-Indic digit
        ("<CivilRegistrationNumber>0101011234</CivilRegistrationNumber>", "", "missing-element"),
        ("<EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode>", "", "missing-element"),
        ("inaktiv</Episode", "udskrevet_til_hjemmet</Episode", "value"),
        ("<Bold>Forløb</Bold>", "<Bold>For<Italic>l</Italic>øb</Bold>", "unexpected-element"),
        ("<FixedFont>Temp", "<FixedFont><FixedFont>x</FixedFont>Temp", "unexpected-element"),
        (
            "<Underline>Kontrol</Underline>",
            "<Underline><Center>K</Center></Underline>",
            "unexpected-element",
        ),
        ("<Break/>", "<Break>x</Break>", "invalid"),
        ("<VersionCode>XD0133L</VersionCode>", "<VersionCode>XH0130R</VersionCode>", "value"),
        ("<TypeCode>XDIS01</TypeCode>", "<TypeCode>XREF01</TypeCode>", "value"),
        ("<Envelope>", '<Envelope id="e1">', "invalid"),
        ("<Sender>", "<Sender>Eksempel", "invalid"),
        (
            "<OrganisationName>_</OrganisationName>",
            "<OrganisationName></OrganisationName>",
            "value",
        ),
        ("<PersonSurnameName>Testesen<", "<PersonSurnameName>" + "T" * 71 + "<", "value"),
        ("<DiagnoseText>Pneumoni UNS<", "<DiagnoseText>" + "P" * 71 + "<", "value"),
        ("<Identifier>EPI0000042<", "<Identifier>EPI000004200000<", "value"),
        ("<PostCodeIdentifier>9999<", "<PostCodeIdentifier>9999999999<", "value"),
        ("<Date>2024-03-05</Date><Time>14:05", "<Date>2024-02-30</Date><Time>14:05", "value"),
        ("<Date>2024-03-05</Date><Time>14:05", "<Date>05-03-2024</Date><Time>14:05", "value"),
        (
            "<MedicalSpecialityCode>intern_medicin_sygehus<",
            "<MedicalSpecialityCode>patologi<",
            "value",
        ),
        (
            "<MedicalSpecialityCode>intern_medicin_sygehus<",
            "<MedicalSpecialityCode>fodbehandling<",
            "value",
        ),
        ("<Patient>", "<Patient><Favoritfarve>blå</Favoritfarve>", "unexpected-element"),
        (
            "<Sender>",
            "<Sender><Referrer><PersonName>X</PersonName></Referrer>",
            "unexpected-element",
        ),
    ],
)
def test_xdis01_negative(old: str, new: str, code: str) -> None:
    codes = schema_codes(replace_once(SPEC_7_1, old, new))
    assert f"xml.schema.{code}" in codes, codes


def test_xdis01_missing_patient() -> None:
    start = SPEC_7_1.index("<Patient>")
    end = SPEC_7_1.index("</Patient>") + len("</Patient>")
    codes = schema_codes(SPEC_7_1[:start] + SPEC_7_1[end:])
    assert codes == ["xml.schema.missing-element"]


def test_xdis01_rejects_the_xref01_spelling_and_xref01_the_xdis01_one() -> None:
    xdis01 = SPEC_7_1.replace("ReferalAdditional", "ReferralAdditional")
    assert schema_codes(xdis01) == ["xml.schema.unexpected-element"]
    xref01 = SPEC_7_2.replace("ReferralAdditional", "ReferalAdditional")
    assert schema_codes(xref01) == ["xml.schema.unexpected-element"]


def test_aegtefaelle_is_invalid_in_xdis01_but_valid_in_xdis21() -> None:
    relative = (
        "<Relative><RelationCode>aegtefaelle</RelationCode>"
        "<PersonSurnameName>Testesen</PersonSurnameName></Relative>"
    )
    text = replace_once(SPEC_7_1, "<Referral>", relative + "<Referral>")
    assert schema_codes(text) == ["xml.schema.value"]
    assert_valid(replace_once(text, "aegtefaelle", "barn"))
    assert "<RelationCode>aegtefaelle</RelationCode>" in SPEC_7_3
    assert_valid(SPEC_7_3)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<Identifier>ENV0000042</Identifier>", "<Identifier>ENV0000042</Identifier>"),
        ("intern_medicin_sygehus", "patologi "),
        ("intern_medicin_sygehus", "fodbehandlking"),
        ("<PostCodeIdentifier>9999</PostCodeIdentifier>", "<PostCodeIdentifier/>"),
        ("0101011234</Civil", "0000000000</Civil"),
        (
            "<CivilRegistrationNumber>0101011234</CivilRegistrationNumber>",
            "<AlternativeIdentifier>010101X001</AlternativeIdentifier>",
        ),
        ("<AcknowledgementCode>pluspositivkvitt<", "<AcknowledgementCode>minuspositivkvitt<"),
        ("<StatusCode>nytbrev</StatusCode>", "<StatusCode>rettetbrev</StatusCode>"),
        ("<Text01>", "<Text01><Center>Epikrise<Break/><Space/></Center>"),
        ("<Text01>", "<Text01><FixedFont><Right>a</Right><Center>b</Center><Space/></FixedFont>"),
        (
            "<Text01>",
            '<Text01 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="x.xsd">',
        ),
        (
            "</ClinicalInformation>",
            "</ClinicalInformation><ClinicalInformation><Text01/></ClinicalInformation>",
        ),
        ("<Patient>", "<Patient><!-- a comment --><?pi data?>"),
        (
            "</DischargeLetter>",
            '</DischargeLetter><Local_Elements a="1"><x:Anything xmlns:x="urn:x">'
            '<x:Deep><mc2:Bold xmlns:mc2="urn:y"/></x:Deep></x:Anything>text</Local_Elements>',
        ),
    ],
)
def test_xdis01_positive_variants(old: str, new: str) -> None:
    assert_valid(replace_once(SPEC_7_1, old, new))


def _reference(choice: str) -> str:
    return f"<Reference><RefDescription>Røntgenbillede</RefDescription>{choice}</Reference>"


@pytest.mark.parametrize(
    ("choice", "valid"),
    [
        ("<URL>https://example.invalid/billede/1</URL>", True),
        ("<SUP>true</SUP>", True),
        ("<SUP>1</SUP>", False),
        ("<SUP>false</SUP>", False),
        (
            "<BIN><ObjectIdentifier>OBJ1</ObjectIdentifier><ObjectCode>billede</ObjectCode>"
            "<ObjectExtensionCode>jpeg</ObjectExtensionCode>"
            "<OriginalObjectSize>2048</OriginalObjectSize></BIN>",
            True,
        ),
        (
            "<BIN><ObjectIdentifier>OBJ1</ObjectIdentifier><ObjectCode>billede</ObjectCode>"
            "<ObjectExtensionCode>jpg</ObjectExtensionCode>"
            "<OriginalObjectSize>2048</OriginalObjectSize></BIN>",
            False,
        ),
        (
            "<BIN><ObjectIdentifier>OBJ1</ObjectIdentifier><ObjectCode>billede</ObjectCode>"
            "<ObjectExtensionCode>png</ObjectExtensionCode>"
            "<OriginalObjectSize>0</OriginalObjectSize></BIN>",
            False,
        ),
        ("<URL>https://example.invalid/</URL><SUP>true</SUP>", False),
        ("", False),
    ],
)
def test_reference_choice(choice: str, valid: bool) -> None:
    text = replace_once(SPEC_7_1, "</DischargeLetter>", _reference(choice) + "</DischargeLetter>")
    if valid:
        assert_valid(text)
    else:
        assert schema_codes(text)


def test_several_letters_of_mixed_kinds_in_one_emessage() -> None:
    letter = SPEC_7_1[SPEC_7_1.index("<DischargeLetter>") : SPEC_7_1.index("</Emessage>")]
    referral = SPEC_7_2[SPEC_7_2.index("<HospitalReferral>") : SPEC_7_2.index("</Emessage>")]
    text = replace_once(
        SPEC_7_1, "</Emessage>", "<Local_Elements/>" + referral + letter + "</Emessage>"
    )
    assert_valid(text)
    no_letter = SPEC_7_1[: SPEC_7_1.index("<DischargeLetter>")] + "</Emessage>"
    assert schema_codes(no_letter) == ["xml.schema.missing-element"]
    two_locals = replace_once(
        SPEC_7_1, "</Emessage>", "<Local_Elements/><Local_Elements/></Emessage>"
    )
    assert schema_codes(two_locals) == ["xml.schema.unexpected-element"]


# -- XREF01 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (
            "<Referrer><PersonName>Lene Lægesen</PersonName><PersonTitle>Praktiserende læge</PersonTitle></Referrer>",
            "",
            "missing-element",
        ),
        ("<Priority>akut</Priority>", "<Priority>haster</Priority>", "value"),
        ("<Transport>siddende</Transport>", "<Transport>gående</Transport>", "value"),
        ("<TelephoneSubscriberCode>mobil<", "<TelephoneSubscriberCode>privat<", "value"),
        ("<VersionCode>XH0130R</VersionCode>", "<VersionCode>XH0131R</VersionCode>", "value"),
        (
            "</Patient>",
            "<EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode></Patient>",
            "unexpected-element",
        ),
        ("</Patient>", "<OccupancyText>Tømrer</OccupancyText></Patient>", "unexpected-element"),
        (
            "<DiagnoseTypeCode>uspecificeretkode</DiagnoseTypeCode><DiagnoseText>Hoste",
            "<DiagnoseText>Hoste",
            "missing-element",
        ),
        ("<DiagnoseDescriptionCode>bidiagnose</DiagnoseDescriptionCode>", "", "missing-element"),
        (
            "<Cave><Bold>Penicillin</Bold></Cave>",
            "<Cave><Bold><Bold>Penicillin</Bold></Bold></Cave>",
            "unexpected-element",
        ),
    ],
)
def test_xref01_negative(old: str, new: str, code: str) -> None:
    assert f"xml.schema.{code}" in schema_codes(replace_once(SPEC_7_2, old, new))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("</Patient>", "<EmailIdentifier>" + "e" * 58 + "@eksempel.dk</EmailIdentifier></Patient>"),
        (
            "</TelephoneSubscriber>",
            "</TelephoneSubscriber>"
            + 2
            * "<TelephoneSubscriber><TelephoneSubscriberIdentifier>1</TelephoneSubscriberIdentifier><TelephoneSubscriberCode>fastnet</TelephoneSubscriberCode></TelephoneSubscriber>",
        ),
        ("<Refer><DiagnoseTypeCode>", "<Refer><DiagnoseCode>R05</DiagnoseCode><DiagnoseTypeCode>"),
        (
            "</RelevantClinicalInformation>",
            "</RelevantClinicalInformation><HospitalVisitation><InformationCode>visitering</InformationCode><Information/></HospitalVisitation>",
        ),
    ],
)
def test_xref01_positive_variants(old: str, new: str) -> None:
    assert_valid(replace_once(SPEC_7_2, old, new))


def test_xref01_patient_email_limit_is_70_and_phone_limit_3() -> None:
    email = "<EmailIdentifier>" + "e" * 71 + "</EmailIdentifier></Patient>"
    assert schema_codes(replace_once(SPEC_7_2, "</Patient>", email)) == ["xml.schema.value"]
    phone = (
        "<TelephoneSubscriber><TelephoneSubscriberIdentifier>1</TelephoneSubscriberIdentifier>"
        "<TelephoneSubscriberCode>fastnet</TelephoneSubscriberCode></TelephoneSubscriber>"
    )
    text = replace_once(SPEC_7_2, "</TelephoneSubscriber>", "</TelephoneSubscriber>" + 3 * phone)
    assert schema_codes(text) == ["xml.schema.unexpected-element"]


# -- facets as properties ----------------------------------------------------------------------

_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@given(st.text(alphabet="0123456789:", min_size=0, max_size=7))
def test_time_accepts_exactly_hh_mm(value: str) -> None:
    root = _root(replace_once(SPEC_7_1, "<Time>14:20</Time>", f"<Time>{value}</Time>"))
    expected = _TIME.fullmatch(value) is not None
    assert _verdicts(root) == (expected, expected)


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_every_real_time_is_valid(hour: int, minute: int) -> None:
    root = _root(
        replace_once(SPEC_7_1, "<Time>14:20</Time>", f"<Time>{hour:02d}:{minute:02d}</Time>")
    )
    assert _verdicts(root) == (True, True)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12))
def test_cpr_is_ten_ascii_digits_and_alternative_any_ten_characters(value: str) -> None:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "")
    cpr = replace_once(SPEC_7_1, "0101011234", escaped)
    expected = re.fullmatch(r"[0-9]{10}", value) is not None
    assert _verdicts(_root(cpr)) == (expected, expected)
    alternative = replace_once(
        SPEC_7_1,
        "<CivilRegistrationNumber>0101011234</CivilRegistrationNumber>",
        f"<AlternativeIdentifier>{escaped}</AlternativeIdentifier>",
    )
    expected = len(value.replace("\r", "")) == 10
    assert _verdicts(_root(alternative)) == (expected, expected)


# ---------------------------------------------------------------------------------------------
# municipality schemas (warnings: they encode guesses)


def _m103_findings(text: str) -> list[tuple[str, Severity]]:
    root = _root(text)
    assert _verdicts(root) == (False, False)
    return [(f.code, f.severity) for f in validate_tree(root)]


def test_municipality_date_time_in_three_namespaces() -> None:
    # 1.0.3 Date/Time where 1.0.0 belongs (Authorisation) is wrong ...
    text = SPEC_7_3.replace(
        '<ns1:Date xmlns:ns1="urn:oio:medcom:municipality:1.0.0">2024-05-02</ns1:Date>',
        "<Date>2024-05-02</Date>",
    )
    assert _m103_findings(text) == [("xml.schema.unexpected-element", Severity.WARNING)]
    # ... and 1.0.0 Date/Time where 1.0.2 belongs (ExpectedEndOfTreatment) too.
    text = SPEC_7_3.replace(
        "<ep2:Date>2024-05-06</ep2:Date>", f'<x:Date xmlns:x="{M100}">2024-05-06</x:Date>'
    )
    assert _m103_findings(text) == [("xml.schema.unexpected-element", Severity.WARNING)]


def test_municipality_break_must_be_the_1_0_0_element() -> None:
    text = SPEC_7_3.replace(
        '<ns1:Break xmlns:ns1="urn:oio:medcom:municipality:1.0.0"/>', "<Break/>"
    )
    assert _m103_findings(text) == [("xml.schema.unexpected-element", Severity.WARNING)]
    styled = SPEC_7_3.replace(
        "Spiser små portioner. ",
        f'<b:Bold xmlns:b="{M100}">Spiser</b:Bold> små <b:FixedFont xmlns:b="{M100}">'
        f"<b:Italic>portioner</b:Italic><b:Space/></b:FixedFont>. ",
    )
    assert_valid(styled)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("<LunchBox>1</LunchBox>", "<LunchBox>ja</LunchBox>", "xml.schema.value"),
        ("<LunchBox>1</LunchBox>", "<LunchBox>01</LunchBox>", "xml.schema.value"),
        (
            "<InformedRelative>1</InformedRelative>",
            "<InformedRelative>true</InformedRelative>",
            "xml.schema.value",
        ),
        ("<ns1:Time>10:40</ns1:Time>", "<ns1:Time>10:40:00</ns1:Time>", "xml.schema.value"),
        (
            "<VersionCode>XD2134C</VersionCode>",
            "<VersionCode>XD1834C</VersionCode>",
            "xml.schema.value",
        ),
        (
            "<StatisticalCode>XDIS21</StatisticalCode>",
            "<StatisticalCode>XDIS21</StatisticalCode><StatusCode>nytbrev</StatusCode>",
            "xml.schema.unexpected-element",
        ),
        (
            "<ns1:CivilRegistrationNumber>0707614285</ns1:CivilRegistrationNumber>",
            "",
            "xml.schema.missing-element",
        ),
        (
            "<ns1:Occupation>Pensionist</ns1:Occupation>",
            "<ns1:OccupancyText>Pensionist</ns1:OccupancyText>",
            "xml.schema.unexpected-element",
        ),
        ("<Code>FA550</Code>", "", "xml.schema.missing-element"),
    ],
)
def test_municipality_negative_cases_are_warnings(old: str, new: str, code: str) -> None:
    text = replace_once(SPEC_7_3, old, new)
    findings = _m103_findings(text)
    assert (code, Severity.WARNING) in findings
    assert all(severity is Severity.WARNING for _, severity in findings)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<RelationCode>aegtefaelle</RelationCode>", "<RelationCode>nabo</RelationCode>"),
        ("<Score>svaere</Score>", "<Score>moderate</Score>"),
        ("<CodeSystem>icf</CodeSystem>", "<CodeSystem>andet</CodeSystem>"),
        (
            "<ns1:UnitName>Sengeafsnit M2 med et meget langt n*</ns1:UnitName>",
            "<ns1:UnitName>" + "U" * 80 + "</ns1:UnitName>",
        ),
        (
            "<ns1:CivilRegistrationNumber>0707614285</ns1:CivilRegistrationNumber>",
            "<ns1:AlternativeIdentifier>070761X001</ns1:AlternativeIdentifier>",
        ),
        ("</ns1:StreetName>", "</ns1:StreetName><ns1:SuburbName>Nordby</ns1:SuburbName>"),
        (
            "</ProgressOfCarePlan>",
            '</ProgressOfCarePlan><Local_Elements><a:x xmlns:a="urn:a"/></Local_Elements>',
        ),
        ("<EpisodeOfCareIdentifier>0F3A9C2E7B1D4E5F8A6B2C3D4E5F6A7B</EpisodeOfCareIdentifier>", ""),
    ],
)
def test_municipality_lenient_positive_cases(old: str, new: str) -> None:
    assert_valid(replace_once(SPEC_7_3, old, new))


def test_municipality_further_coordination_layout() -> None:
    coordination = (
        "<FurtherCoordination>"
        "<HomeChanges><Comment>Ja, gelænder ved trappen.</Comment></HomeChanges>"
        "<ScheduleAuxilaries><Comment>Ja, rollator.</Comment></ScheduleAuxilaries>"
        "<RehabilitationNeeds><Comment>Nej</Comment></RehabilitationNeeds>"
        "<HomeCareNeeds><Comment>Ja</Comment></HomeCareNeeds>"
        "<MedicineAdministrationHelp><Comment>Ja</Comment></MedicineAdministrationHelp>"
        "<MedicineConsumptionHelp><Comment>Nej</Comment></MedicineConsumptionHelp>"
        "<DischargeConference><DischargeDateCode>forslag</DischargeDateCode>"
        "<Date>2024-05-06</Date><Time>10:00</Time><VideoConference>1</VideoConference>"
        "<Comment>Via video.</Comment></DischargeConference>"
        "<OtherMunicipalWorkNeeded><Comment>Nej</Comment></OtherMunicipalWorkNeeded>"
        "</FurtherCoordination>"
    )
    text = replace_once(
        SPEC_7_3,
        "<ExpectedAbilityToFunctionAtDischarge>",
        coordination + "<ExpectedAbilityToFunctionAtDischarge>",
    )
    assert_valid(text)
    misspelt = text.replace("ScheduleAuxilaries", "ScheduleAuxiliaries")
    assert _m103_findings(misspelt) == [("xml.schema.unexpected-element", Severity.WARNING)]
