"""The "Forsendelse" block of ``show``: a wrapped letter's envelope layers and the ``wrapper.*``
warnings, in text, HTML and JSON, after the letter; a bare letter's view has no such block."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import medbridge
from medbridge import TransportLayer
from medbridge.cli import main
from medbridge.findings import Finding, Location, Severity
from medbridge.view.html import render_html
from medbridge.view.model import build_view, view_dict, view_json
from medbridge.view.text import render_text
from medbridge.view.transport import TITLE, transport_view

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
WRAPPED = VALID / "wrapped"
SBDH_VANS = WRAPPED / "henvisning-sbdh-vans.xml"
LYING = WRAPPED / "regionh-shape-latin1.xml"
BARE = VALID / "henvisning" / "hoste.xml"
#: A CPR-shaped number standing alone (the letter's CPR, with or without the hyphen).
CPR = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}-?[0-9]{4}(?![0-9A-Za-z])")


def _block(text: str) -> str:
    """The text view from the block's heading on."""
    return text[text.index(f"\n{TITLE}\n") :]


def _shown(path: Path) -> tuple[medbridge.Message, list[Finding]]:
    return medbridge.read(path), list(medbridge.validate(path))


def test_text_block_lists_layers_outermost_first_after_the_letter() -> None:
    message, findings = _shown(SBDH_VANS)
    text = render_text(message, width=100, findings=findings)
    bare = render_text(medbridge.read(BARE), width=100)
    assert text.startswith(bare)  # the letter as it reads bare, the block after it
    block = _block(text)
    assert block.index("1. SBDH") < block.index("2. VANS-kuvert")
    sbdh, vans = message.transport
    assert sbdh.envelope_id and sbdh.envelope_id in block
    assert vans.envelope_id and vans.envelope_id in block
    assert vans.message_id and vans.message_id in block
    assert f"{vans.sender} (EAN) → {vans.receiver} (EAN)" in block
    assert "application/xml" in block  # the SBDH's declared MIME type
    assert f"{vans.document_format} {vans.document_name} {vans.document_version}" in block
    assert "Advarsler" not in block  # this envelope tells no lies


def test_labels_that_lie_are_warnings_in_the_block() -> None:
    message, findings = _shown(LYING)
    block = _block(render_text(message, width=200, findings=findings))
    warnings = [f for f in findings if f.code.startswith("wrapper.")]
    assert any(f.code == "wrapper.mimetype-mismatch" for f in warnings)
    assert "Advarsler om forsendelsen" in block
    for finding in warnings:
        assert finding.message in block and finding.code in block
    assert "SBDH: BinaryContent, linje" in block  # a finding in the outer file: its layer
    assert "SBDH BinaryContent: EnvelopeIdentifier, linje" in block
    # other findings (schema, encoding of the payload) are the validator's, not the block's
    others = [f for f in findings if not f.code.startswith("wrapper.")]
    assert others and all(f.code not in block for f in others)


def test_bare_letters_have_no_block_in_any_rendering() -> None:
    message = medbridge.read(BARE)
    noise = [Finding("wrapper.mimetype-mismatch", Severity.WARNING, "ignored", Location())]
    assert build_view(message, noise).transport is None
    assert "transport" not in json.loads(view_json(message, noise))
    assert TITLE not in render_text(message, findings=noise)
    page = render_html(message, noise)
    assert 'class="transport"' not in page and page == render_html(message)


def test_json_block_shape() -> None:
    message, findings = _shown(LYING)
    data = json.loads(view_json(message, findings))
    assert data == view_dict(build_view(message, findings))
    block = data["transport"]
    assert set(block) == {"title", "note", "layers", "warnings"}
    assert [layer["kind"] for layer in block["layers"]] == ["sbdh", "vans"]
    for layer in block["layers"]:
        assert layer["rows"] and all(set(row) == {"label", "value"} for row in layer["rows"])
    codes = [w["code"] for w in block["warnings"]]
    assert codes == [f.code for f in findings if f.code.startswith("wrapper.")]
    assert all(set(w) == {"code", "message", "where"} for w in block["warnings"])


def test_html_block_is_an_escaped_aside_after_the_letters() -> None:
    message, findings = _shown(LYING)
    hostile = dataclasses.replace(message.transport[0], sender="<script>x</script>")
    message.transport = (hostile, *message.transport[1:])
    page = render_html(message, findings)
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    tree = etree.HTML(page)
    body = tree.find("body")
    assert [child.tag for child in body] == ["article", "aside"]
    aside = body[-1]
    assert aside.get("class") == "transport" and aside.findtext("h2") == TITLE
    assert [h.text for h in aside.findall("h3")][:2] == ["1. SBDH", "2. VANS-kuvert"]
    assert len(aside.findall(".//li")) == sum(f.code.startswith("wrapper.") for f in findings)
    assert ".transport{" in tree.findtext(".//style")


@pytest.mark.parametrize("path", sorted(WRAPPED.glob("*.xml")), ids=lambda p: p.name)
def test_the_block_never_shows_a_cpr(path: Path) -> None:
    message, findings = _shown(path)
    for rendered in (
        render_text(message, width=120, findings=findings),
        json.dumps(view_dict(build_view(message, findings))["transport"], ensure_ascii=False),
    ):
        block = rendered[rendered.index(TITLE) :]
        assert not CPR.search(block), path.name


def test_a_cpr_written_into_an_envelope_field_is_masked() -> None:
    layer = TransportLayer(
        "vans",
        sender="5799999000010",
        receiver="5799999000027",
        envelope_id="070761-4285",
        message_id="0707614285",
        document_name="HEN2501140002",
    )
    view = transport_view((layer,), [])
    assert view is not None
    values = [value for _, value in view.layers[0].rows]
    assert "070761****" in values and "HEN2501140002" in " ".join(values)
    assert not any(CPR.search(value) for value in values)
    assert "5799999000010 → 5799999000027" in values


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_cli_show_draws_the_block_with_the_warnings(fmt: str) -> None:
    result = CliRunner().invoke(main, ["show", str(LYING), "--format", fmt, "--no-pager"])
    assert result.exit_code == 0
    assert result.output.count("wrapper.mimetype-mismatch") == 1
    assert TITLE in result.output
    bare = CliRunner().invoke(main, ["show", str(BARE), "--format", fmt, "--no-pager"])
    assert bare.exit_code == 0 and TITLE not in bare.output
