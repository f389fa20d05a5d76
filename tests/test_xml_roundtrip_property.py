"""Round-trip properties over generated models (safety-and-validation.md §5.1, §5.5).

For every valid model of each kind: the written XML is schema-valid, reading it gives an equal
model, writing that again gives the same bytes, and ``from_json(to_json(m)) == m``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import care_plans, formatted_texts, messages

from medbridge.codecs.json.codec import from_json, to_json
from medbridge.codecs.xml.codec import read_tree, write_xml
from medbridge.errors import ConversionError
from medbridge.model import FormattedText, Message
from medbridge.xml.parse import parse_xml
from medbridge.xml.schema import validate_tree

KINDS = ["epikrise", "henvisning", "plejeforloebsplan", "ambulant_epikrise"]


def _round_trip(message: Message) -> bytes:
    out = write_xml(message)
    parsed = parse_xml(out)
    assert validate_tree(parsed.root) == []
    again, findings = read_tree(parsed.root, syntax=parsed)
    assert findings == []
    assert again == message
    assert write_xml(again) == out
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_write_then_read_gives_an_equal_model(kind: str) -> None:
    @given(messages(kind))
    def check(message: Message) -> None:
        _round_trip(message)

    check()


@given(messages())
def test_mixed_2005_letters_round_trip(message: Message) -> None:
    _round_trip(message)


@pytest.mark.parametrize("kind", KINDS)
def test_json_round_trip(kind: str) -> None:
    @given(messages(kind))
    def check(message: Message) -> None:
        assert from_json(to_json(message)) == message

    check()


@given(
    plan=care_plans,
    text=formatted_texts(),
    bad=st.sampled_from(["\x00", "\x08", "\x1f", "\ufffe", "\uffff"]),
    at=st.integers(0, 20),
)
def test_characters_xml_cannot_hold_are_refused(
    plan: object, text: FormattedText, bad: str, at: int
) -> None:
    from medbridge.model import CarePlan, Envelope, Moment

    assert isinstance(plan, CarePlan)
    runs = [item for item in text.content if isinstance(item, str)]
    prefix = runs[0] if runs else ""
    plan.risk_of_contagion = FormattedText([prefix[:at] + bad + prefix[at:]])
    message = Message(Envelope(Moment("2024-01-02", "10:00"), "ENV1"), [plan])
    with pytest.raises(ConversionError) as exc:
        write_xml(message)
    finding = exc.value.findings[0]
    assert finding.code == "convert.unrepresentable"
    assert finding.location.path == "letters[0].risk_of_contagion"
    assert f"U+{ord(bad):04X}" in finding.message
