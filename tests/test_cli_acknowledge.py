"""``medbridge acknowledge``: the receipts written, their names, exit codes, the JSON report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import medbridge
from medbridge.cli import main
from medbridge.model.receipt import Receipt, ReceiptVariant, RefuseCode
from tests.receipt_examples import (
    CTL03_A10_1,
    EXAMPLE_6_5,
    FIXTURES,
    PRACTICE,
    break_date,
    edifact_letters,
    interchange,
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def only_receipt(path: Path) -> Receipt:
    message = medbridge.read(path)
    receipt = message.letter
    assert isinstance(receipt, Receipt)
    return receipt


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A valid letter asking for a receipt, a mixed interchange, a received receipt."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE_6_5, folder / "good.edi")
    _, letters, _ = edifact_letters()
    mixed = interchange([letters[0], break_date(letters[1])], ask=True)
    (folder / "sub" / "mixed.edi").write_bytes(mixed)
    (folder / "receipt.edi").write_bytes(CTL03_A10_1)
    return folder


def test_writes_the_owed_receipts_named_after_the_input(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("acknowledge", str(inbox), "--out", str(out))
    assert code == 0, stdout
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["good.ctl03.edi", "sub/mixed.ctl02.edi", "sub/mixed.ctl03.edi"]
    assert only_receipt(out / "good.ctl03.edi").variant is ReceiptVariant.POSITIVE
    negative = only_receipt(out / "sub" / "mixed.ctl02.edi")
    assert [x.identifier for x in negative.letters] == ["EPI2410000002"]
    assert negative.letters[0].refusal is not None
    assert negative.letters[0].refusal.code is RefuseCode.SYNTAX
    assert "3 inputs: 1 negative and 2 positive receipts written, 1 without receipt" in stdout


def test_xml_input_gets_xml_receipts(tmp_path: Path) -> None:
    source = tmp_path / "in" / "letter.xml"
    source.parent.mkdir()
    data = (FIXTURES / "valid" / "epikrise" / "apopleksi.xml").read_bytes()
    source.write_bytes(data.replace(b"minuspositivkvitt", b"pluspositivkvitt", 1))
    out = tmp_path / "out"
    code, _, _ = run("acknowledge", str(source), "--out", str(out))
    assert code == 0
    written = out / "letter.ctl03.xml"
    assert written.read_bytes().lstrip().startswith(b"<?xml")
    assert only_receipt(written).letters[0].version_code.startswith("X")


def test_fail_on_negative(inbox: Path, tmp_path: Path) -> None:
    code, _, _ = run("acknowledge", str(inbox), "--out", str(tmp_path / "o"), "--fail-on-negative")
    assert code == 1


def test_own_gln_refuses_what_is_addressed_elsewhere(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _ = run(
        "acknowledge", str(EXAMPLE_6_5), "--out", str(out), "--own-gln", "5799999000041"
    )
    assert code == 0
    receipt = only_receipt(out / "medcom-example-6-5.ctl02.edi")
    assert receipt.refusal is not None and receipt.refusal.code is RefuseCode.RECEIVER_ID
    code, _, _ = run(
        "acknowledge", str(EXAMPLE_6_5), "--out", str(out), "--own-gln", PRACTICE, "--force"
    )
    assert code == 0
    assert (out / "medcom-example-6-5.ctl03.edi").exists()


def test_existing_receipt_is_not_replaced_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("acknowledge", str(EXAMPLE_6_5), "--out", str(out))[0] == 0
    code, _, stderr = run("acknowledge", str(EXAMPLE_6_5), "--out", str(out))
    assert code == 73
    assert "io.output-exists" in stderr
    assert run("acknowledge", str(EXAMPLE_6_5), "--out", str(out), "--force")[0] == 0


def test_never_writes_over_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE_6_5, folder / "x.edi")
    (folder / "x.ctl03.edi").write_bytes(b"an input, not a receipt")
    code, _, stderr = run(
        "acknowledge", str(folder / "x.edi"), str(folder / "x.ctl03.edi"), "--out", str(folder)
    )
    assert code == 73
    assert "io.output-is-input" in stderr
    assert (folder / "x.ctl03.edi").read_bytes() == b"an input, not a receipt"


def test_unanswerable_input_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<?xml version='1.0'?><Emessage>")
    code, _, stderr = run("acknowledge", str(bad), "--out", str(tmp_path / "out"))
    assert code == 1
    assert "unanswerable" in stderr
    assert not (tmp_path / "out").exists()


def test_json_report(inbox: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    code, stdout, _ = run("acknowledge", str(inbox), "--out", out, "--format", "json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["medbridge-acknowledge"] >= 1
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["receipt.edi"]["status"] == "none-owed"
    assert [f["code"] for f in by_name["receipt.edi"]["findings"]] == ["receipt.answers-receipt"]
    mixed = by_name["mixed.edi"]
    assert mixed["status"] == "acknowledged"
    assert [r["kind"] for r in mixed["receipts"]] == ["ctl02", "ctl03"]
    assert mixed["receipts"][0]["letters"] == [
        {"identifier": "EPI2410000002", "version": "D0133L", "refuse_code": "syntaksfejl"}
    ]


def test_standard_input_receipts_are_named_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["acknowledge", "-", "--out", str(out)], input=EXAMPLE_6_5.read_bytes()
    )
    assert result.exit_code == 0, result.output
    assert only_receipt(out / "stdin.ctl03.edi").original_envelope == "ENV0000042"
