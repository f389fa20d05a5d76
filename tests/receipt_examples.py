"""The invented originals and receipts of ``exchange-messages.md`` §A.10 and §C.8, as bytes, and
helpers to build received interchanges for the acknowledgement tests.

All identifiers are the spec's invented ones (EAN 5799999000010 hospital, 5799999000027 GP
practice, 5799999000034 unknown; CPR 0101011234 fictional).
"""

from __future__ import annotations

from pathlib import Path

from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
#: §6.5: DIS01 EPI0000042 in interchange ENV0000042, UNB E9 = 1 (a positive receipt wanted).
EXAMPLE_6_5 = FIXTURES / "valid" / "epikrise" / "medcom-example-6-5.edi"
#: Letters of one interchange, each a complete UNH … UNT (72 DIS01).
SPECIALER_EDI = FIXTURES / "valid" / "epikrise" / "specialer.edi"
SPECIALER_XML = FIXTURES / "valid" / "epikrise" / "specialer.xml"

HOSPITAL = "5799999000010"
PRACTICE = "5799999000027"


def _edi(*segments: str) -> bytes:
    return "".join(segment + "\n" for segment in segments).encode("latin-1")


#: §C.8: DIS02 AMB0000043 in ENV0000043, with its version code replaced by ``D0234L`` (the
#: current ambulant epikrise, which medbridge does not read): the receiver cannot take it, as in
#: §A.10.2. (The spec's D0233L is read by the ambulant epikrise work once merged.)
DIS02_UNREADABLE_VERSION = _edi(
    "UNA:+.? '",
    "UNB+UNOC:3+5799999000010:14+5799999000027:14+240306:0905+ENV0000043++++0'",
    "UNH+AMB0000043+MEDDIS:D:93A:UN:D0234L+DIS02'",
    "BGM+EPI++9+NA'",
    "DTM+137:202403060850:203'",
    "S01+01'",
    "NAD+SSP+9999012:SKS:SST++Eksempel Sygehus:Ortopædkirurgisk Ambulatorium::::US'",
    "ADR++US:Prøvevej 1+Prøveby+9999'",
    "CON++99990002:TE'",
    "SEQ++1'",
    "SPR+ORG+42:SKS:SST+DIS02:SKS:SST'",
    "S01+01'",
    "NAD+PO+999901:YNR:SFU++Lægehuset Prøvevej:::::US'",
    "SEQ++2'",
    "S02+02'",
    "GIS+N'",
    "RFF+SRI:AMB0000043'",
    "DTM+182:202403060850:203'",
    "S07+07'",
    "PNA+PAT+0101011234:::CPR:IM+++SU:Testesen+FO:Tove'",
    "ADR++US:Byvej 2++9999'",
    "S11+11'",
    "GIS+N'",
    "RFF+REI:FORLOEB-7781'",
    "SEQ++1'",
    "DTM+90:202402121030:203'",
    "DTM+91:202403051315:203'",
    "PAS+HA'",
    "CIN+A+DS525:SKS:SST:Fraktur af distale ende af radius'",
    "S14+14'",
    "CIN+TR+KNCJ62:SKS:SST:Lukket reposition af fraktur i underarm'",
    "DTM+CIS:202402121100:203'",
    "S14+14'",
    "DTM+CIC:202403060845:203'",
    "FTX+NC+P00++Set i ambulatoriet 3 gange efter fald på cykel.'",
    "UNT+34+AMB0000043'",
    "UNZ+1+ENV0000043'",
)

#: §A.10.1: the positive receipt (CTL03) for EXAMPLE_6_5.
CTL03_A10_1 = _edi(
    "UNA:+.? '",
    "UNB+UNOC:3+5799999000027:14+5799999000010:14+240305:1431+KVT0000051'",
    "UNH+KVB0000051+CONTRL:D:93A:ZZ:C0330Q+CTL03'",
    "UCI+ENV0000042+5799999000010:14+5799999000027:14+7'",
    "UCM+EPI0000042+MEDDIS:D:93A:UN:D0133L+7'",
    "UNT+4+KVB0000051'",
    "UNZ+1+KVT0000051'",
)

#: §A.10.1 as a model (its UNH E1 here equal to its UNB E5, as medbridge writes them).
RECEIPT_A10_1 = Receipt(
    variant=ReceiptVariant.POSITIVE,
    identifier="KVT0000051",
    sender=PRACTICE,
    receiver=HOSPITAL,
    original_envelope="ENV0000042",
    original_sender=HOSPITAL,
    original_receiver=PRACTICE,
    letters=[OriginalLetter("EPI0000042", "D0133L")],
)

#: §A.10.2: the negative receipt (CTL02) for the §C.8 DIS02, reason VER after its UCM.
CTL02_A10_2 = _edi(
    "UNA:+.? '",
    "UNB+UNOC:3+5799999000027:14+5799999000010:14+240306:0912+KVT0000052'",
    "UNH+KVB0000052+CONTRL:D:93A:ZZ:C0230Q+CTL02'",
    "UCI+ENV0000043+5799999000010:14+5799999000027:14+4'",
    "UCM+AMB0000043+MEDDIS:D:93A:UN:D0233L+4'",
    "FTX+VER+P00++Brev AMB0000043 sendt 06.03.2024 kl. 09.05 er afvist?: Lægehuset \\:Prøvevej "
    "kan ikke modtage ambulante epikriser i version D0233L.:Kontakt?: IT-support, tlf. 99990001.'",
    "UNT+5+KVB0000052'",
    "UNZ+1+KVT0000052'",
)

#: §A.10.2 in XML: a received XCTL02.
XCTL02_A10_2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">
  <Envelope>
    <Sent><Date>2024-03-06</Date><Time>09:12</Time></Sent>
    <Identifier>KVT0000052</Identifier>
    <AcknowledgementCode>minuspositivkvitt</AcknowledgementCode>
  </Envelope>
  <NegativeReceipt>
    <Letter>
      <Identifier>KVB0000052</Identifier>
      <VersionCode>XC0230Q</VersionCode>
      <StatisticalCode>XCTL02</StatisticalCode>
    </Letter>
    <Sender><EANIdentifier>5799999000027</EANIdentifier></Sender>
    <Receiver><EANIdentifier>5799999000010</EANIdentifier></Receiver>
    <OriginalEmessage>
      <OriginalEnvelopeIdentifier>ENV0000043</OriginalEnvelopeIdentifier>
      <OriginalSender><EANIdentifier>5799999000010</EANIdentifier></OriginalSender>
      <OriginalReceiver><EANIdentifier>5799999000027</EANIdentifier></OriginalReceiver>
      <OriginalLetter>
        <OriginalLetterIdentifier>AMB0000043</OriginalLetterIdentifier>
        <OriginalVersionCode>D0233L</OriginalVersionCode>
        <RefuseCode>problem_med_version</RefuseCode>
        <RefuseText>Brev AMB0000043 er afvist.<Break/></RefuseText>
      </OriginalLetter>
    </OriginalEmessage>
  </NegativeReceipt>
</Emessage>
"""


def edifact_letters() -> tuple[bytes, list[bytes], bytes]:
    """The UNA+UNB head, each UNH … UNT message (with its line end) and the UNZ of
    ``specialer.edi``."""
    data = SPECIALER_EDI.read_bytes()
    first = data.index(b"UNH+")
    unz = data.rindex(b"UNZ+")
    body = data[first:unz]
    starts = [i for i in range(len(body)) if body.startswith(b"UNH+", i)]
    letters = [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    return data[:first], letters, data[unz:]


def interchange(letters: list[bytes], *, ask: bool) -> bytes:
    """An interchange of ``specialer.edi``'s head and the given messages, UNB E9 ``1`` when
    ``ask``, with a UNZ that counts them."""
    head, _, _ = edifact_letters()
    head = head.replace(b"++++0'", b"++++1'" if ask else b"++++0'", 1)
    return head + b"".join(letters) + b"UNZ+%d+ENV2410010000'\n" % len(letters)


def break_date(letter: bytes) -> bytes:
    """``letter`` with an impossible hour in its first DTM (an EDIFACT mapping error)."""
    start = letter.index(b"DTM+137:")
    end = letter.index(b"'", start)
    return letter[:start] + b"DTM+137:202410019900:203" + letter[end:]
