"""Golden outputs: every fixture's observable results, recorded as files to compare byte for byte.

The redesign of issue #12 moves nearly every module; these files pin what users see while code
moves. For every input — each fixture under ``fixtures/`` (valid and invalid), the spec's EDIFACT
examples, and the EDIFACT that each valid fixture converts to — :func:`outputs` records:

* ``detect.json`` and ``validate.json`` (every finding with its location);
* for a readable input: ``out.xml``, ``out.edi`` and ``out.json`` (or, where the writer refuses,
  ``<format>.refused.json`` with the findings of the refusal), ``convert-<format>.json`` (the
  findings of ``convert(..., allow_loss=True)``) and ``view.json`` / ``view.txt`` / ``view.html``
  (the human view).

Record anew with ``python -m tests.golden_cases --record`` — only when a change of output is
intended, and say so in the commit message.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import medbridge
from medbridge.errors import MedbridgeError
from medbridge.findings import Finding

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_FORMATS = (("xml", "out.xml"), ("edifact", "out.edi"), ("json", "out.json"))

__all__ = ["GOLDEN", "inputs", "outputs"]


def _dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _findings(findings: list[Finding]) -> bytes:
    return _dump([f.as_dict() for f in findings])


def inputs() -> Iterator[tuple[str, bytes]]:
    """Every golden input as (case name, bytes), in a fixed order."""
    from tests.edifact_examples import DIS01, REF01

    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".xml", ".edi"):
            yield path.relative_to(FIXTURES).as_posix(), path.read_bytes()
    yield "spec/dis01", DIS01
    yield "spec/ref01", REF01
    for path in sorted((FIXTURES / "valid").rglob("*.xml")):
        if path.name.startswith("xmlonly-") or "plejeforloebsplan" in path.parts:
            continue
        try:
            edifact = medbridge.write(medbridge.read(path), "edifact")
        except MedbridgeError:
            continue
        yield "as-edifact/" + path.relative_to(FIXTURES / "valid").as_posix(), edifact


def outputs(data: bytes) -> dict[str, bytes]:
    """The golden files of one input: file name → bytes."""
    from medbridge.view.html import render_html
    from medbridge.view.model import view_json
    from medbridge.view.text import render_text

    findings = list(medbridge.validate(data))
    files = {
        "detect.json": _dump(medbridge.detect(data).as_dict()),
        "validate.json": _findings(findings),
    }
    try:
        message = medbridge.read(data)
    except MedbridgeError as error:
        files["read.error.txt"] = f"{type(error).__name__}\n".encode()
        return files
    for fmt, name in _FORMATS:
        try:
            files[name] = medbridge.write(message, fmt)
        except MedbridgeError as error:
            files[f"{fmt}.refused.json"] = _findings(list(getattr(error, "findings", [])))
        try:
            conversion = medbridge.convert(data, to=fmt, allow_loss=True)
            files[f"convert-{fmt}.json"] = _findings(conversion.findings)
        except MedbridgeError as error:
            files[f"convert-{fmt}.refused.json"] = _findings(list(getattr(error, "findings", [])))
    # as ``medbridge show`` draws it: a wrapped letter with its envelopes' wrapper.* warnings
    shown = findings if message.transport else []
    files["view.json"] = view_json(message, shown).encode()
    files["view.txt"] = render_text(message, width=100, findings=shown).encode()
    files["view.html"] = render_html(message, shown).encode()
    return files


def record() -> int:
    import shutil

    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    count = 0
    for case, data in inputs():
        folder = GOLDEN / case
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in outputs(data).items():
            (folder / name).write_bytes(content)
            count += 1
    print(f"recorded {count} golden files under {GOLDEN}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python -m tests.golden_cases --record")
    sys.exit(record())
