"""medbridge.xml.schema: schema findings (codes, severities, lines, paths, wording), the
namespace cascade, location hints that are never followed, lxml/xmlschema agreement, and the
lazily built, checked schemas (safety §1.4, §4, §8 cases 15–17)."""

from __future__ import annotations

import copy
import random
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from test_xsd import SPEC_7_1, SPEC_7_2, SPEC_7_3, replace_once

from medbridge.errors import InternalError, MedbridgeError
from medbridge.findings import Severity
from medbridge.xml.namespaces import M100, M103, MC2005
from medbridge.xml.parse import parse_xml
from medbridge.xml.schema import (
    MEDCOM_2005,
    MUNICIPALITY,
    SCHEMA_CODES,
    SchemaSet,
    compiled_validators,
    schema_for_namespace,
    validate_tree,
)
from medbridge.xml.schema_sets import ENVELOPE_SETS, SCHEMA_SETS, compile_fast, compile_rich

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SENTINEL = "Zebrafinke"  # a marker that must never appear in a message


def _root(text: str) -> Any:
    encoding = "cp1252" if 'encoding="windows-1252"' in text[:60] else "utf-8"
    return parse_xml(text.encode(encoding, "xmlcharrefreplace")).root


def _findings(text: str) -> list[Any]:
    return validate_tree(_root(text))


def _lxml_valid(root: Any) -> bool:
    schema_set = schema_for_namespace(etree.QName(root).namespace)
    assert schema_set is not None
    fast, _ = compiled_validators(schema_set)
    return bool(fast.validate(root))


def _xmlschema_valid(root: Any) -> bool:
    schema_set = schema_for_namespace(etree.QName(root).namespace)
    assert schema_set is not None
    _, rich = compiled_validators(schema_set)
    return not any(True for _ in rich.iter_errors(root, use_location_hints=False))


# ---------------------------------------------------------------------------------------------
# verdicts and codes


def test_valid_documents_give_no_findings() -> None:
    for text in (SPEC_7_1, SPEC_7_2, SPEC_7_3):
        assert _findings(text) == []


def test_case_15_wrong_namespace_is_exactly_one_error_naming_the_expected_uri() -> None:
    wrong = SPEC_7_1.replace(MC2005, "http://rep.oio.dk/medcom.dk/xml/schemas/2005/08/07/")
    wrong = wrong.replace("<StatusCode>nytbrev", "<StatusCode>annulleretbrev")  # not reported
    (finding,) = _findings(wrong)
    assert finding.code == "xml.schema.namespace"
    assert finding.severity is Severity.ERROR
    assert MC2005 in finding.message and M103 in finding.message
    assert finding.location.path == "/Emessage"
    assert finding.location.line == 2


@pytest.mark.parametrize(
    "root",
    [
        "<Emessage/>",
        f'<Emessage xmlns="{M100}"/>',
        '<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07"/>',
        '<x:DischargeLetter xmlns:x="urn:something:else"><x:Letter/></x:DischargeLetter>',
    ],
)
def test_any_other_root_namespace_is_one_namespace_error(root: str) -> None:
    findings = validate_tree(parse_xml(root.encode()).root)
    assert [(f.code, f.severity) for f in findings] == [("xml.schema.namespace", Severity.ERROR)]
    assert (
        "no namespace" in findings[0].message
        or "namespace http" in findings[0].message
        or ("namespace urn" in findings[0].message)
    )


def test_wrong_document_element_is_one_finding() -> None:
    letter = SPEC_7_1[SPEC_7_1.index("<DischargeLetter>") : SPEC_7_1.index("</Emessage>")]
    text = letter.replace("<DischargeLetter>", f'<DischargeLetter xmlns="{MC2005}">', 1)
    (finding,) = validate_tree(parse_xml(text.encode()).root)
    assert finding.code == "xml.schema.unexpected-element"
    assert "expected Emessage" in finding.message
    municipality = f'<Plan xmlns="{M103}"><Letter/></Plan>'
    (finding,) = validate_tree(parse_xml(municipality.encode()).root)
    assert (finding.code, finding.severity) == ("xml.schema.unexpected-element", Severity.WARNING)


def test_case_16_missing_cpr_is_missing_element_at_patient_with_its_line() -> None:
    text = SPEC_7_1.replace("<CivilRegistrationNumber>0101011234</CivilRegistrationNumber>", "")
    (finding,) = _findings(text)
    assert finding.code == "xml.schema.missing-element"
    assert finding.severity is Severity.ERROR
    assert finding.location.path == "/Emessage/DischargeLetter/Patient"
    assert finding.location.line == text.splitlines().index("    <Patient>") + 1
    assert finding.location.column is None
    assert "CivilRegistrationNumber or AlternativeIdentifier" in finding.message
    assert "PersonSurnameName" in finding.message


def test_missing_element_at_the_end_points_at_the_parent() -> None:
    text = SPEC_7_1.replace("<EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode>", "")
    (finding,) = _findings(text)
    assert finding.code == "xml.schema.missing-element"
    assert finding.location.path == "/Emessage/DischargeLetter/Patient"
    assert "EpisodeOfCareStatusCode" in finding.message


def test_missing_required_element_is_not_blamed_on_an_optional_one() -> None:
    start = SPEC_7_1.index("<Patient>")
    end = SPEC_7_1.index("</Patient>") + len("</Patient>")
    (finding,) = _findings(SPEC_7_1[:start] + SPEC_7_1[end:])
    assert finding.code == "xml.schema.missing-element"
    assert finding.location.path == "/Emessage/DischargeLetter"
    assert "required Patient element" in finding.message  # not "CCReceiver or Patient"


def test_case_17_unknown_element_is_unexpected_at_the_element_itself() -> None:
    text = SPEC_7_1.replace(
        "<PostCodeIdentifier>9999</PostCodeIdentifier><Episode",
        "<PostCodeIdentifier>9999</PostCodeIdentifier><Favoritfarve>blå</Favoritfarve><Episode",
    )
    (finding,) = _findings(text)
    assert finding.code == "xml.schema.unexpected-element"
    assert finding.location.path == "/Emessage/DischargeLetter/Patient/Favoritfarve"
    assert finding.location.line == next(
        n for n, line in enumerate(text.splitlines(), 1) if "Favoritfarve" in line
    )
    assert "may contain only" in finding.message


def test_out_of_order_element_is_unexpected_not_missing() -> None:
    text = SPEC_7_1.replace(
        "<OrganisationName>Eksempel Sygehus</OrganisationName>"
        "<DepartmentName>Medicinsk Afdeling M</DepartmentName>",
        "<DepartmentName>Medicinsk Afdeling M</DepartmentName>"
        "<OrganisationName>Eksempel Sygehus</OrganisationName>",
    )
    codes = [f.code for f in _findings(text)]
    assert codes == ["xml.schema.unexpected-element"]


def test_paths_use_indexes_for_repeated_siblings() -> None:
    second = (
        "<ClinicalInformation><Text01><Bold>A<Italic>b</Italic></Bold></Text01>"
        "</ClinicalInformation>"
    )
    text = replace_once(SPEC_7_1, "</ClinicalInformation>", "</ClinicalInformation>" + second)
    (finding,) = _findings(text)
    assert finding.location.path == (
        "/Emessage/DischargeLetter/ClinicalInformation[2]/Text01/Bold/Italic"
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("<Time>14:20</Time>", "<Time>08:05:00</Time>", ["hh:mm", "'08:05:00'"]),
        ("nytbrev", "annulleretbrev", ["'nytbrev', 'rettetbrev'", "'annulleretbrev'"]),
        ("intern_medicin_sygehus", "patologi", ["72 MedicalSpecialityCode values", "'patologi'"]),
        ("<Identifier>9999011<", "<Identifier>999901199990119999011<", ["at most 17", "found 21"]),
        ("<Date>2024-03-05</Date><Time>14:05", "<Date>2024-13-05</Date><Time>14:05", ["date"]),
        ("<VersionCode>XD0133L<", "<VersionCode>XD0134L<", ["exactly 'XD0133L'"]),
    ],
)
def test_value_messages_say_what_was_expected_and_found(
    old: str, new: str, words: list[str]
) -> None:
    (finding,) = _findings(replace_once(SPEC_7_1, old, new))
    assert finding.code == "xml.schema.value"
    for word in words:
        assert word in finding.message
    assert finding.message.endswith(".")
    assert "{" not in finding.message


def test_messages_never_quote_clinical_text_or_a_whole_cpr() -> None:
    long_name = SENTINEL + "x" * 70
    text = replace_once(SPEC_7_1, ">Testesen<", f">{long_name}<")
    (finding,) = _findings(text)
    assert finding.code == "xml.schema.value"
    assert SENTINEL not in finding.message
    assert finding.excerpt is not None and len(finding.excerpt) <= 60
    bad_cpr = replace_once(SPEC_7_1, "0101011234<", "0707614285X<")
    (finding,) = _findings(bad_cpr)
    assert "0707614285" not in finding.message
    assert finding.excerpt is None
    assert "4285" not in finding.format()


def test_attribute_and_text_errors_are_invalid() -> None:
    (finding,) = _findings(replace_once(SPEC_7_1, "<Letter>", '<Letter version="2">'))
    assert (finding.code, finding.location.path) == (
        "xml.schema.invalid",
        "/Emessage/DischargeLetter/Letter",
    )
    assert "version" in finding.message
    (finding,) = _findings(replace_once(SPEC_7_1, "<Receiver>", f"<Receiver>{SENTINEL}"))
    assert finding.code == "xml.schema.invalid"
    assert SENTINEL not in finding.message


def test_municipality_findings_are_warnings() -> None:
    text = replace_once(SPEC_7_3, "<LunchBox>1</LunchBox>", "<LunchBox>ja</LunchBox>")
    text = replace_once(text, "<CodeSystem>icf</CodeSystem>", "")
    findings = _findings(text)
    assert {f.code for f in findings} == {"xml.schema.value", "xml.schema.missing-element"}
    assert all(f.severity is Severity.WARNING for f in findings)
    assert [f.location.line for f in findings] == sorted(f.location.line or 0 for f in findings)


def test_every_finding_uses_a_documented_code() -> None:
    texts = [
        replace_once(SPEC_7_1, "<Patient>", '<Patient a="1">'),
        replace_once(SPEC_7_2, "<Priority>akut", "<Priority>nu"),
        replace_once(SPEC_7_3, "<Score>svaere</Score>", "<Score>svaere</Score><Score/>"),
    ]
    for text in texts:
        findings = _findings(text)
        assert findings
        assert {f.code for f in findings} <= set(SCHEMA_CODES)


# ---------------------------------------------------------------------------------------------
# location hints are never followed


class _Listener:
    """A loopback TCP listener counting connection attempts (bind only; never connects out)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]

    def count(self) -> int:
        accepted = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return accepted
            conn.close()
            accepted += 1

    def close(self) -> None:
        self.sock.close()


def _with_hint(text: str, location: str) -> str:
    return replace_once(
        text,
        f'<Emessage xmlns="{MC2005}">',
        f'<Emessage xmlns="{MC2005}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{MC2005} {location}">',
    )


def test_location_hint_is_never_fetched_and_never_changes_the_verdict(tmp_path: Path) -> None:
    listener = _Listener()
    try:
        # A schema that would make every real message invalid if anyone used it.
        sentinel = tmp_path / "sentinel.xsd"
        sentinel.write_text(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'targetNamespace="{MC2005}"><xs:element name="Emessage">'
            "<xs:complexType/></xs:element></xs:schema>",
            encoding="utf-8",
        )
        bad = replace_once(SPEC_7_1, "nytbrev", "annulleretbrev")
        for location in (
            f"http://127.0.0.1:{listener.port}/medcom.xsd",
            sentinel.as_uri(),
            "sentinel.xsd",
        ):
            good = _findings(_with_hint(SPEC_7_1, location))
            assert [(f.code, f.severity) for f in good] == [
                ("xml.schema.location-hint-ignored", Severity.INFO)
            ]
            assert good[0].location.path == "/Emessage"
            codes = [f.code for f in _findings(_with_hint(bad, location))]
            assert codes == ["xml.schema.location-hint-ignored", "xml.schema.value"]
        assert listener.count() == 0
    finally:
        listener.close()


def test_no_namespace_location_hint_on_an_inner_element_is_one_info() -> None:
    hint = (
        '<Text01 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="file:///etc/passwd">'
    )
    text = replace_once(SPEC_7_1, "<Text01>", hint)
    text = replace_once(text, "<Patient>", hint.replace("Text01", "Patient"))
    (finding,) = _findings(text)
    assert finding.code == "xml.schema.location-hint-ignored"
    assert finding.location.path == "/Emessage/DischargeLetter/Patient"


# ---------------------------------------------------------------------------------------------
# lxml and xmlschema agree


def _fixture_roots() -> list[tuple[str, Any]]:
    roots = []
    for path in sorted(FIXTURES.rglob("*.xml")):
        try:
            root = parse_xml(path.read_bytes()).root
        except MedbridgeError:
            continue
        if schema_for_namespace(etree.QName(root).namespace) is not None:
            roots.append((str(path.relative_to(FIXTURES)), root))
    return roots


def test_validators_agree_on_every_fixture_and_valid_fixtures_are_valid() -> None:
    roots = _fixture_roots()
    assert len(roots) >= 10
    for name, root in roots:
        fast = _lxml_valid(root)
        assert fast == _xmlschema_valid(root), name
        findings = validate_tree(root)
        if name.startswith("valid/"):
            assert fast, name
        assert fast == (not any(f.severity is not Severity.INFO for f in findings)), name


_KNOWN_NAMES = [
    "Patient",
    "Relative",
    "Referral",
    "Bold",
    "FixedFont",
    "Break",
    "Identifier",
    "Time",
    "Date",
    "ReferalAdditional",
    "ReferralAdditional",
    "Comment",
]


def _mutate(root: Any, seed: int, operations: list[str]) -> None:
    rng = random.Random(seed)
    for operation in operations:
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        element = rng.choice(elements)
        parent = element.getparent()
        if operation == "delete":
            parent.remove(element)
        elif operation == "duplicate":
            element.addnext(copy.deepcopy(element))
        elif operation == "rename":
            namespace = etree.QName(element).namespace
            local = rng.choice(_KNOWN_NAMES)
            element.tag = f"{{{namespace}}}{local}" if namespace else local
        elif operation == "text":
            if len(element) == 0:
                element.text = rng.choice(["", " ", "x", "12:00", "2024-01-01", "0707614285", "1"])
        elif operation == "move" and parent is not None:
            parent.remove(element)
            target = rng.choice([e for e in root.iter() if isinstance(e.tag, str)])
            target.insert(rng.randint(0, len(target)), element)


@given(
    st.sampled_from([0, 1, 2]),
    st.integers(min_value=0, max_value=2**32),
    st.lists(st.sampled_from(["delete", "duplicate", "rename", "text", "move"]), max_size=3),
)
def test_validators_agree_on_mutated_documents(
    which: int, seed: int, operations: list[str]
) -> None:
    root = _root((SPEC_7_1, SPEC_7_2, SPEC_7_3)[which])
    _mutate(root, seed, operations)
    fast = _lxml_valid(root)
    assert fast == _xmlschema_valid(root)
    findings = validate_tree(root)
    assert {f.code for f in findings} <= set(SCHEMA_CODES)
    problems = [f for f in findings if f.severity is not Severity.INFO]
    assert fast == (not problems)
    expected = Severity.WARNING if which == 2 else Severity.ERROR
    for finding in problems:
        assert finding.severity is expected
        assert finding.location.line is not None
        assert finding.location.path is not None and finding.location.path.startswith("/Emessage")
        assert "{" not in finding.message


# ---------------------------------------------------------------------------------------------
# building the schemas


def test_schemas_are_built_once_and_shared_by_threads() -> None:
    results: list[list[str]] = []
    bad = replace_once(SPEC_7_1, "nytbrev", "annulleretbrev")
    roots = [_root(bad) for _ in range(4)]

    def work(root: Any) -> None:
        results.append([f.code for f in validate_tree(root)])

    threads = [threading.Thread(target=work, args=(root,)) for root in roots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [["xml.schema.value"]] * 4
    assert compiled_validators(MEDCOM_2005)[0] is compiled_validators(MEDCOM_2005)[0]
    assert compiled_validators(MUNICIPALITY)[1] is compiled_validators(MUNICIPALITY)[1]


def test_expected_namespaces_are_loaded() -> None:
    _, rich = compiled_validators(MUNICIPALITY)
    assert {M100, M103} <= set(rich.maps.namespaces)
    _, rich = compiled_validators(MEDCOM_2005)
    assert MC2005 in rich.maps.namespaces


def test_every_packaged_schema_is_valid_against_the_xsd_meta_schema() -> None:
    # run time builds them without the meta-schema check; here each is built strictly
    for schema_set in (*SCHEMA_SETS, *ENVELOPE_SETS):
        rich = compile_rich(schema_set, validation="strict")
        assert rich.validity == "valid", schema_set.name
        assert schema_set.namespaces <= set(rich.maps.namespaces)


def test_a_broken_packaged_schema_is_an_internal_error() -> None:
    missing = SchemaSet(
        name="missing",
        entry="no-such-folder/none.xsd",
        root_namespace="urn:none",
        namespaces=frozenset({"urn:none"}),
        severity=Severity.ERROR,
        description="nothing",
    )
    with pytest.raises(InternalError):
        compile_fast(missing)
    with pytest.raises(InternalError):
        compile_rich(missing)
    incomplete = SchemaSet(
        name="incomplete",
        entry="2005-08-07/medcom.xsd",
        root_namespace=MC2005,
        namespaces=frozenset({MC2005, M103}),  # M103 is not defined by the 2005 schema
        severity=Severity.ERROR,
        description="2005 only",
    )
    with pytest.raises(InternalError):
        compile_rich(incomplete)
