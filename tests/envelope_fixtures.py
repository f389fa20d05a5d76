"""The wrapped fixtures (``fixtures/valid/wrapped/``, ``fixtures/invalid/envelope/``), made from
the bare fixtures with medbridge's own envelope writers and fixed identifiers, then changed
where a case needs a lie or a fault. Run ``python -m tests.envelope_fixtures --write`` to write
them again; ``tests/test_envelopes.py`` checks that the files on disk are what this makes.

Every identifier is invented: the GLNs are the fixtures' (``fixtures/README.md``), the UUIDs
are made up here.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from medbridge.envelopes.wrap import DocumentInfo, EnvelopeIds, wrap_sbdh, wrap_vans

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WRAPPED = FIXTURES / "valid" / "wrapped"
ENVELOPE = FIXTURES / "invalid" / "envelope"

HOSPITAL = "5799999000010"
PRACTICE = "5799999000027"
MUNICIPALITY = "5799999000034"
OTHER = "5799999000041"
_SENT = datetime(2024, 9, 30, 11, 12, 5, tzinfo=timezone(timedelta(hours=2)))


def _ids(n: int) -> EnvelopeIds:
    return EnvelopeIds(
        f"0c9f{n:04x}-2d1a-4b7e-9a10-5e3c7b2d{n:04x}",
        f"7e21{n:04x}-6c4f-4d2a-8b95-1f0a3c6e{n:04x}",
        _SENT,
    )


def _bare(path: str) -> bytes:
    return (FIXTURES / "valid" / path).read_bytes()


def _info(
    sender: str, receiver: str, fmt: str, name: str, version: str, letter: str, root: str
) -> DocumentInfo:
    return DocumentInfo(sender, receiver, fmt, name, version, letter, root)


EPIKRISE = _info(HOSPITAL, PRACTICE, "XML", "XDIS01", "XD0133L", "EPI0000042", "DischargeLetter")
HENVISNING = _info(PRACTICE, HOSPITAL, "XML", "XREF01", "XH0130R", "HEN0000043", "HospitalReferral")


def _sbdh_vans(payload: bytes, info: DocumentInfo, n: int) -> bytes:
    return wrap_sbdh(wrap_vans(payload, info, _ids(n)), info, _ids(n))


def _from_letter(path: str, name: str, version: str, root: str) -> DocumentInfo:
    """The envelope values of the valid fixture at ``path`` (its parties and letter number)."""
    import medbridge

    letter = medbridge.read(FIXTURES / "valid" / path).letter
    sender, receiver = letter.sender.ean or "", letter.receiver.ean or ""
    return _info(sender, receiver, "XML", name, version, letter.header.identifier, root)


def _careplan(path: str) -> DocumentInfo:
    return _from_letter(path, "XDIS21", "XD2134C", "ProgressOfCarePlan")


def _referral(path: str) -> DocumentInfo:
    return _from_letter(path, "XREF01", "XH0130R", "HospitalReferral")


def _apopleksi_info() -> DocumentInfo:
    return _info(HOSPITAL, PRACTICE, "EDIFACT", "DIS01", "D0133L", "EPI2409300101", "MEDDIS")


def _ambulant(path: str) -> DocumentInfo:
    return _from_letter(path, "XDIS02", "XD0233L", "OutPatientDischargeLetter")


def _ambulant_edifact(path: str) -> DocumentInfo:
    """A DIS02 interchange's envelope values: its letter's parties and number."""
    return replace(_from_letter(path, "DIS02", "D0233L", "MEDDIS"), format="EDIFACT")


def _receipt_info(path: str, fmt: str, name: str, version: str, root: str) -> DocumentInfo:
    """A receipt's envelope values: its own sender, receiver and letter number."""
    import medbridge
    from medbridge.model import Receipt

    receipt = medbridge.read(FIXTURES / "valid" / path).letter
    assert isinstance(receipt, Receipt)
    return _info(receipt.sender, receipt.receiver, fmt, name, version, receipt.identifier, root)


def valid_cases() -> dict[str, bytes]:
    """The valid wrapped fixtures by file name."""
    cases: dict[str, bytes] = {}
    cases["epikrise-sbdh-vans.xml"] = _sbdh_vans(_bare("epikrise/pneumoni.xml"), EPIKRISE, 1)
    cases["henvisning-sbdh-vans.xml"] = _sbdh_vans(_bare("henvisning/hoste.xml"), HENVISNING, 2)
    observed = "plejeforloebsplan/observed-layout.xml"
    cases["plejeforloebsplan-sbdh-vans.xml"] = _sbdh_vans(_bare(observed), _careplan(observed), 3)
    smitte = "plejeforloebsplan/hlr-smitte.xml"
    cases["plejeforloebsplan-vans.xml"] = wrap_vans(_bare(smitte), _careplan(smitte), _ids(4))
    apopleksi = _bare("epikrise/apopleksi.edi")
    cases["epikrise-vans-edifact.xml"] = wrap_vans(apopleksi, _apopleksi_info(), _ids(5))
    hud = "ambulant_epikrise/hudkraeft-utf8.xml"
    cases["ambulant-epikrise-sbdh-vans.xml"] = _sbdh_vans(_bare(hud), _ambulant(hud), 14)
    knae = "ambulant_epikrise/knaeskade.edi"
    cases["ambulant-epikrise-vans-edifact.xml"] = wrap_vans(
        _bare(knae), _ambulant_edifact(knae), _ids(15)
    )
    negative = "kvittering/ctl02-negativ.xml"
    cases["kvittering-vans.xml"] = wrap_vans(
        _bare(negative),
        _receipt_info(negative, "XML", "XCTL02", "XC0230Q", "NegativeReceipt"),
        _ids(16),
    )
    positive = "kvittering/ctl03-positiv.edi"
    cases["kvittering-vans-edifact.xml"] = wrap_vans(
        _bare(positive), _receipt_info(positive, "EDIFACT", "CTL03", "C0330Q", "CONTRL"), _ids(17)
    )
    cases["regionh-shape-latin1.xml"] = _regionh_shape()
    cases["medcom-sample-shape.xml"] = _medcom_sample_shape()
    cases["metadata-mismatch.xml"] = _metadata_mismatch()
    cases["text-xml-mimetype.xml"] = _text_xml_mimetype()
    return cases


def _regionh_shape() -> bytes:
    """Region H's 2021 shape (B.4 D1, D4, D5, D6, D7): an SBDH whose BinaryContent is in the
    peppol namespace and labelled FHIR, around a VANS envelope whose identifiers are the
    Emessage's envelope number and whose time has no offset, around an epikrise without a
    declaration in ISO-8859-1."""
    payload = _bare("epikrise/apopleksi.xml").split(b"\n", 1)[1]
    info = _info(HOSPITAL, PRACTICE, "XML", "XDIS01", "XD0133L", "EPI2409300101", "DischargeLetter")
    vans = wrap_vans(payload, info, EnvelopeIds("ENV2409300101", "ENV2409300101", _SENT))
    vans = vans.replace(b"2024-09-30T11:12:05+02:00", b"2024-09-30T11:12:05")
    sbdh = wrap_sbdh(vans, info, _ids(6))
    sbdh = sbdh.replace(
        b'<BinaryContent mimeType="application/xml" encoding="UTF-8">',
        b'<BinaryContent xmlns="http://peppol.eu/xsd/ticc/envelope/1.0" '
        b'mimeType="application/fhir+xml" encoding="UTF-8">',
    )
    return sbdh.replace(b"2024-09-30T11:12:05+02:00", b"2024-09-30T11:12:05")


def _medcom_sample_shape() -> bytes:
    """MedCom's 2025 sample shape (B.4 D3, D7): an SBDH straight around an ISO-8859-1 referral,
    labelled ``application/fhir+xml`` and UTF-8, with FHIR document values and a whitespace-
    padded time."""
    payload = _bare("henvisning/demens-udredning.xml").replace(
        b'encoding="windows-1252"', b'encoding="ISO-8859-1"', 1
    )
    sbdh = wrap_sbdh(payload, _referral("henvisning/demens-udredning.xml"), _ids(7))
    sbdh = sbdh.replace(
        b'mimeType="application/xml" encoding="ISO-8859-1"',
        b'mimeType="application/fhir+xml" encoding="UTF-8"',
    )
    sbdh = sbdh.replace(b"<Type>XREF01</Type>", b"<Type>Bundle</Type>")
    sbdh = sbdh.replace(b"<TypeVersion>XH0130R</TypeVersion>", b"<TypeVersion>1.0</TypeVersion>")
    return sbdh.replace(
        b"<CreationDateAndTime>2024-09-30T11:12:05+02:00</CreationDateAndTime>",
        b"<CreationDateAndTime>\n        2024-09-30T11:12:05+02:00\n      </CreationDateAndTime>",
    )


def _metadata_mismatch() -> bytes:
    """A VANS envelope whose metadata disagrees with its referral: receiver GLN, document name
    and version, a letter number that is not the payload's, and SizeInBytes."""
    payload = _bare("henvisning/hoste.xml")
    info = _info(PRACTICE, OTHER, "XML", "XDIS01", "XD0133L", "HEN0000043", "HospitalReferral")
    vans = wrap_vans(payload, info, EnvelopeIds(_ids(8).envelope_id, "HEN0000099", _SENT))
    return vans.replace(
        f"<SizeInBytes>{len(payload)}</SizeInBytes>".encode(),
        f"<SizeInBytes>{len(payload) + 1}</SizeInBytes>".encode(),
    )


def _text_xml_mimetype() -> bytes:
    """Region H's ``text/xml`` label on a VANS envelope (B.4 D2)."""
    knae = "henvisning/knaeartrose-utf8.xml"
    sbdh = _sbdh_vans(_bare(knae), _referral(knae), 9)
    return sbdh.replace(b'mimeType="application/xml"', b'mimeType="text/xml"')


def invalid_cases() -> dict[str, bytes]:
    """The hostile and broken envelopes by file name (each with an expectation file)."""
    letter = _bare("epikrise/pneumoni.xml")
    good = wrap_vans(letter, EPIKRISE, _ids(10))
    cases: dict[str, bytes] = {}
    data_start = good.index(b"<Data>") + len(b"<Data>")
    cases["bad-base64.xml"] = good[:data_start] + b"*" + good[data_start + 1 :]
    end = good.index(b"</Data>")
    cases["empty-data.xml"] = good[:data_start] + b"\n    " + good[end:]
    cases["doctype-envelope.xml"] = good.replace(
        b"<VANSEnvelope", b'<!DOCTYPE VANSEnvelope [<!ENTITY x "x">]>\n<VANSEnvelope', 1
    )
    hostile = (FIXTURES / "invalid" / "hostile" / "billion-laughs.xml").read_bytes()
    cases["doctype-payload.xml"] = _sbdh_vans(hostile, EPIKRISE, 11)
    schema_bad = (FIXTURES / "invalid" / "schema" / "missing-cpr.xml").read_bytes()
    cases["schema-error-payload.xml"] = _sbdh_vans(schema_bad, EPIKRISE, 12)
    nested = letter
    for n in range(5):
        nested = wrap_vans(nested, EPIKRISE, _ids(20 + n))
    cases["too-deep.xml"] = nested
    cases["vans-receipt.xml"] = _receipt()
    return cases


def _receipt() -> bytes:
    """A VANS NegativeVans receipt: the network could not deliver an envelope."""
    ids = _ids(13)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<VANSEnvelope xmlns="urn:oio:medcom:vans-envelope:1.0.4">\n'
        f'  <SenderID EndPointType="VANS">DKTESTVANS01</SenderID>\n'
        f'  <ReceiverID EndPointType="EAN">{HOSPITAL}</ReceiverID>\n'
        f"  <EnvelopeIdentifier>{ids.envelope_id}</EnvelopeIdentifier>\n"
        "  <SentDateTime>2024-09-30T11:15:00+02:00</SentDateTime>\n"
        "  <Receipt>\n"
        "    <NegativeVans>\n"
        "      <Error><Code>12</Code>"
        "<Description>Receiver unknown on the network</Description></Error>\n"
        f"      <OriginalEnvelopeIdentifier>{_ids(1).envelope_id}</OriginalEnvelopeIdentifier>\n"
        "    </NegativeVans>\n"
        "  </Receipt>\n"
        "</VANSEnvelope>\n"
    ).encode()


def write() -> int:
    WRAPPED.mkdir(parents=True, exist_ok=True)
    ENVELOPE.mkdir(parents=True, exist_ok=True)
    for name, data in valid_cases().items():
        (WRAPPED / name).write_bytes(data)
    for name, data in invalid_cases().items():
        (ENVELOPE / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.envelope_fixtures --write")
    sys.exit(write())
