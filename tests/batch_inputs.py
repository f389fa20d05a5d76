"""Inputs for the batch and Spark tests: every fixture file, broken inputs, and letters no
fixture holds (generated with the Hypothesis model strategies).

Names are relative paths (``valid/epikrise/apopleksi.xml``, ``broken/empty.xml``); the bytes
are what a batch would read from those files.
"""

from __future__ import annotations

from pathlib import Path

import medbridge
from medbridge.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUFFIXES = (".xml", ".edi")
APOPLEKSI = FIXTURES / "valid" / "epikrise" / "apopleksi"


def fixture_inputs() -> dict[str, bytes]:
    """Every valid and invalid fixture message (XML and EDIFACT), by relative path."""
    return {
        path.relative_to(FIXTURES).as_posix(): path.read_bytes()
        for path in sorted(FIXTURES.rglob("*"))
        if path.suffix in SUFFIXES and path.is_file()
    }


def broken_inputs() -> dict[str, bytes]:
    """Inputs no batch should stop on: empty, not a message, cut short, wrong counts, and a
    medbridge JSON export (readable)."""
    xml = APOPLEKSI.with_suffix(".xml").read_bytes()
    edi = APOPLEKSI.with_suffix(".edi").read_bytes()
    return {
        "broken/empty.xml": b"",
        "broken/bytes.bin": bytes(range(256)),
        "broken/half.xml": xml[: len(xml) // 2],
        "broken/half.edi": edi[: len(edi) // 2],
        "broken/bad-count.edi": edi.replace(b"UNT+62+", b"UNT+61+"),
        "broken/nul.edi": edi.replace(b"BGM+", b"BGM\x00+"),
        "broken/export.json": medbridge.to_json(medbridge.read(xml)).encode("utf-8"),
    }


def unseen_inputs(messages: list[Message]) -> dict[str, bytes]:
    """``messages`` written as XML, and as EDIFACT where the kind has an EDIFACT form and the
    conversion succeeds with ``allow_loss``: letters that are in no fixture."""
    out: dict[str, bytes] = {}
    for number, message in enumerate(messages):
        xml = medbridge.write(message, "xml")
        out[f"unseen/{number:03d}.xml"] = xml
        if all(letter.kind != "plejeforloebsplan" for letter in message.letters):
            try:
                edi = medbridge.convert(xml, to="edifact", allow_loss=True).output
            except medbridge.MedbridgeError:
                continue
            out[f"unseen/{number:03d}.edi"] = edi
    return out
