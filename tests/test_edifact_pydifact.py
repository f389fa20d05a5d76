"""pydifact interop: our tokenizer agrees with pydifact 0.2.3's ``Parser().parse`` segment for
segment (after :meth:`Segment.to_pydifact`), on the examples of edifact-messages.md §6.5/§7.5 and
on generated interchanges full of service characters, æøå and empty components."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbridge.edifact import Segment, encode_interchange, iter_segments
from medbridge.limits import Limits

DIS01_LINES = [
    "UNA:+.? '",
    "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+ENV0000042++++1'",
    "UNH+EPI0000042+MEDDIS:D:93A:UN:D0133L+DIS01'",
    "BGM+EPI++9+NA'",
    "DTM+137:202403051405:203'",
    "S01+01'",
    "NAD+SSP+9999011:SKS:SST++Eksempel Sygehus:Medicinsk Afdeling M::::US'",
    "ADR++US:Prøvevej 1+Prøveby+9999'",
    "CON++99990000:TE'",
    "SEQ++1'",
    "SPR+ORG+1:SKS:SST+DIS01:SKS:SST'",
    "S01+01'",
    "NAD+PO+999901:YNR:SFU++Lægehuset Prøvevej:::::US'",
    "SEQ++2'",
    "S01+01'",
    "NAD+CCR+999902:YNR:SFU++_:Læge:Ida Eksempel:::US'",
    "SEQ++3'",
    "S02+02'",
    "GIS+N'",
    "RFF+SRI:EPI0000042'",
    "DTM+182:202403051405:203'",
    "S05+05'",
    "GIS+N'",
    "RFF+ROI:HEN0000007'",
    "DTM+8:202402270000:203'",
    "CIN+DI+DR509:SKS:SST:Feber UNS'",
    "S07+07'",
    "PNA+PAT+0101011234:::CPR:IM+++SU:Testesen+FO:Tove'",
    "ADR++US:Byvej 2++9999'",
    "S09+09'",
    "REL+PER+SD'",
    "PNA+PAS++++SU:Testesen+FO:Bo'",
    "S11+11'",
    "GIS+N'",
    "RFF+AHI:1'",
    "SEQ++1'",
    "DTM+90:202402271030:203'",
    "DTM+91:202403051200:203'",
    "PAS+HS'",
    "CIN+A+DJ189:SKS:SST:Pneumoni UNS'",
    "S14+14'",
    "CIN+IN+UXRC00:SKS:SST:Røntgen af thorax'",
    "DTM+CIS:202402271115:203'",
    "S14+14'",
    "DTM+CIC:202403051400:203'",
    (
        "FTX+NC+P00++Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i \\:hø"
        "jre underlap, behandlet med penicillin i 7 dage.:.:Kontrol hos egen læge om 4 ug"
        "er.'"
    ),
    "S14+14'",
    "FTX+URL+P00++Røntgenbeskrivelse:https?://eksempel.invalid/r/123'",
    "UNT+47+EPI0000042'",
    "UNZ+1+ENV0000042'",
]

REF01_LINES = [
    "UNA:+.? '",
    "UNB+UNOC:3+5799999000027:14+5799999000010:14+240305:1420+ENV0000043++++0'",
    "UNH+HEN0000043+MEDREF:D:93A:UN:H0130R+REF01'",
    "BGM+HNV++9+NA'",
    "DTM+137:202403051405:203'",
    "S01+01'",
    "NAD+PO+999901:YNR:SFU++Lægehuset Prøvevej:::::US'",
    "ADR++US:Prøvevej 7+Prøveby+9999'",
    "CON++99991111:TE'",
    "SEQ++1'",
    "SPR+ORG+90:SKS:SST+REF01:SKS:SST'",
    "S01+01'",
    "NAD+SSP+9999011:SKS:SST++Eksempel Sygehus:Lungemedicinsk Amb.::::US'",
    "SEQ++2'",
    "S01+01'",
    "NAD+BV+++Praktiserende læge:Lene Lægesen::::US'",
    "RFF+AHL:1'",
    "SEQ++3'",
    "S02+02'",
    "GIS+N'",
    "RFF+ROI:_'",
    "DTM+4:202403051405:203'",
    "CIN+H+DR059:SKS::Hoste'",
    "CIN+B+DJ459:SKS::Astma UNS'",
    "FTX+DI+P00++Udredning af langvarig hoste ?+ dyspnø.'",
    "S06+06'",
    "STS++NR'",
    "S07+07'",
    "PNA+PAT+0101011234:::CPR:IM+++SU:Prøvesen+FO:Per'",
    "ADR++US:Byvej 3+Prøveby+9999'",
    "CON+CE+99992222:TE'",
    "S12+12'",
    "FTX+IN+P00++per@eksempel.invalid'",
    "FTX+NC+P00++Hoste i 3 måneder, ikke-ryger.'",
    "FTX+AL+P00++Penicillin (udslæt 2019)'",
    "S18+18'",
    "GIS+N'",
    "PTY+PRI+WA'",
    "PAS+HA'",
    "S19+19'",
    "STS++NR'",
    "TDT+PHL++TX'",
    "FTX+COT+P00++Kan ikke møde om mandagen.'",
    "UNT+42+HEN0000043'",
    "UNZ+1+ENV0000043'",
]

# Copied from the spec, which shows them one segment per line (LF after every terminator).
DIS01 = "".join(line + "\n" for line in DIS01_LINES).encode("iso-8859-1")
REF01 = "".join(line + "\n" for line in REF01_LINES).encode("iso-8859-1")


def pydifact_parse(data: bytes) -> list[Any]:
    """pydifact's own parse of ISO 8859-1 bytes, its warnings kept local, UNA dropped."""
    from pydifact.parser import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments = list(Parser().parse(data.decode("iso-8859-1")))
    return [s for s in segments if s.tag != "UNA"]


def ours(data: bytes) -> list[Any]:
    return [s.to_pydifact() for s in iter_segments(data, limits=Limits(max_segments=10**6))]


@pytest.mark.parametrize(
    "data", [DIS01, REF01, DIS01.replace(b"\n", b""), REF01.replace(b"\n", b"\r\n")]
)
def test_examples_equal_pydifact(data: bytes) -> None:
    expected = pydifact_parse(data)
    got = ours(data)
    assert len(got) == len(expected)
    assert got == expected
    # element by element too, so that a loose __eq__ could not hide a difference
    assert [(s.tag, s.elements) for s in got] == [(s.tag, s.elements) for s in expected]


def test_many_messages_equal_pydifact() -> None:
    head, rest = DIS01.split(b"\n", 2)[:2], DIS01.split(b"\n", 2)[2]
    message = rest.rsplit(b"UNZ", 1)[0]
    data = b"\n".join(head) + b"\n" + message * 60 + b"UNZ+60+ENV0000042'\n"
    assert ours(data) == pydifact_parse(data)


def test_to_pydifact_representation() -> None:
    segment = Segment(
        "NAD", (("PO",), ("999901", "YNR", "SFU"), ("",), ("a", "", ""), ("", "b"), ("", ""))
    )
    converted = segment.to_pydifact()
    assert converted.tag == "NAD"
    assert converted.elements == ["PO", ["999901", "YNR", "SFU"], "", "a", ["", "b"], ""]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Segment("FTX").to_pydifact().elements == []


_VALUE = st.text(alphabet="?:+' .aZ9æøåÆØÅ", max_size=6)
_TAG = st.sampled_from(["FTX", "NAD", "S01", "PNA", "CIN", "X9Z"])


@st.composite
def _interchange(draw: st.DrawFn) -> bytes:
    body = []
    for _ in range(draw(st.integers(0, 8))):
        elements = draw(
            st.lists(st.lists(_VALUE, min_size=1, max_size=4).map(tuple), min_size=1, max_size=5)
        )
        body.append(Segment(draw(_TAG), tuple(elements)))
    newline = draw(st.sampled_from(["", "\n", "\r\n"]))
    segments = [
        Segment(
            "UNB",
            (
                ("UNOC", "3"),
                ("5799999000010", "14"),
                ("5799999000027", "14"),
                ("240305", "1420"),
                ("R",),
            ),
        ),
        *body,
        Segment("UNZ", (("0",), ("R",))),
    ]
    return encode_interchange(segments, newline=newline, una=draw(st.booleans()))


@given(_interchange())
def test_generated_interchanges_equal_pydifact(data: bytes) -> None:
    assert ours(data) == pydifact_parse(data)
