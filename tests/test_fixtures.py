"""The fixture set: valid fixtures validate and read; invalid ones give exactly the findings
their ``.expected.json`` names; and, walked with lxml independently of medbridge's mapping, the
valid fixtures of each kind together use every element, code value and formatting element of the
spec (xml-messages.md §4, §5, §3.11), and the EDIFACT-clean ones avoid every XML-only feature
(edifact-messages.md §9.8, §12 P3/P6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_cases import (
    EDIFACT_KINDS,
    FIXTURES,
    INVALID_CATEGORIES,
    KINDS,
    RECEIPT_KIND,
    edifact_clean_fixtures,
    expectation_path,
    fixture_id,
    invalid_fixtures,
    is_edifact_clean,
    kind_of,
    load_expectation,
    parse_fixture,
    valid_fixtures,
)
from lxml import etree

import medbridge
from medbridge.model.message import Message

MC = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/"
M100 = "urn:oio:medcom:municipality:1.0.0"
M102 = "urn:oio:medcom:municipality:1.0.2"
M103 = "urn:oio:medcom:municipality:1.0.3"

_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+(?:\.\*)?")
VALID = valid_fixtures()
INVALID = invalid_fixtures()
LETTER_ELEMENT = {
    "epikrise": "DischargeLetter",
    "henvisning": "HospitalReferral",
    "plejeforloebsplan": "ProgressOfCarePlan",
}

# --------------------------------------------------------------------------------------------
# The spec, written down independently of medbridge.model.codes (xml-messages.md §5).

IDENTIFIER_CODES = {
    "sygehusafdelingsnummer",
    "ydernummer",
    "lokationsnummer",
    "kommunenummer",
    "sorkode",
}
EPISODE_STATUS_XDIS01 = {"inaktiv", "indlagt", "ambulant", "doed", "ambulant_roentgen"}
RELATION_2005 = {"uspec_paaroerende", "mor", "far", "barn"}
DIAGNOSE_TYPE = {"SKSdiagnosekode", "uspecificeretkode", "ICPCkode"}
DIAGNOSE_DESCRIPTION = {
    "uspec_diagnose",
    "henv_diagnose",
    "bidiagnose",
    "tillaegsdiagnose",
    "aktionsdiagnose",
    "midlertidig_diagnose",
    "forloebsdiagnose",
    "operation",
    "roentgenundersoegelse",
}
MEDICAL_SPECIALITY = {
    *[
        "ikkeklassificeret",
        "intern_medicin_sygehus",
        "geriatri",
        "hepatologi",
        "haematologi",
        "infektionsmedicin",
        "kardiologi",
        "med_allergologi",
        "med_endokrinologi",
        "med_gastroenterologi",
        "med_lungesygdomme",
        "nefrologi",
        "reumatologi",
        "dermato_venerologi_sygehus",
        "neurologi",
        "onkologi",
        "kirurgi_sygehus",
        "karkirurgi",
        "kir_gastroenterologi",
        "plastikkirurgi",
        "thoraxkirurgi",
        "urologi",
        "gynaekologi_obstetrik_sygehus",
        "neurokirurgi",
        "ortopaedisk_kirurgi_sygehus",
        "oftalmologi",
        "oto_rhino_laryngologi",
        "hospitalsodontologi",
        "psykiatri_sygehus",
        "boerne_ungdomspsykiatri",
        "klin_biokemi",
        "klin_fys_nuklearmedicin",
        "klin_immunologi",
        "klin_mikrobiologi",
        "klin_neurofysiologi",
        "patologisk_anatomi",
        "diagnostisk_radiologi",
        "klin_farmakologi",
        "klin_genetik",
        "anaestesiologi_sygehus",
        "arbejdsmedicin",
        "almen_medicin",
        "samfundsmedicin",
        "almenlaege_laegevagt",
        "oejenlaege",
        "oere_naese_halslaege",
        "anaestesiologi_praksis",
        "roentgen_kbh",
        "dermato_venerologi_praksis",
        "roentgen",
        "reumatologi_fysiurgi",
        "gynaekologi_obstetrik_praksis",
        "intern_medicin_praksis",
        "kirurgi_praksis",
        "klinisk_kemi",
        "neuromedicin",
        "ortopaedisk_kirurgi_praksis",
        "plastkirurgi",
        "psykiatri_praksis",
        "paediatri",
        "boernepsykiatri",
        "tropemedicin",
        "tandlaege",
        "fysioterapi",
        "kiropraktor",
        "briller",
        "fodterapi",
        "fodbehandlking",
        "med_laboratorier",
        "omegnslaboratorier",
        "psykolog",
    ],
    "patologi ",  # sic: with the trailing space (§5.6 row 58)
}
STATUS_CODE = {"nytbrev", "rettetbrev"}
ACKNOWLEDGEMENT = {"pluspositivkvitt", "minuspositivkvitt"}
PRIORITY = {"elektiv", "akut", "saerlige_forhold"}
REFERRAL_STATUS = {"ambulant", "indlaeggelse"}
TRANSPORT = {"ingen", "liggende", "siddende"}
TELEPHONE_SUBSCRIBER_CODE = {"mobil", "arbejde", "fastnet"}
INFORMATION_CODE = {
    "ustruktureret",
    "egen_laege",
    "henvisning_modtaget",
    "visitering",
    "indkaldt",
    "indlagt_paa",
    "udenamts_kaution",
}
OBJECT_CODE = {
    "tekstfil",
    "billede",
    "program",
    "vektor_grafik",
    "biosignaler",
    "multimedie",
    "proprietaert_indhold",
}
OBJECT_EXTENSION = set(
    [
        "pcx",
        "tiff",
        "jpeg",
        "gif",
        "bmp",
        "png",
        "mpg",
        "dcm",
        "scp",
        "txt",
        "rtf",
        "doc",
        "xls",
        "wpd",
        "exe",
        "pdf",
        "wav",
        "avi",
        "mid",
        "rmi",
        "com",
        "zip",
        "bin",
        "inh",
        "plo",
    ]
)
# §5.13 and §5.17: the municipality values seen or assumed.
TELEPHONE_CODE = {"privat", "arbejde", "mobil"}
SCORE = {"ingen", "lette", "moderate", "svaere", "totale"}
NURSING_AREAS = {
    "A": "Bevægeapparat og aktuel funktionsevne",
    "B": "Ernæring",
    "C": "Hud og slimhinder",
    "D": "Kommunikation",
    "E": "Psykosociale forhold",
    "F": "Respiration og cirkulation",
    "G": "Seksualitet",
    "H": "Smerter og sanseindtryk",
    "I": "Søvn og hvile",
    "J": "Viden og udvikling",
    "K": "Udskillelse af affaldsstoffer",
}
FUNCTION_CODES = {"FA420", "FA460", "FA510", "FA530", "FA540", "FA550", "FA560"}
FLAG = {"0", "1"}

#: (kind, local name of the element, parent local name or None for any) → every value in the list.
CODE_LISTS: dict[str, list[tuple[str, str | None, set[str]]]] = {
    "epikrise": [
        ("IdentifierCode", None, IDENTIFIER_CODES),
        ("EpisodeOfCareStatusCode", None, EPISODE_STATUS_XDIS01),
        ("RelationCode", None, RELATION_2005),
        ("DiagnoseTypeCode", None, DIAGNOSE_TYPE),
        ("DiagnoseDescriptionCode", None, DIAGNOSE_DESCRIPTION),
        ("MedicalSpecialityCode", None, MEDICAL_SPECIALITY),
        ("StatusCode", None, STATUS_CODE),
        ("AcknowledgementCode", None, ACKNOWLEDGEMENT),
        ("ObjectCode", None, OBJECT_CODE),
        ("ObjectExtensionCode", None, OBJECT_EXTENSION),
    ],
    "henvisning": [
        ("IdentifierCode", None, IDENTIFIER_CODES),
        ("RelationCode", None, RELATION_2005),
        ("DiagnoseTypeCode", None, DIAGNOSE_TYPE),
        ("DiagnoseDescriptionCode", None, DIAGNOSE_DESCRIPTION),
        ("MedicalSpecialityCode", None, MEDICAL_SPECIALITY),
        ("StatusCode", None, STATUS_CODE),
        ("AcknowledgementCode", None, ACKNOWLEDGEMENT),
        ("Priority", None, PRIORITY),
        ("ReferralStatus", None, REFERRAL_STATUS),
        ("Transport", None, TRANSPORT),
        ("TelephoneSubscriberCode", None, TELEPHONE_SUBSCRIBER_CODE),
        ("InformationCode", None, INFORMATION_CODE),
        ("ObjectCode", None, OBJECT_CODE),
        ("ObjectExtensionCode", None, OBJECT_EXTENSION),
    ],
    "plejeforloebsplan": [
        ("IdentifierCode", None, IDENTIFIER_CODES),
        ("AcknowledgementCode", None, ACKNOWLEDGEMENT),
        ("RelationCode", None, {"aegtefaelle"}),
        ("TelephoneCode", None, TELEPHONE_CODE),
        ("DischargeDateCode", None, {"forslag"}),
        ("Score", None, SCORE),
        ("CodeSystem", None, {"icf", "medcom"}),
        ("InformedRelative", None, FLAG),
        ("LunchBox", None, FLAG),
        ("ShoppingAtDischarge", None, FLAG),
        ("VideoConference", None, FLAG),
        ("CodeDescription", "Terminology", set(NURSING_AREAS.values())),
    ],
}

#: Every element path below the letter element (§4.1, §4.2.1, §4.3.2), leaves written in braces.
_TREES: dict[str, str] = {
    "epikrise": """
        Letter/{Identifier VersionCode StatisticalCode TypeCode StatusCode EpisodeOfCareIdentifier}
        Letter/Authorisation/{Date Time}
        Sender/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName SuburbName DistrictName PostCodeIdentifier TelephoneSubscriberIdentifier
            MedicalSpecialityCode}
        Sender/Contact/{Identifier IdentifierCode OrganisationName DepartmentName UnitName}
        Receiver/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName SuburbName DistrictName PostCodeIdentifier}
        CCReceiver/{Identifier IdentifierCode OrganisationName DepartmentName UnitName StreetName
            SuburbName DistrictName PostCodeIdentifier}
        Patient/{CivilRegistrationNumber AlternativeIdentifier PersonSurnameName PersonGivenName
            StreetName SuburbName DistrictName PostCodeIdentifier OccupancyText
            EpisodeOfCareStatusCode}
        Relative/{RelationCode PersonIdentifier PersonSurnameName PersonGivenName StreetName
            SuburbName DistrictName PostCodeIdentifier}
        Referral/{Identifier}
        Referral/Received/{Date Time}
        Referral/Refer/{DiagnoseCode DiagnoseTypeCode DiagnoseText}
        Referral/ReferalAdditional/{DiagnoseCode DiagnoseTypeCode DiagnoseText}
        Admission/{Date Time}
        Discharge/{Date Time}
        Diagnose/Main/{DiagnoseCode DiagnoseText}
        Diagnose/MainAdditional/{DiagnoseCode DiagnoseText}
        Diagnose/Other/{DiagnoseDescriptionCode DiagnoseCode DiagnoseTypeCode DiagnoseText}
        Diagnose/Other/DiagnoseDateTime/{Date Time}
        ClinicalInformation/{Text01}
        ClinicalInformation/Signed/{Date Time}
        Reference/{RefDescription URL SUP}
        Reference/BIN/{ObjectIdentifier ObjectCode ObjectExtensionCode OriginalObjectSize}
    """,
    "henvisning": """
        Letter/{Identifier VersionCode StatisticalCode TypeCode StatusCode EpisodeOfCareIdentifier}
        Letter/Authorisation/{Date Time}
        Sender/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName SuburbName DistrictName PostCodeIdentifier TelephoneSubscriberIdentifier
            MedicalSpecialityCode}
        Sender/Referrer/{Identifier IdentifierCode PersonName PersonTitle}
        Receiver/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName SuburbName DistrictName PostCodeIdentifier}
        AnswerCCReceiver/{Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName SuburbName DistrictName PostCodeIdentifier TelephoneSubscriberIdentifier}
        Patient/{CivilRegistrationNumber AlternativeIdentifier PersonSurnameName PersonGivenName
            PersonTitle StreetName SuburbName DistrictName PostCodeIdentifier EmailIdentifier}
        Patient/TelephoneSubscriber/{TelephoneSubscriberIdentifier TelephoneSubscriberCode}
        Relative/{RelationCode PersonIdentifier PersonSurnameName PersonGivenName}
        AdditionalInformation/{Priority ReferralStatus Transport Supplementary ClinicalReason}
        Referral/Refer/{DiagnoseCode DiagnoseTypeCode DiagnoseText}
        Referral/ReferralAdditional/{DiagnoseDescriptionCode DiagnoseCode DiagnoseTypeCode
            DiagnoseText}
        RelevantClinicalInformation/{Cave Anamnesis Examination ActualMedicine}
        Reference/{RefDescription URL SUP}
        Reference/BIN/{ObjectIdentifier ObjectCode ObjectExtensionCode OriginalObjectSize}
        HospitalVisitation/{InformationCode Information}
    """,
    "plejeforloebsplan": """
        Letter/{Identifier VersionCode StatisticalCode TypeCode EpisodeOfCareIdentifier}
        Letter/Authorisation/{Date Time}
        Sender/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName DistrictName PostCodeIdentifier TelephoneSubscriberIdentifier
            MedicalSpecialityCode}
        Sender/SignedBy/{Identifier IdentifierCode PersonGivenName PersonSurnameName PersonTitle}
        Sender/ContactInformation/{ContactName TelephoneSubscriberIdentifier}
        Receiver/{EANIdentifier Identifier IdentifierCode OrganisationName DepartmentName UnitName
            StreetName DistrictName PostCodeIdentifier}
        Practitioner/{Identifier IdentifierCode PersonName TelephoneSubscriberIdentifier}
        Patient/{CivilRegistrationNumber AlternativeIdentifier PersonSurnameName PersonGivenName
            StreetName SuburbName DistrictName PostCodeIdentifier Occupation
            TelephoneSubscriberIdentifier}
        Relatives/{Comment}
        Relatives/Relative/{RelationCode PersonSurnameName PersonGivenName InformedRelative}
        Relatives/Relative/CodedTelephoneSubscriberIdentifier/{TelephoneCode
            TelephoneSubscriberIdentifier}
        Admission/{Date Time}
        ExpectedEndOfTreatment/{Date Time}
        AgreedDischarge/{Date Time}
        {AgreedDischargeComment CauseOfAdmission ExpectedCourseOfAdmission RiskOfContagion}
        DietFirst24Hours/{LunchBox ShoppingAtDischarge}
        FurtherCoordination/HomeChanges/{Comment}
        FurtherCoordination/ScheduleAuxilaries/{Comment}
        FurtherCoordination/RehabilitationNeeds/{Comment}
        FurtherCoordination/HomeCareNeeds/{Comment}
        FurtherCoordination/MedicineAdministrationHelp/{Comment}
        FurtherCoordination/MedicineConsumptionHelp/{Comment}
        FurtherCoordination/DischargeConference/{DischargeDateCode Date Time VideoConference
            Comment}
        FurtherCoordination/OtherMunicipalWorkNeeded/{Comment}
        ExpectedAbilityToFunctionAtDischarge/{LastModifiedDate}
        ExpectedAbilityToFunctionAtDischarge/AbilityToFunctionElements/AbilityToFunctionElement/{
            Score Comment}
        ExpectedAbilityToFunctionAtDischarge/AbilityToFunctionElements/AbilityToFunctionElement/
            Terminology/{Code CodeSystem CodeDescription}
        NursingProblemAreas/NursingProblemArea/{ProblemArea}
        NursingProblemAreas/NursingProblemArea/Terminology/{Code CodeSystem CodeDescription}
    """,
}
ENVELOPE_PATHS = {"Envelope/Sent/Date", "Envelope/Sent/Time", "Envelope/Identifier",
                  "Envelope/AcknowledgementCode"}  # fmt: skip

FORMATTED_TEXT = {
    "Text01",
    "Supplementary",
    "ClinicalReason",
    "Cave",
    "Anamnesis",
    "Examination",
    "ActualMedicine",
    "Information",
    "ProblemArea",
}
INLINE = ("Break", "Space", "Bold", "Italic", "Underline", "Center", "Right", "FixedFont")
BREAKABLE = ("Bold", "Italic", "Underline", "Center", "Right")
#: (parent, child) pairs of inline elements that must occur (§3.11 table); "" = the text element.
REQUIRED_INLINE_PAIRS = (
    {("", child) for child in INLINE}
    | {("FixedFont", child) for child in INLINE if child != "FixedFont"}
    | {(wrapper, "Break") for wrapper in BREAKABLE}
)
ALLOWED_INLINE_PAIRS = (
    {("", child) for child in INLINE}
    | {("FixedFont", child) for child in INLINE if child != "FixedFont"}
    | {(wrapper, child) for wrapper in BREAKABLE for child in ("Break", "Space")}
)


def _expand(tree: str) -> set[str]:
    """``A/B/{x y}`` lines → {"A/B/x", "A/B/y"}; a line may continue on the next ones."""
    text = " ".join(tree.split())
    paths: set[str] = set()
    for chunk in text.split("}"):
        chunk = chunk.strip()
        if not chunk:
            continue
        prefix, _, leaves = chunk.partition("{")
        prefix = prefix.replace(" ", "")
        for leaf in leaves.split():
            paths.add(prefix + leaf)
    return paths


SPEC_PATHS = {kind: _expand(tree) for kind, tree in _TREES.items()}


def _with_prefixes(paths: set[str]) -> set[str]:
    out = set(paths)
    for path in paths:
        steps = path.split("/")
        out.update("/".join(steps[:i]) for i in range(1, len(steps)))
    return out


# --------------------------------------------------------------------------------------------
# Walking a fixture with lxml


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _letters(root: etree._Element, kind: str) -> list[etree._Element]:
    return [child for child in root if _local(child) == LETTER_ELEMENT[kind]]


def _structure(letter: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(path below the letter, element) for every element, not descending into free text."""
    stack: list[tuple[str, etree._Element]] = [("", letter)]
    while stack:
        prefix, element = stack.pop()
        for child in element:
            if not isinstance(child.tag, str):
                continue
            path = f"{prefix}{_local(child)}"
            yield path, child
            if _local(child) not in FORMATTED_TEXT:
                stack.append((path + "/", child))


def _inline_pairs(text_element: etree._Element) -> Iterator[tuple[str, str]]:
    for element in text_element.iter():
        if element is text_element or not isinstance(element.tag, str):
            continue
        parent = element.getparent()
        assert parent is not None
        yield ("" if parent is text_element else _local(parent), _local(element))


@pytest.fixture(scope="module")
def trees() -> dict[Path, etree._Element]:
    return {path: parse_fixture(path) for path in VALID}


# --------------------------------------------------------------------------------------------
# The fixture set itself


def test_every_kind_has_at_least_five_valid_fixtures() -> None:
    for kind in KINDS:
        assert len(valid_fixtures(kind)) >= 5, kind


def test_at_least_five_edifact_clean_fixtures_per_edifact_kind() -> None:
    for kind in EDIFACT_KINDS:
        assert len(edifact_clean_fixtures(kind)) >= 5, kind


def test_every_invalid_fixture_has_a_well_formed_expectation() -> None:
    assert INVALID, "no invalid fixtures found"
    for path in INVALID:
        expectation = load_expectation(path)
        assert expectation.description, path
        for expected in expectation.findings:
            assert _CODE.fullmatch(expected.code), expected.code
    on_disk = {p for c in INVALID_CATEGORIES for p in (FIXTURES / "invalid" / c).glob("*.json")}
    assert on_disk == {expectation_path(p) for p in INVALID}


def test_no_stray_files_in_fixture_folders() -> None:
    for path in (FIXTURES / "invalid").rglob("*"):
        if path.is_file():
            assert path.parent.name in INVALID_CATEGORIES, path
    for path in (FIXTURES / "valid").rglob("*"):
        if path.is_file():
            folder = path.parent.name
            assert path.suffix in {".xml", ".edi"} and folder in (*KINDS, RECEIPT_KIND), path


def test_readme_lists_every_fixture() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in VALID + INVALID:
        assert f"`{path.name}`" in readme, f"{fixture_id(path)} is not described in README.md"


@pytest.mark.parametrize("path", VALID, ids=fixture_id)
def test_declared_encoding_matches_the_bytes(path: Path) -> None:
    data = path.read_bytes()
    assert not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if data.startswith(b"<?xml"):
        declaration = data[: data.index(b"?>")].decode("ascii").lower()
        codec = declaration.split('encoding="')[1].split('"')[0]
        text = data.decode({"windows-1252": "cp1252"}.get(codec, codec))
    else:  # the observed municipality payloads: undeclared ISO-8859-1, or plain UTF-8
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("iso-8859-1")
    assert not any("\x80" <= ch <= "\x9f" for ch in text), "C1 control characters"
    assert any(ch in text for ch in "æøåÆØÅ"), "Danish letters belong in every fixture"


def test_encodings_seen_in_practice_are_all_there() -> None:
    def starts(path: Path) -> bytes:
        return path.read_bytes()[:60]

    epi_hen = valid_fixtures("epikrise") + valid_fixtures("henvisning")
    assert sum(b'encoding="windows-1252"' in starts(p) for p in epi_hen) >= 6
    assert any(b'encoding="UTF-8"' in starts(p) for p in valid_fixtures("epikrise"))
    assert any(b'encoding="UTF-8"' in starts(p) for p in valid_fixtures("henvisning"))
    observed = FIXTURES / "valid" / "plejeforloebsplan" / "observed-layout.xml"
    data = observed.read_bytes()
    assert data.startswith(b'<Emessage xmlns="urn:oio:medcom:municipality:1.0.3">\r\n\t<ns1:')
    assert b"\n" not in data.replace(b"\r\n", b"")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b'<ns1:Break xmlns:ns1="urn:oio:medcom:municipality:1.0.0"/>' in data
    assert b'<ep2:ExpectedEndOfTreatment xmlns:ep2="urn:oio:medcom:municipality:1.0.2">' in data
    xdis18 = (FIXTURES / "valid" / "plejeforloebsplan" / "xdis18-layout.xml").read_bytes()
    assert (
        b'<ns1:Emessage xmlns="urn:oio:medcom:municipality:1.0.0" '
        b'xmlns:ns1="urn:oio:medcom:municipality:1.0.3">' in xdis18
    )
    cp1252 = (FIXTURES / "valid" / "epikrise" / "xmlonly-fritekst-cp1252.xml").read_bytes()
    assert all(ch.encode("cp1252") in cp1252 for ch in "€“”–")


@pytest.mark.parametrize("path", VALID, ids=fixture_id)
def test_valid_fixture_has_the_right_namespaces_and_no_unknown_elements(
    path: Path, trees: dict[Path, etree._Element]
) -> None:
    kind = kind_of(path)
    root = trees[path]
    letters = _letters(root, kind)
    assert letters, "no letter element"
    allowed = _with_prefixes(SPEC_PATHS[kind])
    for letter in letters:
        for sub, element in _structure(letter):
            assert sub in allowed, f"{sub} is not an element of {kind} (line {element.sourceline})"
            expected = MC if kind != "plejeforloebsplan" else _municipality_namespace(sub)
            assert etree.QName(element).namespace == expected, f"{sub} (line {element.sourceline})"
            if _local(element) in FORMATTED_TEXT:
                inline_ns = MC if kind != "plejeforloebsplan" else M100
                for inline in element.iter():
                    if inline is not element and isinstance(inline.tag, str):
                        assert etree.QName(inline).namespace == inline_ns, inline.sourceline
                        assert _local(inline) in INLINE, inline.sourceline
                pairs = set(_inline_pairs(element))
                assert pairs <= ALLOWED_INLINE_PAIRS, (sub, pairs - ALLOWED_INLINE_PAIRS)
    others = [_local(c) for c in root if _local(c) not in ("Envelope", LETTER_ELEMENT[kind])]
    assert set(others) <= {"Local_Elements"}, others


def _municipality_namespace(path: str) -> str:
    """Where each XDIS21 element lives (xml-messages.md §4.3.1)."""
    steps = path.split("/")
    top = steps[0]
    if top in {"Sender", "Receiver", "Practitioner", "Patient"}:
        return M100
    if top in {"Admission", "AgreedDischarge", "CauseOfAdmission", "ExpectedCourseOfAdmission"}:
        return M100
    if top == "RiskOfContagion":
        return M100
    if top in {"ExpectedEndOfTreatment", "AgreedDischargeComment"}:
        return M102
    if top == "Letter" and steps[1:2] == ["Authorisation"] and len(steps) == 3:
        return M100
    if (
        top == "Relatives"
        and len(steps) >= 3
        and steps[2] not in {"RelationCode", "InformedRelative"}
    ):
        return M100
    return M103


# --------------------------------------------------------------------------------------------
# Coverage: every element, code value and formatting element of each kind


@pytest.mark.parametrize("kind", KINDS)
def test_valid_fixtures_use_every_element(kind: str, trees: dict[Path, etree._Element]) -> None:
    seen: set[str] = set()
    top: set[str] = set()
    for path in valid_fixtures(kind):
        root = trees[path]
        top.update(_local(child) for child in root)
        for envelope in root:
            if _local(envelope) == "Envelope":
                seen.update(f"Envelope/{p}" for p, _ in _structure(envelope))
        for letter in _letters(root, kind):
            seen.update(p for p, _ in _structure(letter))
    missing = (SPEC_PATHS[kind] | ENVELOPE_PATHS) - seen
    assert not missing, sorted(missing)
    if kind != "plejeforloebsplan":
        assert "Local_Elements" in top


@pytest.mark.parametrize("kind", KINDS)
def test_valid_fixtures_use_every_code_value(kind: str, trees: dict[Path, etree._Element]) -> None:
    used: dict[tuple[str, str | None], set[str]] = {}
    for path in valid_fixtures(kind):
        for element in trees[path].iter():
            if not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            for name, parent_name in [(_local(element), None)] + (
                [(_local(element), _local(parent))] if parent is not None else []
            ):
                used.setdefault((name, parent_name), set()).add(element.text or "")
    for name, parent_name, values in CODE_LISTS[kind]:
        missing = values - used.get((name, parent_name), set())
        assert not missing, f"{kind} {name}: {sorted(missing)}"
    if kind == "plejeforloebsplan":
        codes = used.get(("Code", "Terminology"), set())
        assert {c[:1] for c in codes if c[1:2] == "-"} >= set(NURSING_AREAS)
        assert codes >= FUNCTION_CODES


@pytest.mark.parametrize("kind", KINDS)
def test_valid_fixtures_use_every_formatting_element(
    kind: str, trees: dict[Path, etree._Element]
) -> None:
    pairs: set[tuple[str, str]] = set()
    for path in valid_fixtures(kind):
        for element in trees[path].iter():
            if isinstance(element.tag, str) and _local(element) in FORMATTED_TEXT:
                pairs.update(_inline_pairs(element))
    missing = REQUIRED_INLINE_PAIRS - pairs
    assert not missing, sorted(missing)
    assert any(parent in BREAKABLE and child == "Space" for parent, child in pairs)


def test_fixtures_carry_the_real_world_details(trees: dict[Path, etree._Element]) -> None:
    texts = {p: etree.tostring(trees[p], encoding="unicode") for p in VALID}
    everything = "\n".join(texts.values())
    for needle in (
        "ikke genoplivning",
        "HLR-minus",
        "ikke livsforlængende behandling",
        "CAVE",
        "<OrganisationName>_</OrganisationName>",
        ">patologi </",
        "<Time>00:00</Time>",
        "Local_Elements",
        "schemaLocation",
        "é",
        "ü",
        "ß",
    ):
        assert needle in everything, needle
    for letter in "æøåÆØÅ":
        assert letter in everything
    plan = "\n".join(t for p, t in texts.items() if kind_of(p) == "plejeforloebsplan")
    assert "RiskOfContagion>MRSA" in plan
    postcodes = [
        e
        for root in trees.values()
        for e in root.iter()
        if isinstance(e.tag, str) and _local(e) == "PostCodeIdentifier"
    ]
    assert any(not e.text for e in postcodes), "an empty PostCodeIdentifier"
    text01 = [
        e
        for root in trees.values()
        for e in root.iter()
        if isinstance(e.tag, str) and _local(e) == "Text01"
    ]
    assert any(len(e) == 0 and not e.text for e in text01), "an empty <Text01/>"
    assert any(len(_letters(trees[p], kind_of(p))) > 10 for p in valid_fixtures("epikrise"))
    assert any(len(_letters(trees[p], kind_of(p))) > 10 for p in valid_fixtures("henvisning"))


# --------------------------------------------------------------------------------------------
# EDIFACT-clean fixtures avoid every XML-only feature (edifact-messages.md §9.8, §12 P3/P6)

_MAX_CLINICAL_CHARS = 3000
_MAX_URL = 276
_PARTIES = ("Receiver", "CCReceiver", "AnswerCCReceiver", "Contact", "Sender")


def _plain(element: etree._Element) -> str:
    return "".join(element.itertext())


def _flat_items(text_element: etree._Element) -> list[str]:
    """The text runs and Break/Space markers of a FormattedText, in document order."""
    items: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            items.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                name = _local(child)
                if name in ("Break", "Space"):
                    items.append(f"<{name}>")
                else:
                    walk(child)
            if child.tail:
                items.append(child.tail)

    walk(text_element)
    return items


def _edifact_problems(root: etree._Element, kind: str) -> list[str]:
    problems: list[str] = []
    eans: set[tuple[str, str]] = set()
    for child in root:
        if _local(child) == "Local_Elements":
            problems.append("Local_Elements")
    sent = root.find(f"{{{MC}}}Envelope/{{{MC}}}Sent/{{{MC}}}Date")
    if sent is None or not 1970 <= int((sent.text or "0")[:4]) <= 2069:
        problems.append("Envelope/Sent/Date outside 1970-2069")
    for letter in _letters(root, kind):
        sender = letter.findtext(f"{{{MC}}}Sender/{{{MC}}}EANIdentifier")
        receiver = letter.findtext(f"{{{MC}}}Receiver/{{{MC}}}EANIdentifier")
        eans.add((sender or "", receiver or ""))
        problems.extend(_letter_problems(letter, kind))
        for path, element in _structure(letter):
            problems.extend(_element_problems(element, path, kind, letter.sourceline))
    if len(eans) > 1:
        problems.append(f"letters with different EAN pairs: {sorted(eans)}")
    return problems


def _letter_problems(letter: etree._Element, kind: str) -> list[str]:
    """What EDIFACT cannot carry in a letter's header and references."""
    problems: list[str] = []
    line = letter.sourceline
    if letter.findtext(f"{{{MC}}}Letter/{{{MC}}}StatisticalCode") != letter.findtext(
        f"{{{MC}}}Letter/{{{MC}}}TypeCode"
    ):
        problems.append(f"StatisticalCode differs from TypeCode (line {line})")
    if kind == "henvisning" and letter.findtext(f"{{{MC}}}Letter/{{{MC}}}StatusCode") == (
        "rettetbrev"
    ):
        problems.append(f"REF01 rettetbrev (line {line})")
    references = letter.findall(f"{{{MC}}}Reference")
    if len(references) > 9:
        problems.append(f"{len(references)} references in one letter (line {line})")
    return problems


def _element_problems(element: etree._Element, path: str, kind: str, line: int | None) -> list[str]:
    """What EDIFACT cannot carry in one element of a letter (``line``: the letter's line)."""
    problems: list[str] = []
    name = _local(element)
    if name in FORMATTED_TEXT:
        problems.extend(_text_problems(element, path))
    elif len(element) == 0:
        problems.extend(_leaf_problems(element, name))
    if name in _PARTIES and element.find(f"{{{MC}}}OrganisationName") is None:
        problems.append(f"{path} without OrganisationName (line {element.sourceline})")
    if kind == "henvisning" and name in ("Sender", "Receiver", "AnswerCCReceiver", "Patient"):
        address = [
            element.find(f"{{{MC}}}{part}") is not None
            for part in ("SuburbName", "DistrictName", "PostCodeIdentifier")
        ]
        if any(address) and element.find(f"{{{MC}}}StreetName") is None:
            problems.append(f"REF01 {path} address without StreetName")
    if (
        name == "ReferralAdditional"
        and element.findtext(f"{{{MC}}}DiagnoseDescriptionCode") == "henv_diagnose"
    ):
        problems.append(f"ReferralAdditional of kind henv_diagnose (line {line})")
    if name == "ClinicalInformation":
        size = len(_plain(element))
        if size > _MAX_CLINICAL_CHARS:
            problems.append(f"ClinicalInformation of {size} characters (line {line})")
    if name == "Information":
        problems.extend(_visitation_problems(element))
    return problems


def _leaf_problems(element: etree._Element, name: str) -> list[str]:
    """What EDIFACT cannot carry in an element holding only text."""
    problems: list[str] = []
    value = element.text or ""
    if name == "PostCodeIdentifier" and value == "":
        problems.append(f"empty PostCodeIdentifier (line {element.sourceline})")
    problems.extend(_character_problems(value, element))
    if name == "URL" and len(value) > _MAX_URL:
        problems.append(f"URL longer than {_MAX_URL} (line {element.sourceline})")
    return problems


def _visitation_problems(element: etree._Element) -> list[str]:
    """HospitalVisitation Information: unstyled, and short enough for one FTX."""
    problems: list[str] = []
    if len(element) and any(_local(c) not in ("Break",) for c in element):
        problems.append(f"styled HospitalVisitation (line {element.sourceline})")
    breaks = sum(1 for c in element if _local(c) == "Break")
    if breaks > 5 or len(_plain(element)) > 5 * 69:
        problems.append(f"HospitalVisitation needs two FTX ({element.sourceline})")
    return problems


def _character_problems(value: str, element: etree._Element) -> list[str]:
    bad = [ch for ch in value if ord(ch) > 0xFF or ch in "\t\r\n" or "\x80" <= ch <= "\x9f"]
    return [f"{bad[0]!r} cannot be carried (line {element.sourceline})"] if bad else []


def _text_problems(element: etree._Element, path: str) -> list[str]:
    problems: list[str] = []
    where = f"{path} (line {element.sourceline})"
    items = _flat_items(element)
    if not items:
        return [f"empty FormattedText {where}"]
    if "<Space>" in items:
        problems.append(f"Space element in {where}")
    if items[-1] != "<Break>":
        problems.append(f"FormattedText not ending in Break: {where}")
    for item in items:
        if not item.startswith("<"):
            problems.extend(_character_problems(item, element))
    return problems


@pytest.mark.parametrize("path", edifact_clean_fixtures(), ids=fixture_id)
def test_edifact_clean_fixture_avoids_xml_only_features(
    path: Path, trees: dict[Path, etree._Element]
) -> None:
    assert _edifact_problems(trees[path], kind_of(path)) == []


@pytest.mark.parametrize(
    "path",
    [p for p in VALID if kind_of(p) in EDIFACT_KINDS and not is_edifact_clean(p)],
    ids=fixture_id,
)
def test_xmlonly_fixture_really_uses_xml_only_features(
    path: Path, trees: dict[Path, etree._Element]
) -> None:
    assert _edifact_problems(trees[path], kind_of(path)), "rename it without the xmlonly- prefix"


# --------------------------------------------------------------------------------------------
# Through medbridge: valid fixtures validate and read, invalid ones give the expected findings


@pytest.mark.parametrize("path", VALID, ids=fixture_id)
def test_valid_fixture_validates(path: Path) -> None:
    report = medbridge.validate(path)
    errors = [f for f in report.findings if str(f.severity) == "error"]
    assert report.ok, [(f.code, f.location.line, f.location.path, f.message) for f in errors]


@pytest.mark.parametrize("path", VALID, ids=fixture_id)
def test_valid_fixture_reads_as_its_kind(path: Path, trees: dict[Path, etree._Element]) -> None:
    message = medbridge.read(path)
    kind = kind_of(path)
    assert isinstance(message, Message)
    assert [letter.kind for letter in message.letters] == [kind] * len(_letters(trees[path], kind))


@pytest.mark.parametrize("path", INVALID, ids=fixture_id)
def test_invalid_fixture_gives_the_expected_findings(path: Path) -> None:
    expectation = load_expectation(path)
    report = medbridge.validate(path)
    shown = [(f.code, str(f.severity), f.location.line, f.location.path) for f in report.findings]
    assert not report.ok, shown
    missing = expectation.missing(report.findings)
    assert not missing, ([e.describe() for e in missing], shown)
    if expectation.exclusive:
        extra = expectation.unexpected_errors(report.findings)
        assert not extra, [(f.code, f.location.line, f.location.path) for f in extra]


@pytest.mark.parametrize("path", INVALID, ids=fixture_id)
def test_invalid_fixture_is_refused_by_read(path: Path) -> None:
    expectation = load_expectation(path)
    with pytest.raises(medbridge.InputError) as raised:
        medbridge.read(path)
    codes = [f.code for f in raised.value.findings]
    for expected in expectation.findings:
        assert any(expected.matches_code(code) for code in codes), (expected.code, codes)
