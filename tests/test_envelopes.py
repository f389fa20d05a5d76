"""Transport envelopes (exchange-messages.md part B): unwrapping, reading through envelopes,
writing them, and refusing hostile ones."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from envelope_examples import B71, B71_PAYLOAD_SHA256, B72, B72_PAYLOAD_SHA256, B72_VANS_SHA256
from envelope_fixtures import ENVELOPE, WRAPPED, invalid_cases, valid_cases
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import messages

import medbridge
from medbridge.cli import main
from medbridge.envelopes import (
    DocumentInfo,
    EnvelopeIds,
    duplicate_key,
    unwrap,
    wrap_sbdh,
    wrap_vans,
)
from medbridge.limits import Limits
from medbridge.validation.reporters import to_sarif

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
CHAIN = "SBDH BinaryContent > VANS Data"
INFO = DocumentInfo("5799999000010", "5799999000027", "XML", "XDIS01", "XD0133L", "E1", "X")
IDS = EnvelopeIds(
    "3f2c9a4e-6b1d-4c8e-9f00-2a7d5e1b0c11",
    "8d1e7b20-41a5-4f3c-b6d2-9c0e4a7f1e22",
    datetime(2024, 3, 8, 11, 20, 5, tzinfo=timezone(timedelta(hours=1))),
)

#: Each valid wrapped fixture: its bare payload file and the warnings it must give (exactly).
WRAPPED_CASES = {
    "epikrise-sbdh-vans.xml": ("epikrise/pneumoni.xml", []),
    "henvisning-sbdh-vans.xml": ("henvisning/hoste.xml", []),
    "plejeforloebsplan-sbdh-vans.xml": (
        "plejeforloebsplan/observed-layout.xml",
        ["xml.encoding.undeclared-latin1"],
    ),
    "plejeforloebsplan-vans.xml": ("plejeforloebsplan/hlr-smitte.xml", []),
    "epikrise-vans-edifact.xml": ("epikrise/apopleksi.edi", []),
    "ambulant-epikrise-sbdh-vans.xml": ("ambulant_epikrise/hudkraeft-utf8.xml", []),
    "ambulant-epikrise-vans-edifact.xml": ("ambulant_epikrise/knaeskade.edi", []),
    "kvittering-vans.xml": ("kvittering/ctl02-negativ.xml", []),
    "kvittering-vans-edifact.xml": ("kvittering/ctl03-positiv.edi", []),
    "regionh-shape-latin1.xml": (
        None,
        [
            "xml.schema.unexpected-element",
            "wrapper.id-not-uuid",
            "wrapper.id-not-uuid",
            "wrapper.mimetype-mismatch",
            "xml.encoding.undeclared-latin1",
        ],
    ),
    "medcom-sample-shape.xml": (
        None,
        [
            "wrapper.padded-value",
            "wrapper.mimetype-mismatch",
            "wrapper.encoding-mismatch",
            "wrapper.docinfo-mismatch",
            "wrapper.docinfo-mismatch",
        ],
    ),
    "metadata-mismatch.xml": (
        "henvisning/hoste.xml",
        [
            "wrapper.id-not-uuid",
            "wrapper.size-mismatch",
            "wrapper.docinfo-mismatch",
            "wrapper.docinfo-mismatch",
            "wrapper.receiver-mismatch",
            "wrapper.message-id-mismatch",
        ],
    ),
    "text-xml-mimetype.xml": ("henvisning/knaeartrose-utf8.xml", ["wrapper.mimetype-unknown"]),
}


def _warnings(report: medbridge.Report) -> list[str]:
    return [f.code for f in report.findings if f.code != "rule.value.truncated"]


# ---------------------------------------------------------------------------------------------
# the fixtures are what the generator makes


def test_fixture_files_are_what_the_generator_makes() -> None:
    on_disk = {p.name: p.read_bytes() for p in WRAPPED.glob("*.xml")}
    assert on_disk == valid_cases()
    assert set(on_disk) == set(WRAPPED_CASES)
    hostile = {p.name: p.read_bytes() for p in ENVELOPE.glob("*.xml")}
    assert hostile == invalid_cases()


# ---------------------------------------------------------------------------------------------
# unwrap, layer by layer


def test_unwrap_sbdh_vans_gives_the_payload_bytes_and_both_layers() -> None:
    unwrapped = unwrap(WRAPPED / "plejeforloebsplan-sbdh-vans.xml")
    bare = (VALID / "plejeforloebsplan" / "observed-layout.xml").read_bytes()
    assert unwrapped.payload == bare  # unchanged: no declaration, ISO-8859-1, CRLF kept
    assert [layer.kind for layer in unwrapped.layers] == ["sbdh", "vans"]
    sbdh, vans = unwrapped.layers
    assert sbdh.sender == "0088:5799999000010"
    assert sbdh.mime_type == "application/xml" and sbdh.encoding == "UTF-8"
    assert sbdh.document_type == "XDIS21" and sbdh.type_version == "XD2134C"
    assert ("STATISTICALCODE", "XDIS21") in sbdh.scopes
    assert vans.document_format == "XML" and vans.document_name == "XDIS21"
    assert vans.size == len(bare) and vans.transport == "reliable"
    assert unwrapped.kind == "xml" and unwrapped.charset == "iso-8859-1"
    assert unwrapped.chain == CHAIN
    (finding,) = unwrapped.findings
    assert finding.code == "xml.encoding.undeclared-latin1"
    assert finding.location.layers == CHAIN


def test_unwrap_vans_around_edifact() -> None:
    unwrapped = unwrap(WRAPPED / "epikrise-vans-edifact.xml")
    assert unwrapped.payload == (VALID / "epikrise" / "apopleksi.edi").read_bytes()
    assert unwrapped.kind == "edifact" and unwrapped.charset == "iso-8859-1"
    assert [layer.document_format for layer in unwrapped.layers] == ["EDIFACT"]
    assert unwrapped.findings == []


def test_unwrap_of_bare_input_has_no_layers() -> None:
    data = (VALID / "epikrise" / "pneumoni.xml").read_bytes()
    unwrapped = unwrap(data)
    assert unwrapped.payload == data and unwrapped.layers == () and unwrapped.chain is None


def test_spec_example_b71_vans_around_a_receipt() -> None:
    unwrapped = unwrap(B71)
    assert hashlib.sha256(unwrapped.payload).hexdigest() == B71_PAYLOAD_SHA256
    assert len(unwrapped.payload) == 968
    (vans,) = unwrapped.layers
    assert vans.envelope_id == "3f2c9a4e-6b1d-4c8e-9f00-2a7d5e1b0c11"
    assert (vans.document_name, vans.document_version, vans.size) == ("XCTL02", "XC0230Q", 968)
    assert unwrapped.findings == []
    assert duplicate_key(unwrapped) == (
        "3f2c9a4e-6b1d-4c8e-9f00-2a7d5e1b0c11",
        "8d1e7b20-41a5-4f3c-b6d2-9c0e4a7f1e22",
    )


def test_spec_example_b72_mislabelled_real_world_shape() -> None:
    unwrapped = unwrap(B72)
    assert hashlib.sha256(unwrapped.payload).hexdigest() == B72_PAYLOAD_SHA256
    assert unwrapped.payload == unwrap(B71).payload[44:]
    assert unwrapped.charset == "iso-8859-1"
    assert sorted(f.code for f in unwrapped.findings) == [
        "wrapper.id-not-uuid",
        "wrapper.id-not-uuid",
        "wrapper.mimetype-mismatch",
        "xml.encoding.undeclared-latin1",
    ]
    assert all(not f.is_error for f in unwrapped.findings)
    mismatch = next(f for f in unwrapped.findings if f.code == "wrapper.mimetype-mismatch")
    assert "application/fhir+xml" in mismatch.message and "VANSEnvelope" in mismatch.message
    assert mismatch.location.layers is None  # the label sits in the outer file
    ids = [f for f in unwrapped.findings if f.code == "wrapper.id-not-uuid"]
    assert {f.location.layers for f in ids} == {"SBDH BinaryContent"}
    assert {f.location.line for f in ids} == {5, 7}


def test_b72_inner_vans_layer_is_the_specified_bytes() -> None:
    from medbridge.envelopes.decoding import decode_base64

    text = B72.decode().split("<BinaryContent", 1)[1].split(">", 1)[1]
    text = text.split("</BinaryContent>")[0]
    inner = decode_base64(text, 1 << 20)
    assert len(inner) == 1780
    assert hashlib.sha256(inner).hexdigest() == B72_VANS_SHA256


# ---------------------------------------------------------------------------------------------
# reading through envelopes


@pytest.mark.parametrize("name", sorted(WRAPPED_CASES))
def test_wrapped_fixture_validates_with_exactly_its_warnings(name: str) -> None:
    report = medbridge.validate(WRAPPED / name)
    assert report.ok, [f.format() for f in report.findings]
    assert sorted(_warnings(report)) == sorted(WRAPPED_CASES[name][1])


@pytest.mark.parametrize("name", sorted(n for n, (bare, _) in WRAPPED_CASES.items() if bare))
def test_wrapped_letter_reads_to_the_same_model_as_its_bare_payload(name: str) -> None:
    bare = WRAPPED_CASES[name][0]
    assert bare is not None
    wrapped = medbridge.read(WRAPPED / name)
    assert wrapped == medbridge.read(VALID / bare)
    assert wrapped.transport and wrapped.transport == unwrap(WRAPPED / name).layers
    assert medbridge.write(wrapped, "xml") == medbridge.write(medbridge.read(VALID / bare), "xml")


def test_findings_inside_the_payload_carry_the_layer_chain() -> None:
    report = medbridge.validate(ENVELOPE / "schema-error-payload.xml")
    finding = next(f for f in report.findings if f.code == "xml.schema.missing-element")
    assert finding.location.layers == CHAIN
    assert finding.location.line == 37
    assert finding.location.path is not None and finding.location.path.endswith("/Patient")
    text = finding.format()
    assert text.startswith(f"{ENVELOPE / 'schema-error-payload.xml'}: in {CHAIN}: 37: error")
    assert finding.as_dict()["location"]["layers"] == CHAIN


def test_sarif_keeps_the_outer_file_as_artifact_and_the_chain_as_logical_location() -> None:
    path = ENVELOPE / "schema-error-payload.xml"
    report = medbridge.validate(path)
    sarif = json.loads(to_sarif([(str(path), report)]))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"].startswith("xml.schema"))
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("schema-error-payload.xml")
    assert "region" not in physical  # line 37 is a line of the payload, not of the file
    logical = location["logicalLocations"][0]["fullyQualifiedName"]
    assert logical.startswith(CHAIN + " > /Emessage/")
    assert location["properties"]["payloadRegion"] == {"startLine": 37}


def test_detect_lists_the_layers() -> None:
    detection = medbridge.detect(WRAPPED / "henvisning-sbdh-vans.xml")
    assert (detection.format, detection.kind, detection.version) == ("xml", "henvisning", "XH0130R")
    assert [layer.kind for layer in detection.layers] == ["sbdh", "vans"]
    as_dict = detection.as_dict()
    assert [layer["kind"] for layer in as_dict["layers"]] == ["sbdh", "vans"]  # type: ignore[index]
    assert "layers" not in medbridge.detect(VALID / "henvisning" / "hoste.xml").as_dict()


def test_vans_receipt_is_metadata_for_unwrap_and_an_input_error_for_read() -> None:
    path = ENVELOPE / "vans-receipt.xml"
    unwrapped = unwrap(path)
    assert unwrapped.kind == "vans-receipt" and unwrapped.payload == b""
    assert unwrapped.receipt is not None
    assert unwrapped.receipt.kind == "NegativeVans"
    assert unwrapped.receipt.error_code == "12"
    assert unwrapped.receipt.original_envelope_id == "0c9f0001-2d1a-4b7e-9a10-5e3c7b2d0001"
    with pytest.raises(medbridge.InputError) as raised:
        medbridge.read(path)
    (error,) = [f for f in raised.value.findings if f.is_error]
    assert error.code == "wrapper.vans-receipt"
    assert "VANS receipt" in error.message and "NegativeVans" in error.message
    assert medbridge.detect(path).kind == "vans-receipt"


def test_json_keeps_the_envelope_metadata() -> None:
    message = medbridge.read(WRAPPED / "epikrise-sbdh-vans.xml")
    text = medbridge.to_json(message)
    body = json.loads(text)["message"]
    assert [layer["kind"] for layer in body["transport"]] == ["sbdh", "vans"]
    back = medbridge.from_json(text)
    assert back == message and back.transport == message.transport
    bare = medbridge.read(VALID / "epikrise" / "pneumoni.xml")
    assert "transport" not in json.loads(medbridge.to_json(bare))["message"]


def test_json_refuses_a_malformed_transport() -> None:
    message = medbridge.read(WRAPPED / "epikrise-sbdh-vans.xml")
    document = json.loads(medbridge.to_json(message))
    document["message"]["transport"] = [{"kind": "smtp"}]
    with pytest.raises(medbridge.InputError):
        medbridge.from_json(json.dumps(document))


# ---------------------------------------------------------------------------------------------
# hostile and broken envelopes


def test_a_base64_bomb_is_refused_before_it_is_decoded() -> None:
    # The text would decode past the limit; its last character is not base64 either, so a
    # decoder that ran first would have said base64-invalid instead of too-large.
    bomb = wrap_vans(b"A" * 3000, INFO, IDS).replace(b"</Data>", b"*</Data>")
    report = medbridge.validate(bomb, limits=Limits(max_decoded_bytes=1000))
    errors = [f for f in report.findings if f.is_error]
    assert [f.code for f in errors] == ["wrapper.too-large"]
    assert errors[0].location.path == "/VANSEnvelope/Message/Data"
    assert "without decoding" in errors[0].message


def test_a_bomb_in_an_sbdh_is_refused_by_read_and_unwrap_at_the_outer_layer() -> None:
    # No fixture file: base64 does not compress, so under the default limits no layer can
    # decode to more than 3/4 of an input that max_input_bytes admits; only a lowered
    # max_decoded_bytes makes a small bomb. The outer layer is refused first, undecoded.
    defaults = Limits()
    assert defaults.max_input_bytes * 3 // 4 <= defaults.max_decoded_bytes
    inner = wrap_vans(b"A" * 3000, INFO, IDS)
    bomb = wrap_sbdh(inner, INFO, IDS).replace(b"</BinaryContent>", b"*</BinaryContent>")
    small = Limits(max_decoded_bytes=len(inner) - 10)
    for call in (medbridge.read, unwrap):
        with pytest.raises(medbridge.InputError) as raised:
            call(bomb, limits=small)
        (error,) = [f for f in raised.value.findings if f.is_error]
        assert error.code == "wrapper.too-large"
        assert error.location.layers is None
        assert error.location.path == "/StandardBusinessDocument/BinaryContent"
    assert len(unwrap(bomb.replace(b"*</", b"</")).layers) == 2  # the same, unbroken, reads


def test_too_many_layers_are_refused() -> None:
    data = (VALID / "epikrise" / "pneumoni.xml").read_bytes()
    for _ in range(3):
        data = wrap_vans(data, INFO, IDS)
    assert len(unwrap(data).layers) == 3
    with pytest.raises(medbridge.InputError) as raised:
        unwrap(data, limits=Limits(max_envelope_layers=2))
    assert [f.code for f in raised.value.findings if f.is_error] == ["wrapper.too-deep"]


@pytest.mark.parametrize(
    ("name", "code", "layers"),
    [
        ("bad-base64.xml", "wrapper.base64-invalid", None),
        ("empty-data.xml", "wrapper.empty-payload", None),
        ("doctype-envelope.xml", "xml.security.doctype", None),
        ("doctype-payload.xml", "xml.security.doctype", CHAIN),
        ("too-deep.xml", "wrapper.too-deep", " > ".join(["VANS Data"] * 4)),
    ],
)
def test_hostile_envelopes_are_refused_with_a_located_error(
    name: str, code: str, layers: str | None
) -> None:
    with pytest.raises(medbridge.InputError) as raised:
        unwrap(ENVELOPE / name)
    errors = [f for f in raised.value.findings if f.is_error]
    assert errors[0].code == code
    assert errors[0].location.layers == layers
    assert errors[0].location.line is not None or code == "wrapper.too-deep"


def test_base64_with_whitespace_and_crlf_decodes() -> None:
    payload = (VALID / "epikrise" / "pneumoni.xml").read_bytes()
    wrapped = wrap_vans(payload, INFO, IDS).replace(b"\n", b"\r\n")
    assert unwrap(wrapped).payload == payload


# ---------------------------------------------------------------------------------------------
# writing envelopes


def test_envelope_ids_are_new_on_every_call_and_injectable() -> None:
    message = medbridge.read(VALID / "epikrise" / "pneumoni.xml")
    first = medbridge.read(medbridge.write(message, "xml", wrap="vans"))
    second = medbridge.read(medbridge.write(message, "xml", wrap="vans"))
    assert duplicate_key(first) is not None and duplicate_key(second) is not None
    assert duplicate_key(first) != duplicate_key(second)
    fixed = medbridge.write(message, "xml", wrap="sbdh", envelope_ids=IDS)
    assert fixed == medbridge.write(message, "xml", wrap="sbdh", envelope_ids=IDS)
    assert duplicate_key(medbridge.read(fixed)) == (IDS.envelope_id, IDS.message_id)
    assert b"<CreationDateAndTime>2024-03-08T11:20:05+01:00</CreationDateAndTime>" in fixed
    assert unwrap(fixed).layers[1].sent == "2024-03-08T11:20:05+01:00"


def test_written_envelopes_validate_against_our_xsds_without_findings() -> None:
    message = medbridge.read(VALID / "henvisning" / "hoste.xml")
    for fmt in ("xml", "edifact"):
        wrapped = medbridge.write(message, fmt, wrap="sbdh", envelope_ids=IDS)
        report = medbridge.validate(wrapped)
        assert report.ok and report.findings == [], [f.format() for f in report.findings]
        unwrapped = unwrap(wrapped)
        assert unwrapped.payload == medbridge.write(message, fmt)
        assert unwrapped.layers[0].encoding == "UTF-8"  # the VANS envelope's real charset


@pytest.mark.parametrize(
    ("name", "fmt", "document"),
    [
        ("ctl02-negativ.xml", "xml", ("XML", "XCTL02", "XC0230Q")),
        ("ctl02-negativ.xml", "edifact", ("EDIFACT", "CTL02", "C0230Q")),
        ("ctl01-vans.edi", "xml", ("XML", "XCTL01", "XC0130Q")),
        ("ctl03-positiv.edi", "edifact", ("EDIFACT", "CTL03", "C0330Q")),
    ],
)
def test_a_wrapped_receipt_is_named_by_its_own_variant(
    name: str, fmt: str, document: tuple[str, str, str]
) -> None:
    """The envelope names the receipt written (a CTL02 is no CTL01), and says nothing wrong."""
    message = medbridge.read(VALID / "kvittering" / name)
    wrapped = medbridge.write(message, fmt, wrap="sbdh", envelope_ids=IDS)
    unwrapped = unwrap(wrapped)
    vans = unwrapped.layers[-1]
    assert (vans.document_format, vans.document_name, vans.document_version) == document
    assert unwrapped.findings == []
    assert medbridge.validate(wrapped).findings == []


def test_write_refuses_json_in_an_envelope_and_unknown_wraps() -> None:
    message = medbridge.read(VALID / "epikrise" / "pneumoni.xml")
    with pytest.raises(ValueError, match="JSON"):
        medbridge.write(message, "json", wrap="vans")
    with pytest.raises(ValueError, match="unknown wrap"):
        medbridge.write(message, "xml", wrap="smtp")


@settings(deadline=None)
@given(
    st.binary(min_size=1, max_size=2000).filter(lambda b: b.strip() and b.strip()[:1] != b"<"),
    st.booleans(),
)
def test_wrap_then_unwrap_gives_the_same_bytes(payload: bytes, sbdh: bool) -> None:
    wrapped = wrap_vans(payload, INFO, IDS)
    if sbdh:
        wrapped = wrap_sbdh(wrapped, INFO, IDS)
    unwrapped = unwrap(wrapped)
    assert unwrapped.payload == payload
    assert len(unwrapped.layers) == (2 if sbdh else 1)


@settings(deadline=None, max_examples=25)
@given(messages(), st.sampled_from(["vans", "sbdh"]))
def test_wrapped_message_reads_to_the_same_model(message: medbridge.Message, wrap: str) -> None:
    bare = medbridge.write(message, "xml")
    wrapped = medbridge.write(message, "xml", wrap=wrap, envelope_ids=IDS)
    assert unwrap(wrapped).payload == bare
    try:
        expected = medbridge.read(bare)
    except medbridge.InputError as exc:  # generated values a rule refuses: the same refusal
        with pytest.raises(medbridge.InputError) as raised:
            medbridge.read(wrapped)
        codes = sorted(f.code for f in raised.value.findings if f.code.startswith(("id.", "rule.")))
        assert codes == sorted(f.code for f in exc.findings if f.code.startswith(("id.", "rule.")))
        return
    assert medbridge.read(wrapped) == expected


# ---------------------------------------------------------------------------------------------
# command line


def test_cli_convert_wrap_and_read_wrapped_input(tmp_path: Path) -> None:
    runner = CliRunner()
    source = VALID / "epikrise" / "apopleksi.edi"
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["convert", str(source), "--to", "xml", "--wrap", "sbdh", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (written,) = out.rglob("*.xml")
    unwrapped = unwrap(written)
    assert [layer.kind for layer in unwrapped.layers] == ["sbdh", "vans"]
    assert medbridge.read(unwrapped.payload) == medbridge.read(source)
    back = tmp_path / "back"
    result = runner.invoke(main, ["convert", str(written), "--to", "edifact", "--out", str(back)])
    assert result.exit_code == 0, result.output
    (edifact,) = back.rglob("*.edi")
    assert medbridge.read(edifact) == medbridge.read(source)


def test_cli_convert_wrap_refuses_json(tmp_path: Path) -> None:
    source = VALID / "epikrise" / "apopleksi.edi"
    result = CliRunner().invoke(
        main,
        ["convert", str(source), "--to", "json", "--wrap", "vans", "--out", str(tmp_path)],
    )
    assert result.exit_code == 2 and "--wrap" in result.output


def test_cli_detect_and_validate_wrapped_input() -> None:
    runner = CliRunner()
    path = WRAPPED / "regionh-shape-latin1.xml"
    result = runner.invoke(main, ["detect", str(path)])
    assert result.exit_code == 0
    assert "epikrise XD0133L" in result.output
    assert " in SBDH 5799999000010:EPI2409300101 > VANS ENV240930" in result.output
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert f"in {CHAIN}: 36:26: warning xml.encoding.undeclared-latin1" in result.output
    result = runner.invoke(main, ["validate", str(ENVELOPE / "bad-base64.xml")])
    assert result.exit_code == 1 and "wrapper.base64-invalid" in result.output


# ---------------------------------------------------------------------------------------------
# the other ways in: show, iter_read, batch


def test_cli_show_reads_a_wrapped_letter() -> None:
    wrapped = CliRunner().invoke(main, ["show", str(WRAPPED / "henvisning-sbdh-vans.xml")])
    bare = CliRunner().invoke(main, ["show", str(VALID / "henvisning" / "hoste.xml")])
    assert wrapped.exit_code == 0 == bare.exit_code
    # the same letter, then the secondary "Forsendelse" block (tests/test_view_transport.py)
    assert wrapped.output.startswith(bare.output)
    assert wrapped.output[len(bare.output) :].lstrip().startswith("Forsendelse\n")


def test_iter_read_of_a_wrapped_path_keeps_the_layers() -> None:
    messages_read = list(medbridge.iter_read(WRAPPED / "epikrise-vans-edifact.xml"))
    bare = list(medbridge.iter_read(VALID / "epikrise" / "apopleksi.edi"))
    assert messages_read == bare and len(bare) >= 1
    assert all(m.transport and m.transport[0].kind == "vans" for m in messages_read)


def test_batch_convert_item_unwraps() -> None:
    from medbridge.batch import convert_item

    data = (WRAPPED / "plejeforloebsplan-vans.xml").read_bytes()
    result = convert_item("plan.xml", data, to="xml")
    assert result.status == "converted" and result.kind == "plejeforloebsplan"
    bare = (VALID / "plejeforloebsplan" / "hlr-smitte.xml").read_bytes()
    assert result.output == medbridge.convert(bare, to="xml").output


def test_a_payload_that_is_no_letter_is_returned_with_a_warning() -> None:
    pdf = b"%PDF-1.4 invented\n"
    unwrapped = unwrap(wrap_vans(pdf, INFO, IDS))
    assert unwrapped.payload == pdf and unwrapped.kind == "binary"
    assert [f.code for f in unwrapped.findings] == ["wrapper.unknown-payload"]
    assert unwrapped.findings[0].location.layers == "VANS Data"
    with pytest.raises(medbridge.InputError):
        medbridge.read(wrap_vans(pdf, INFO, IDS))


def test_sbdh_straight_around_edifact_is_labelled_as_edifact() -> None:
    edifact = (VALID / "epikrise" / "apopleksi.edi").read_bytes()
    wrapped = wrap_sbdh(edifact, INFO, IDS)
    assert b'mimeType="application/EDIFACT" encoding="ISO-8859-1"' in wrapped
    unwrapped = unwrap(wrapped)
    assert unwrapped.payload == edifact
    # RFC 1767's label is none of MedCom's SBDH values, but it does not contradict the content
    assert [f.code for f in unwrapped.findings] == ["wrapper.mimetype-unknown"]


# ---------------------------------------------------------------------------------------------
# single checks


def _hoste_vans(**replace: tuple[bytes, bytes]) -> bytes:
    message = medbridge.read(VALID / "henvisning" / "hoste.xml")
    data = medbridge.write(message, "xml", wrap="vans", envelope_ids=IDS)
    for old, new in replace.values():
        assert old in data
        data = data.replace(old, new)
    return data


def test_an_id_the_schema_pattern_accepts_but_no_uuid_is_one_warning() -> None:
    # MedCom's class [aA-fF0-9] holds the range A-f, so 'ZZZZZZZZ' passes its pattern.
    data = _hoste_vans(e=(IDS.envelope_id.encode(), b"ZZZZZZZZ-6b1d-4c8e-9f00-2a7d5e1b0c11"))
    report = medbridge.validate(data)
    assert report.ok
    assert _warnings(report) == ["wrapper.id-not-uuid"]
    assert report.findings[0].location.path == "/VANSEnvelope/EnvelopeIdentifier"


def test_a_wrong_sender_gln_is_a_warning_naming_both() -> None:
    wrong = b'<SenderID EndPointType="EAN">5799999000058</SenderID>'
    data = _hoste_vans(s=(b'<SenderID EndPointType="EAN">5799999000027</SenderID>', wrong))
    report = medbridge.validate(data)
    (finding,) = [f for f in report.findings if f.code == "wrapper.sender-mismatch"]
    assert "5799999000058" in finding.message and "5799999000027" in finding.message
    assert finding.location.line == 3


def test_a_vans_endpoint_is_no_gln_to_compare() -> None:
    vans = b'<SenderID EndPointType="VANS">DKTESTVANS01</SenderID>'
    data = _hoste_vans(s=(b'<SenderID EndPointType="EAN">5799999000027</SenderID>', vans))
    assert _warnings(medbridge.validate(data)) == []


def test_a_dashed_creation_time_is_a_schema_warning_only() -> None:
    message = medbridge.read(VALID / "henvisning" / "hoste.xml")
    data = medbridge.write(message, "xml", wrap="sbdh", envelope_ids=IDS)
    data = data.replace(
        b"2024-03-08T11:20:05+01:00</Creation", b"2024-03-08T11-20-05+01:00</Creation"
    )
    report = medbridge.validate(data)
    assert report.ok
    assert _warnings(report) == ["xml.schema.value"]
    assert report.findings[0].severity == "warning"
    assert medbridge.read(data) == message
