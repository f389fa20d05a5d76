"""Batch behaviour of the command line an operator relies on: output collisions, one file's bug
never ending the run, the small things (INVALID with --warnings-as-errors, --quiet, the progress
bar, report files replaced), and the JSON/SARIF documents' version and help links."""

from __future__ import annotations

import ast
import importlib
import io
import json
import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from medbridge.cli import main
from medbridge.commands.progress import CLEAR, Progress
from medbridge.model.message import Message

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
APOPLEKSI = VALID / "epikrise" / "apopleksi"
HOSTE = VALID / "henvisning" / "hoste.xml"
LATIN1 = VALID / "plejeforloebsplan" / "observed-layout.xml"  # undeclared Latin-1: a warning


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -------------------------------------------------------------------------------------------------
# 1. Output collisions


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """``x.xml`` and ``x.edi`` (the same letter in both formats) and one more file."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(APOPLEKSI.with_suffix(".xml"), folder / "x.xml")
    shutil.copy(APOPLEKSI.with_suffix(".edi"), folder / "x.edi")
    shutil.copy(HOSTE, folder / "other.xml")
    return folder


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_two_inputs_for_one_output_are_both_refused(
    twins: Path, tmp_path: Path, force: bool
) -> None:
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    args = ["convert", str(twins), "--to", "json", "--out", str(out), "--report", str(report)]
    code, stdout, stderr = run(*args, *(["--force"] if force else []))
    assert code == 73
    assert sorted(p.name for p in out.iterdir()) == ["other.json"]  # x.json never written
    assert "3 file(s): 1 converted, 0 invalid, 0 lossy, 2 failed" in stdout
    entries = {Path(e["path"]).name: e for e in json.loads(report.read_text())["files"]}
    for mine, theirs in (("x.xml", "x.edi"), ("x.edi", "x.xml")):
        entry = entries[mine]
        assert (entry["status"], entry["output"]) == ("refused", None)
        (finding,) = entry["findings"]
        assert finding["code"] == "io.output-collision"
        assert str(twins / theirs) in finding["message"]
        assert str(out / "x.json") in finding["message"]
        assert f"{twins / mine}: refused" in stderr
    assert entries["other.xml"]["status"] == "ok"


def test_keep_extension_writes_one_output_per_input(twins: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(
        "convert", str(twins), "--to", "json", "--out", str(out), "--keep-extension"
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["other.xml.json", "x.edi.json", "x.xml.json"]
    assert "3 file(s): 3 converted" in stdout


def test_an_existing_output_is_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "hoste.json").write_bytes(b"old")
    report = tmp_path / "report.json"
    code, _, stderr = run(
        "convert", str(HOSTE), "--to", "json", "--out", str(out), "--report", str(report)
    )
    assert code == 73
    (entry,) = json.loads(report.read_text())["files"]
    (finding,) = entry["findings"]
    assert finding["code"] == "io.output-exists"
    assert str(out / "hoste.json") in finding["message"]  # the report has no other location
    assert f"{out / 'hoste.json'}: error io.output-exists" in stderr


def _readme_convert_command() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up and run.*?```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None
    (command,) = [
        part.strip()
        for part in block.group(1).split("&&")
        if part.strip().startswith(".venv/bin/medbridge convert")
    ]
    return shlex.split(command)[1:]


def test_the_readme_first_command_writes_one_output_per_input(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "fixtures" / "valid", tmp_path / "fixtures" / "valid")
    argv = _readme_convert_command()
    inputs = [p for p in (tmp_path / "fixtures" / "valid").rglob("*") if p.is_file()]
    result = subprocess.run(
        [sys.executable, "-m", "medbridge", *argv], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(outputs) == len(inputs) == 42
    n = len(inputs)
    assert f"{n} file(s): {n} converted, 0 invalid, 0 lossy, 0 failed" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{n} file(s): {n} converted, 0 invalid, 0 lossy, 0 failed" in readme


# -------------------------------------------------------------------------------------------------
# 12. An internal error is one file's result


@pytest.fixture
def broken_for_hoste(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: the real semantic-rule entry point raises for one letter (HEN0000043,
    hoste.xml) as a bug would, and works for every other."""
    rules = importlib.import_module("medbridge.validation.rules")
    real = rules.check_message

    def check_message(message: Message) -> Any:
        if message.letters[0].header.identifier == "HEN0000043":
            raise ZeroDivisionError("injected")
        return real(message)

    monkeypatch.setattr(rules, "check_message", check_message)


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(APOPLEKSI.with_suffix(".xml"), folder / "a.xml")
    shutil.copy(HOSTE, folder / "b.xml")
    shutil.copy(APOPLEKSI.with_suffix(".edi"), folder / "c.edi")
    return folder


@pytest.mark.usefixtures("broken_for_hoste")
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif"])
def test_validate_reports_an_internal_error_for_that_file_and_goes_on(pair: Path, fmt: str) -> None:
    code, out, _ = run("validate", str(pair), "--format", fmt)
    assert code == 70
    if fmt == "text":
        assert f"{pair / 'a.xml'}: ok" in out and f"{pair / 'c.edi'}: ok" in out
        assert f"{pair / 'b.xml'}: INTERNAL ERROR" in out
        assert "internal.error" in out
        assert "3 file(s): 2 valid, 0 invalid, 1 internal error" in out
    elif fmt == "json":
        files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
        assert [files[n]["ok"] for n in ("a.xml", "b.xml", "c.edi")] == [True, False, True]
        assert [f["code"] for f in files["b.xml"]["findings"]] == ["internal.error"]
    elif fmt == "junit":
        suite = etree.fromstring(out.encode()).find("testsuite")  # noqa: TID251 - our output
        cases = {Path(c.get("name")).name: c for c in suite.findall("testcase")}
        assert sorted(cases) == ["a.xml", "b.xml", "c.edi"]
        assert cases["b.xml"].find("failure").get("type") == "internal.error"
        assert cases["a.xml"].find("failure") is None
    else:
        results = json.loads(out)["runs"][0]["results"]
        assert [r["ruleId"] for r in results] == ["internal.error"]
        uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("/b.xml")


@pytest.mark.usefixtures("broken_for_hoste")
def test_convert_and_detect_report_an_internal_error_for_that_file(
    pair: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run(
        "convert", str(pair), "--to", "xml", "--out", str(out), "--jobs", "1"
    )
    assert code == 70
    assert "3 file(s): 2 converted, 0 invalid, 0 lossy, 1 failed" in stdout
    assert f"{pair / 'b.xml'}: internal-error" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.xml", "c.xml"]


# -------------------------------------------------------------------------------------------------
# 16. What operators notice


def test_warnings_as_errors_says_invalid() -> None:
    code, out, _ = run("validate", str(LATIN1), "--warnings-as-errors")
    assert code == 1
    assert f"{LATIN1}: INVALID" in out
    assert "1 file(s): 0 valid, 1 invalid" in out
    code, out, _ = run("validate", str(LATIN1), "--warnings-as-errors", "--format", "json")
    assert code == 1
    assert json.loads(out)["files"][0]["ok"] is False
    code, out, _ = run("validate", str(LATIN1))
    assert (code, f"{LATIN1}: ok" in out) == (0, True)


def test_quiet_lists_only_what_needs_attention(pair: Path, tmp_path: Path) -> None:
    (pair / "bad.xml").write_bytes(b"<a>")
    code, out, err = run("validate", str(pair), "--quiet")
    assert code == 1
    assert out.splitlines()[0] == f"{pair / 'bad.xml'}: INVALID (xml)"
    assert ": ok" not in out and "file(s)" not in out and err == ""
    code, out, err = run("convert", str(pair), "--to", "json", "--out", str(tmp_path / "o"), "-q")
    assert code == 1
    assert out == ""
    assert err.splitlines()[0] == f"{pair / 'bad.xml'}: invalid"


def test_report_files_are_always_replaced_converted_files_need_force(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    target.write_bytes(b"yesterday")
    assert run("validate", str(HOSTE), "--format", "junit", "--output", str(target))[0] == 0
    assert target.read_bytes().startswith(b"<?xml")
    report = tmp_path / "convert.json"
    report.write_bytes(b"yesterday")
    out = tmp_path / "out"
    assert (
        run("convert", str(HOSTE), "--to", "xml", "--out", str(out), "--report", str(report))[0]
        == 0
    )
    assert json.loads(report.read_text())["files"][0]["status"] == "ok"
    page = tmp_path / "letter.html"
    page.write_bytes(b"yesterday")
    assert run("show", str(HOSTE), "--format", "html", "--output", str(page))[0] == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    code, _, stderr = run(
        "convert", str(HOSTE), "--to", "xml", "--out", str(out), "--report", str(report)
    )
    assert code == 73 and "io.output-exists" in stderr  # converted files: only with --force


def test_progress_bar_is_cleared_before_each_line_and_at_the_end() -> None:
    stream = io.StringIO()
    with Progress("Working", 3, enabled=True, stream=stream) as progress:
        progress.advance()
        progress.echo("a line", err=True)  # click writes it to the real stderr
        progress.advance()
    written = stream.getvalue()
    assert written.startswith(CLEAR + "Working [")
    assert "1/3" in written and "2/3" in written
    assert "1/3" + CLEAR + CLEAR + "Working [" in written  # cleared for the line, drawn again
    assert written.endswith("2/3" + CLEAR)  # and cleared for good at the end


def _run_on_a_terminal(args: list[str]) -> tuple[int, bytes, bytes]:
    """Run the CLI with standard error on a pseudo-terminal; what it wrote there and to stdout."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    terminal = bytearray()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every writer of the terminal has closed it
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    return proc.wait(), bytes(terminal), stdout


def test_progress_bar_on_a_terminal_never_shares_a_line_with_a_report_line(pair: Path) -> None:
    (pair / "bad.xml").write_bytes(b"<a>")
    code, terminal, _ = _run_on_a_terminal(
        ["convert", str(pair), "--to", "json", "--out", str(pair.parent / "o"), "--jobs", "1"]
    )
    assert code == 1
    text = terminal.decode()
    assert "Converting [" in text  # the bar was shown
    line = f"{pair / 'bad.xml'}: invalid"
    assert text.count(line) == 1
    before = text[: text.index(line)]
    assert before.endswith(CLEAR)  # the bar was erased right before the line
    assert text.endswith(CLEAR)  # and erased at the end
    code, terminal, stdout = _run_on_a_terminal(["validate", str(pair)])
    assert code == 1
    assert b"Validating [" in terminal and terminal.endswith(CLEAR.encode())
    assert b"4 file(s): 3 valid, 1 invalid" in stdout


def test_a_care_plan_for_edifact_says_it_has_no_edifact_form(tmp_path: Path) -> None:
    care_plan = VALID / "plejeforloebsplan" / "minimal.xml"
    code, _, stderr = run("convert", str(care_plan), "--to", "edifact", "--out", str(tmp_path))
    assert code == 1
    assert "the plejeforløbsplan has no EDIFACT form" in stderr
    assert not list(tmp_path.iterdir())


# -------------------------------------------------------------------------------------------------
# 17. Documents: format versions, help links, messages


def test_json_documents_carry_a_format_version(tmp_path: Path) -> None:
    _, out, _ = run("validate", str(HOSTE), "--format", "json")
    assert list(json.loads(out))[:2] == ["medbridge-validate", "files"]
    assert json.loads(out)["medbridge-validate"] == 1
    _, out, _ = run("detect", str(HOSTE), "--format", "json")
    assert json.loads(out)["medbridge-detect"] == 1
    report = tmp_path / "report.json"
    run("convert", str(HOSTE), "--to", "xml", "--out", str(tmp_path / "o"), "--report", str(report))
    assert list(json.loads(report.read_text()))[:2] == ["medbridge-convert", "files"]


def test_sarif_help_uri_is_the_published_findings_catalogue(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<a>")
    _, out, _ = run("validate", str(bad), "--format", "sarif")
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    url = project["urls"]["Findings"]
    assert url.startswith("https://") and url.endswith("docs/findings.md")
    assert rules and all(rule["helpUri"] == url for rule in rules)


def _message_strings() -> list[tuple[str, int, str]]:
    """Every string literal in medbridge that is not a docstring or a bare string statement."""
    found: list[tuple[str, int, str]] = []
    for path in sorted((ROOT / "medbridge").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bare = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in bare:
                found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_no_message_cites_a_spec_document_the_user_does_not_have() -> None:
    strings = _message_strings()
    assert any("has no EDIFACT form" in text for _, _, text in strings)  # the scan sees messages
    citing = [
        f"{file}:{line}: {text!r}"
        for file, line, text in strings
        if re.search(r"[\w-]+\.md\b|§", text)
    ]
    assert citing == []
