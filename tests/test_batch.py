"""``medbridge.batch.convert_item``: one result per input, never an exception, and the same
output, findings and detection as ``medbridge.convert`` / ``medbridge.detect``."""

from __future__ import annotations

import json

import pytest
from batch_inputs import FIXTURES, broken_inputs, fixture_inputs
from hypothesis import given
from hypothesis import strategies as st

import medbridge
import medbridge.api
from medbridge.batch import ItemResult, ItemStatus, convert_item
from medbridge.batch.item import findings_json
from medbridge.errors import ConversionError, InputError
from medbridge.findings import Finding

INPUTS = {**fixture_inputs(), **broken_inputs()}
XMLONLY = FIXTURES / "valid" / "epikrise" / "xmlonly-fritekst-cp1252.xml"


def _located(findings: list[Finding], name: str) -> list[Finding]:
    return [f.with_file(name) for f in findings]


def expected_item(name: str, data: bytes, to: str, allow_loss: bool) -> ItemResult:
    """What ``convert_item`` must give, from the raising API and ``detect``."""
    detection = medbridge.detect(data)
    detected = {"format": detection.format, "kind": detection.kind, "version": detection.version}
    try:
        result = medbridge.convert(data, to, allow_loss=allow_loss)
    except (InputError, ConversionError) as exc:
        return ItemResult(name, ItemStatus.INVALID, None, _located(exc.findings, name), **detected)
    status = ItemStatus.LOSSY if result.losses else ItemStatus.CONVERTED
    findings = _located(result.findings, name)
    return ItemResult(name, status, result.output, findings, **detected)


@pytest.mark.parametrize("allow_loss", [False, True], ids=["strict", "allow-loss"])
@pytest.mark.parametrize("to", ["xml", "edifact", "json"])
def test_every_input_gives_what_convert_and_detect_give(to: str, allow_loss: bool) -> None:
    statuses = set()
    for name, data in INPUTS.items():
        item = convert_item(name, data, to=to, allow_loss=allow_loss)
        assert item == expected_item(name, data, to, allow_loss), name
        assert item.ok == (item.status in (ItemStatus.CONVERTED, ItemStatus.LOSSY)), name
        statuses.add(item.status)
    assert ItemStatus.CONVERTED in statuses and ItemStatus.INVALID in statuses
    assert ItemStatus.FAILED not in statuses
    if not allow_loss:
        assert ItemStatus.LOSSY not in statuses
    elif to == "edifact":
        assert ItemStatus.LOSSY in statuses  # the xmlonly- fixtures


def test_refused_for_loss_is_invalid_and_allowed_loss_is_lossy() -> None:
    data = XMLONLY.read_bytes()
    refused = convert_item("letter.xml", data, to="edifact")
    assert refused.status is ItemStatus.INVALID and refused.output is None
    assert refused.losses == []  # nothing was written, so nothing was lost
    assert {f.code for f in refused.findings} >= {"convert.unmapped", "convert.unrepresentable"}
    assert all(f.is_error for f in refused.findings)
    lossy = convert_item("letter.xml", data, to="edifact", allow_loss=True)
    assert lossy.status is ItemStatus.LOSSY and lossy.output
    assert lossy.losses and all(f.severity.value == "warning" for f in lossy.losses)
    assert len(lossy.losses) == len(refused.findings)
    assert (lossy.kind, lossy.version, lossy.format) == ("epikrise", "XD0133L", "xml")


def test_a_bug_is_a_failed_item_with_its_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: the rules raise a non-medbridge exception, as a bug would."""

    def broken_rules(message: object) -> list[Finding]:
        raise ZeroDivisionError

    monkeypatch.setattr(medbridge.api, "_rules", broken_rules)
    data = (FIXTURES / "valid" / "epikrise" / "apopleksi.xml").read_bytes()
    item = convert_item("in/apopleksi.xml", data, to="json")
    assert item.status is ItemStatus.FAILED and item.output is None
    assert [f.code for f in item.findings] == ["internal.error"]
    assert "ZeroDivisionError" in item.findings[0].message
    assert item.findings[0].location.file == "in/apopleksi.xml"
    assert (item.format, item.kind, item.version) == ("xml", "epikrise", "XD0133L")


def test_findings_json_is_the_cli_report_shape_without_the_file() -> None:
    item = convert_item("in/x.xml", XMLONLY.read_bytes(), to="edifact", allow_loss=True)
    rows = json.loads(findings_json(item.findings))
    assert [row["code"] for row in rows] == [f.code for f in item.findings]
    assert all(set(row) >= {"code", "severity", "message", "location"} for row in rows)
    assert all("file" not in row["location"] for row in rows)
    assert json.loads(findings_json([])) == []


def test_caller_bugs_still_raise() -> None:
    with pytest.raises(TypeError):
        convert_item("x", "<Emessage/>", to="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format"):
        convert_item("x", b"", to="pdf")


_SEEDS = sorted(INPUTS.values(), key=len)[:: max(1, len(INPUTS) // 12)]


@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda seed, cut, junk: seed[:cut] + junk + seed[cut:],
            st.sampled_from(_SEEDS),
            st.integers(0, 6000),
            st.binary(max_size=8),
        ),
    ),
    to=st.sampled_from(["xml", "edifact", "json"]),
)
def test_any_bytes_give_a_result_and_never_a_failure(data: bytes, to: str) -> None:
    item = convert_item("fuzz", data, to=to, allow_loss=True)
    assert item.status is not ItemStatus.FAILED, item.findings
    assert (item.output is None) == (item.status is ItemStatus.INVALID)
    assert item.status is ItemStatus.CONVERTED or item.findings


def test_each_convert_option_reaches_the_conversion() -> None:
    """``convert_item`` passes ``medbridge.convert``'s options on (``ConvertOptions``)."""
    utf8 = (FIXTURES / "valid" / "epikrise" / "hoftefraktur-utf8.xml").read_bytes()
    latin1 = utf8.decode("utf-8").replace(' encoding="UTF-8"', "").encode("latin-1")
    lenient = convert_item("letter.xml", latin1, to="json")
    assert lenient.status is ItemStatus.CONVERTED
    assert "xml.encoding.undeclared-latin1" in [f.code for f in lenient.findings]
    strict = convert_item("letter.xml", latin1, to="json", strict_encoding=True)
    assert strict.status is ItemStatus.INVALID
    assert [f.code for f in strict.findings if f.is_error] == ["xml.encoding.undeclared-latin1"]
    small = medbridge.Limits(max_input_bytes=100)
    too_large = convert_item("letter.xml", utf8, to="json", limits=small)
    assert [f.code for f in too_large.findings] == ["input.too-large"]
    refused = convert_item("letter.xml", XMLONLY.read_bytes(), to="edifact", allow_loss=False)
    allowed = convert_item("letter.xml", XMLONLY.read_bytes(), to="edifact", allow_loss=True)
    assert (refused.status, allowed.status) == (ItemStatus.INVALID, ItemStatus.LOSSY)
