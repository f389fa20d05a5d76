"""Converting to EDIFACT names each documented normalisation (F1, F2, F3, M1) as an info finding,
and the converted letter reads back with exactly that normalisation applied."""

from __future__ import annotations

from pathlib import Path

import medbridge
from medbridge.model import Bold, Break, ClinicalInformation, FormattedText, Space

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "valid" / "epikrise" / "medcom-example-6-5.edi"


def _notes(message: medbridge.Message) -> dict[str, str]:
    result = medbridge.convert(medbridge.to_json(message).encode(), "edifact")
    return {
        f.message.rsplit("(", 1)[1].rstrip(").") + "@" + (f.location.path or ""): f.severity.value
        for f in result.findings
        if f.code == "convert.normalised"
    }


def test_no_notes_for_medcom_written_text() -> None:
    message = medbridge.read(SOURCE)
    for info in message.letter.clinical_information:  # type: ignore[union-attr]
        info.text.wire.clear()
    assert not [k for k in _notes(message) if not k.startswith("M1")]


def test_each_normalisation_is_named_and_happens() -> None:
    message = medbridge.read(SOURCE)
    letter = message.letter
    assert isinstance(letter, medbridge.DischargeLetter)
    letter.clinical_information = [
        ClinicalInformation(FormattedText(["Uden sidste linjeskift"])),
        ClinicalInformation(FormattedText(["a", Space(), "b", Break()])),
        ClinicalInformation(FormattedText(["Se ", Bold(["dette"]), Break()])),
    ]
    assert letter.cc_receiver is not None
    letter.cc_receiver.organisation = None
    notes = _notes(message)
    base = "letters[0].clinical_information"
    assert notes[f"F1@{base}[0].text"] == "info"
    assert notes[f"F2@{base}[1].text"] == "info"
    assert notes[f"F3@{base}[2].text"] == "info"
    assert notes["M1@letters[0].cc_receiver"] == "info"
    back = medbridge.read(medbridge.write(message, "edifact"))
    texts = [c.text for c in back.letter.clinical_information]  # type: ignore[union-attr]
    assert texts[0] == FormattedText(["Uden sidste linjeskift", Break()])  # F1
    assert texts[1] == FormattedText(["a b", Break()])  # F2
    assert texts[2].plain() == "Se dette\n"  # F3: same words, regrouped
    assert back.letter.cc_receiver.organisation == "_"  # type: ignore[union-attr]  # M1
