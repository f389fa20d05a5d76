"""The command line, driven through click's CliRunner and, for exit codes and atomicity, through
a real subprocess."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from medbridge.cli import main
from tests.test_cli_paths import until

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
EPIKRISE = sorted((VALID / "epikrise").glob("*.xml"))
HENVISNING = sorted((VALID / "henvisning").glob("*.xml"))
HOSTILE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """Good, invalid and hostile inputs in one folder."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EPIKRISE[0], folder / "good1.xml")
    shutil.copy(HENVISNING[0], folder / "sub" / "good2.xml")
    text = EPIKRISE[0].read_bytes()
    (folder / "invalid.xml").write_bytes(text.replace(b"<PersonSurnameName>", b"<Bogus>", 1))
    (folder / "hostile.xml").write_bytes(HOSTILE)
    return folder


def test_validate_valid_folder_exits_0() -> None:
    code, out, _ = run("validate", str(VALID / "epikrise"))
    assert code == 0, out
    assert "0 invalid" in out


def test_validate_json_format(batch: Path) -> None:
    code, out, _ = run("validate", str(batch), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["good1.xml"]["ok"] is True
    assert by_name["good1.xml"]["kind"] == "epikrise"
    assert by_name["good1.xml"]["format"] == "xml"
    assert by_name["hostile.xml"]["ok"] is False
    assert [f["code"] for f in by_name["hostile.xml"]["findings"]] == ["xml.security.doctype"]
    finding = by_name["invalid.xml"]["findings"][0]
    assert set(finding) >= {"code", "severity", "message", "location"}
    assert finding["location"]["line"] >= 1


def test_detect_text_and_json() -> None:
    code, out, _ = run("detect", str(EPIKRISE[0]))
    assert code == 0
    assert "xml epikrise XD0133L" in out
    code, out, _ = run("detect", str(EPIKRISE[0]), "--format", "json")
    assert json.loads(out)["files"][0]["version"] == "XD0133L"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--bogus", str(tmp_path)])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["convert", str(tmp_path), "--to", "json"])
    assert result.exit_code == 2
    assert "--out" in result.stderr
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])  # a folder with no input
    assert result.exit_code == 2
    assert "no input file found" in result.stderr and "--glob" in result.stderr


def test_convert_batch_continues_and_mirrors_tree(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    code, stdout, stderr = run(
        "convert",
        str(batch),
        "--to",
        "json",
        "--out",
        str(out),
        "--report",
        str(report),
        "--jobs",
        "1",
    )
    assert code == 1
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.json")) == [
        "good1.json",
        "sub/good2.json",
    ]
    assert "4 file(s): 2 converted, 2 invalid" in stdout
    statuses = {Path(f["path"]).name: f["status"] for f in json.loads(report.read_text())["files"]}
    assert statuses == {
        "good1.xml": "ok",
        "good2.xml": "ok",
        "invalid.xml": "invalid",
        "hostile.xml": "invalid",
    }
    assert "hostile.xml" in stderr


def test_convert_refuses_existing_output_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    existing = out / EPIKRISE[0].with_suffix(".json").name
    existing.write_bytes(b"old")
    code, _, stderr = run("convert", str(EPIKRISE[0]), "--to", "json", "--out", str(out))
    assert code == 73
    assert "io.output-exists" in stderr
    assert existing.read_bytes() == b"old"
    code, _, _ = run("convert", str(EPIKRISE[0]), "--to", "json", "--out", str(out), "--force")
    assert code == 0
    assert json.loads(existing.read_text())["medbridge-json"] == 1


def test_convert_never_writes_over_an_input(tmp_path: Path) -> None:
    source = tmp_path / "letter.xml"
    shutil.copy(EPIKRISE[0], source)
    before = source.read_bytes()
    code, _, stderr = run(
        "convert", str(source), "--to", "xml", "--out", str(tmp_path / "x" / ".."), "--force"
    )
    assert code == 73
    assert "io.output-is-input" in stderr
    assert source.read_bytes() == before


def test_input_given_twice_is_converted_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(
        "convert", str(EPIKRISE[0]), str(EPIKRISE[0]), "--to", "json", "--out", str(out)
    )
    assert code == 0
    assert "1 file(s): 1 converted" in stdout


def test_unwritable_output_is_exit_74_and_others_still_attempted(batch: Path, tmp_path: Path):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")  # a file where the output folder should be
    code, stdout, _ = run("convert", str(batch), "--to", "json", "--out", str(blocker / "o"))
    assert code == 74
    assert "4 file(s)" in stdout


def test_jobs_give_identical_outputs_and_reports(tmp_path: Path) -> None:
    results = []
    for jobs in ("1", "4"):
        out = tmp_path / f"out{jobs}"
        report = tmp_path / f"report{jobs}.json"
        code, _, _ = run(
            "convert",
            str(VALID),
            "--to",
            "json",
            "--out",
            str(out),
            "--jobs",
            jobs,
            "--report",
            str(report),
            "--keep-extension",
        )
        files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.json"))}
        body = report.read_text().replace(str(out), "OUT")
        results.append((code, files, body))
    assert results[0] == results[1]
    assert results[0][0] == 0
    assert len(results[0][1]) == len(list(VALID.rglob("*.xml")) + list(VALID.rglob("*.edi")))


def test_show_puts_critical_facts_first() -> None:
    letter = next(p for p in EPIKRISE if "hlr" in p.name)
    code, out, _ = run("show", str(letter))
    assert code == 0
    assert out.index("VIGTIGT") < out.index("Patient")
    assert "genoplivning" in out.lower() or "hlr" in out.lower()


def test_show_html(tmp_path: Path) -> None:
    target = tmp_path / "letter.html"
    code, _, _ = run("show", str(EPIKRISE[0]), "--format", "html", "--output", str(target))
    assert code == 0
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert etree.HTML(page) is not None


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medbridge", *args], capture_output=True, text=True, **kwargs
    )  # type: ignore[call-overload]


def test_subprocess_exit_codes(batch: Path, tmp_path: Path) -> None:
    assert _cli("validate", str(VALID / "henvisning")).returncode == 0
    assert _cli("validate", str(batch)).returncode == 1
    assert _cli("validate", "--nope").returncode == 2
    result = _cli("convert", str(EPIKRISE[0]), "--to", "json", "--out", str(tmp_path / "o"))
    assert result.returncode == 0
    result = _cli("convert", str(EPIKRISE[0]), "--to", "json", "--out", str(tmp_path / "o"))
    assert result.returncode == 73


def test_killed_conversion_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(300):
        shutil.copy(EPIKRISE[n % len(EPIKRISE)], folder / f"{n:04d}.xml")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "medbridge",
            "convert",
            str(folder),
            "--to",
            "json",
            "--out",
            str(out),
            "--jobs",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.exists() and any(out.iterdir())):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    names = [p.name for p in out.iterdir()] if out.exists() else []
    assert names, "the conversion should have started writing"
    assert len(names) < 300, "the conversion should have been killed before finishing"
    for path in out.iterdir():
        if path.name.startswith("."):  # a temporary file may survive SIGKILL; never a final one
            assert path.name.endswith(".tmp")
            continue
        assert json.loads(path.read_text())["medbridge-json"] == 1


def _default_sigint() -> None:
    """In the child: SIGINT back to its default action. A suite started as a background job
    (``bash .ci/run &``) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupt_exits_130(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        shutil.copy(EPIKRISE[n % len(EPIKRISE)], folder / f"{n:04d}.xml")
    # The last input is standard input, which the test holds open: after the folder's letters the
    # command waits there, so the interrupt always lands mid-run (no race with a fast machine).
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", "convert", str(folder), "-", "--name", "stdin.xml",
         "--to", "json", "--out", str(tmp_path / "out"), "--jobs", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_default_sigint,
    )  # fmt: skip
    out = tmp_path / "out"
    written = [f"{n:04d}.json" for n in range(40)]

    def finals() -> list[str]:  # a temporary file (".medbridge-tmp-…") is no output yet
        return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))

    assert until(lambda: out.exists() and finals() == written)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert proc.stdin is not None
    proc.stdin.close()
    assert sorted(p.name for p in out.iterdir()) == written


def test_convert_to_edifact_strict_refusal_and_allow_loss_report(tmp_path: Path) -> None:
    source = VALID / "epikrise" / "xmlonly-fritekst-cp1252.xml"
    out = tmp_path / "out"
    code, stdout, stderr = run("convert", str(source), "--to", "edifact", "--out", str(out))
    assert code == 1
    assert "convert.unrepresentable" in stderr and "U+201C" in stderr
    assert not out.exists() or not any(out.iterdir())
    report = tmp_path / "report.json"
    code, stdout, stderr = run(
        "convert",
        str(source),
        "--to",
        "edifact",
        "--out",
        str(out),
        "--allow-loss",
        "--report",
        str(report),
    )
    assert code == 0
    assert "1 lossy" in stdout
    (entry,) = json.loads(report.read_text())["files"]
    losses = [f for f in entry["findings"] if f["code"] == "convert.loss"]
    assert entry["lossy"] is True
    assert any("Text01" in f["location"]["path"] for f in losses)
    written = (out / "xmlonly-fritekst-cp1252.edi").read_bytes()
    assert written.startswith(b"UNA:+.? 'UNB+UNOC:3+")
    assert "“".encode("cp1252") not in written and b"?\x93" not in written


def test_allow_nonstandard_writes_long_clinical_text_with_a_warning(tmp_path: Path) -> None:
    source = VALID / "epikrise" / "pneumoni.xml"
    code, _, stderr = run("convert", str(source), "--to", "edifact", "--out", str(tmp_path / "a"))
    assert code == 1
    assert "at most 9" in stderr
    code, _, stderr = run(
        "convert",
        str(source),
        "--to",
        "edifact",
        "--out",
        str(tmp_path / "b"),
        "--allow-nonstandard",
    )
    assert code == 0
    assert "convert.nonstandard" in stderr
    assert (tmp_path / "b" / "pneumoni.edi").read_bytes() == source.with_suffix(".edi").read_bytes()


def test_validate_junit_parses_back_with_one_case_per_file(batch: Path, tmp_path: Path) -> None:
    target = tmp_path / "junit.xml"
    code, _, _ = run("validate", str(batch), "--format", "junit", "--output", str(target))
    assert code == 1
    root = etree.fromstring(target.read_bytes())  # noqa: TID251 - our own output
    (suite,) = root.findall("testsuite")
    cases = {Path(c.get("name")).name: c for c in suite.findall("testcase")}
    assert sorted(cases) == ["good1.xml", "good2.xml", "hostile.xml", "invalid.xml"]
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    assert cases["good1.xml"].find("failure") is None
    (failure,) = cases["hostile.xml"].findall("failure")
    assert failure.get("type") == "xml.security.doctype"
    assert cases["invalid.xml"].find("failure").get("type") == "xml.syntax.mismatched-tag"


def test_validate_sarif_has_the_required_properties(batch: Path) -> None:
    code, out, _ = run("validate", str(batch), "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "medbridge"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert sarif_run["results"]
    for result in sarif_run["results"]:
        assert result["ruleId"] == rule_ids[result["ruleIndex"]]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith(".xml")
        region = physical["region"]
        assert "startLine" in region or "byteOffset" in region
    assert {"xml.security.doctype"} <= set(rule_ids)


def test_validate_edifact_sarif_uses_byte_offsets(tmp_path: Path) -> None:
    bad = tmp_path / "bad.edi"
    data = (VALID / "epikrise" / "medcom-example-6-5.edi").read_bytes()
    bad.write_bytes(data.replace(b"UNT+47+", b"UNT+99+"))
    code, out, _ = run("validate", str(bad), "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    unt = next(r for r in results if r["ruleId"] == "edifact.envelope.unt-count")
    assert unt["locations"][0]["physicalLocation"]["region"]["byteOffset"] > 0


def test_warnings_as_errors(tmp_path: Path) -> None:
    latin1 = VALID / "plejeforloebsplan" / "observed-layout.xml"  # undeclared Latin-1 → warning
    assert run("validate", str(latin1))[0] == 0
    assert run("validate", str(latin1), "--warnings-as-errors")[0] == 1


def test_unreadable_input_is_exit_74_and_the_rest_is_still_done(tmp_path: Path) -> None:
    # /proc/self/mem exists but every read at offset 0 fails with EIO (even for root, who can
    # read any chmod-000 file), so it stands in for an unreadable input.
    unreadable = "/proc/self/mem"
    result = _cli("validate", unreadable, str(EPIKRISE[0]))
    assert result.returncode == 74
    assert "io.unreadable" in result.stdout
    out = tmp_path / "out"
    result = _cli("convert", unreadable, str(EPIKRISE[0]), "--to", "json", "--out", str(out))
    assert result.returncode == 74
    assert "1 converted" in result.stdout and "1 failed" in result.stdout
    assert (out / EPIKRISE[0].with_suffix(".json").name).exists()
