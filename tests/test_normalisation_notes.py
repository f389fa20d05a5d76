"""Converting to EDIFACT names each documented normalisation (F1, F2, F3, M1, M2) as an info
finding, and the converted letter reads back with exactly that normalisation applied; for
generated letters, every value that changes on the way through EDIFACT has a note."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_edifact_roundtrip import discharge_letters, envelopes, hospital_referrals

import medbridge
from medbridge.codecs.edifact.codec import read_interchange, write_interchange
from medbridge.codecs.edifact.normalisations import normalisation_notes
from medbridge.model import (
    Bold,
    Break,
    ClinicalInformation,
    Contact,
    Diagnoses,
    FormattedText,
    IdentifierCode,
    PartyId,
    Referral,
    RelevantClinicalInformation,
    Space,
)

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


# ---------------------------------------------------------------------------------------------
# the audit: every value that changes on the way through EDIFACT has a note


KNOCKOUTS = ("organisation", "contact", "street", "additional", "empty", "space", "episode")


def _apply(letter: Any, knockouts: set[str]) -> None:
    """Give a generated letter the shapes the documented normalisations are about."""
    if "organisation" in knockouts:
        letter.receiver.organisation = None
    if "contact" in knockouts and isinstance(letter, medbridge.DischargeLetter):
        letter.sender.contact = Contact(PartyId("1301011", IdentifierCode.SKS_DEPARTMENT))
    if "street" in knockouts:
        for holder in (letter.patient, letter.sender, letter.receiver):
            holder.street, holder.suburb = None, "Byen"
    if "additional" in knockouts and isinstance(letter, medbridge.HospitalReferral):
        letter.additional_information = None
    if "empty" in knockouts:
        if isinstance(letter, medbridge.HospitalReferral):
            letter.referral = Referral()
            letter.relevant_clinical_information = RelevantClinicalInformation()
        else:
            letter.diagnoses = Diagnoses()
    if "episode" in knockouts:
        letter.header.episode_of_care_id = "_"
    if "space" in knockouts and isinstance(letter, medbridge.DischargeLetter):
        letter.clinical_information.append(ClinicalInformation(FormattedText(["a", Space(), "b"])))


def _changed(before: Any, after: Any, path: str) -> Iterator[str]:
    """The model paths where two values differ (a FormattedText counts as one value)."""
    if type(before) is not type(after) or isinstance(before, FormattedText):
        if before != after:
            yield path
        return
    if isinstance(before, list):
        if len(before) != len(after):
            yield path
            return
        for index, (a, b) in enumerate(zip(before, after, strict=True)):
            yield from _changed(a, b, f"{path}[{index}]")
    elif dataclasses.is_dataclass(before):
        for f in dataclasses.fields(before):
            if f.name != "wire":
                yield from _changed(
                    getattr(before, f.name), getattr(after, f.name), f"{path}.{f.name}"
                )
    elif before != after:
        yield path


@settings(max_examples=80, deadline=None)
@given(
    envelopes,
    st.one_of(discharge_letters, hospital_referrals),
    st.sets(st.sampled_from(KNOCKOUTS)),
)
def test_every_change_through_edifact_has_a_note(
    envelope: medbridge.Envelope, letter: Any, knockouts: set[str]
) -> None:
    _apply(letter, knockouts)
    message = medbridge.Message(envelope, [letter])
    try:
        data, findings = write_interchange(message, allow_nonstandard=True)
    except medbridge.ConversionError:
        return  # refused letters change nothing; refusals are tested elsewhere
    assert not [f for f in findings if f.code == "convert.loss"]
    back, _ = read_interchange(data)
    noted = [str(n.location.path) for n in normalisation_notes(message)]
    for path in _changed(letter, back.letters[0], "letters[0]"):
        assert any(path == n or path.startswith((n + ".", n + "[")) for n in noted), path
