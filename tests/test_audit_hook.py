"""The whole public API under Python's audit hooks (safety spec §1): hostile input opens nothing.

A fresh interpreter installs an audit hook after ``import medbridge`` and then feeds hostile
inputs through every entry point (``detect``, ``read``, ``iter_read``, ``validate``, ``convert``
to every format, ``write``) from bytes and from a file. The hook records every ``open``, socket,
subprocess and ``urllib`` event. The test then asserts:

* no socket, DNS or subprocess event at all, and URL requests only for ``file:`` schema documents
  (xmlschema loads XSDs through urllib);
* no Python-level open of the sentinel files the inputs point at (external entities, XInclude,
  ``xsi:schemaLocation``, external DTD);
* every file that *was* opened is the input itself, one of our XSDs, or code (an import).

Audit hooks only see opens made by Python code; libxml2 opens files in C. The sentinel and FIFO
tests in ``test_xml_security.py`` cover that side; this test covers xmlschema, pydifact and our
own code across the API, which the XML-parser tests do not reach.
"""

from __future__ import annotations

import json
import mimetypes
import re
import subprocess
import sys
from pathlib import Path

import xmlschema

import medbridge

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "valid"

CHILD = r"""
import json, sys
from pathlib import Path
import medbridge

events = []
WATCHED = ("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
           "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")

def hook(event, args):
    if event == "open":
        events.append(["open", str(args[0])])
    elif event.startswith(WATCHED):
        events.append([event, str(args[0])[:200]])

inputs = [Path(p) for p in sys.argv[1:]]
sys.addaudithook(hook)
outcomes = []
for path in inputs:
    data = path.read_bytes()
    for name, action in (
        ("detect", lambda: medbridge.detect(data)),
        ("read", lambda: medbridge.read(data)),
        ("read-path", lambda: medbridge.read(path)),
        ("iter_read", lambda: list(medbridge.iter_read(path))),
        ("validate", lambda: medbridge.validate(data)),
        ("validate-path", lambda: medbridge.validate(path)),
        ("convert-xml", lambda: medbridge.convert(data, "xml")),
        ("convert-edifact", lambda: medbridge.convert(data, "edifact", allow_loss=True)),
        ("convert-json", lambda: medbridge.convert(data, "json")),
        ("write", lambda: medbridge.write(medbridge.read(data), "xml")),
    ):
        try:
            action()
            outcomes.append([path.name, name, "ok"])
        except medbridge.MedbridgeError as exc:
            outcomes.append([path.name, name, type(exc).__name__])
print(json.dumps({"events": events, "outcomes": outcomes}))
"""


def hostile_inputs(folder: Path, sentinel: Path) -> list[Path]:
    """Inputs that point at ``sentinel`` in every way an XML or EDIFACT message could."""
    uri = sentinel.as_uri()
    letter = (FIXTURES / "epikrise" / "apopleksi.xml").read_bytes()
    start = letter.index(b"<Emessage")
    hint = letter.replace(
        b"<Emessage ",
        b'<Emessage xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        + f'xsi:schemaLocation="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/ '
        f'{uri}" '.encode(),
        1,
    )
    cases = {
        "xxe.xml": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "{uri}">]>\n<r>&x;</r>'
        ).encode(),
        "parameter-entity.xml": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "{uri}"> %p;]>\n<r/>'
        ).encode(),
        "external-dtd.xml": f'<!DOCTYPE r SYSTEM "{uri}">\n<r/>'.encode(),
        "xinclude.xml": (
            letter[:start]
            + b'<x:include xmlns:x="http://www.w3.org/2001/XInclude" href="'
            + uri.encode()
            + b'" parse="text"/>'
        ),
        "schema-hint.xml": hint,
        # Schema-invalid, so xmlschema (loaded only for invalid letters) runs, with the hint.
        "schema-hint-invalid.xml": re.sub(
            rb"<CivilRegistrationNumber>[^<]*</CivilRegistrationNumber>", b"", hint, count=1
        ),
        "network-entity.xml": (
            b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>\n'
            b"<r>&x;</r>"
        ),
        "valid.xml": letter,
        "valid.edi": (FIXTURES / "epikrise" / "apopleksi.edi").read_bytes(),
        "edifact-naming-file.edi": (FIXTURES / "epikrise" / "apopleksi.edi")
        .read_bytes()
        .replace(b"Eksempel Sygehus", str(sentinel).encode("latin-1")),
    }
    paths = []
    for name, data in cases.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_hostile_inputs_open_nothing_but_inputs_and_schemas(tmp_path: Path) -> None:
    sentinel = tmp_path / "secret" / "sentinel.txt"
    sentinel.parent.mkdir()
    sentinel.write_text("MEDBRIDGE-SENTINEL-7f3a", encoding="ascii")
    inputs_dir = tmp_path / "in"
    inputs_dir.mkdir()
    inputs = hostile_inputs(inputs_dir, sentinel)

    result = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, inputs)],
        capture_output=True,
        timeout=300,
        check=True,
        cwd=tmp_path,
    )
    report = json.loads(result.stdout)
    events: list[list[str]] = report["events"]
    outcomes = {(name, action): outcome for name, action, outcome in report["outcomes"]}

    # The hook saw the work being done (an empty record would prove nothing) ...
    assert ["open", str(inputs_dir / "valid.xml")] in events
    assert outcomes[("valid.xml", "validate")] == "ok"
    assert outcomes[("valid.edi", "convert-xml")] == "ok"
    assert outcomes[("schema-hint-invalid.xml", "read")] == "XmlInputError"
    # ... every hostile XML input was refused as input, never crashed ...
    for name in ("xxe.xml", "parameter-entity.xml", "external-dtd.xml", "xinclude.xml"):
        assert outcomes[(name, "read")] == "XmlInputError", name
        assert outcomes[(name, "convert-json")] == "XmlInputError", name
    assert "InternalError" not in outcomes.values()
    # ... and nothing reached the network or a subprocess. xmlschema loads schema documents
    # (ours and its own meta-schemas) through urllib with file: URLs; those are the only
    # URL requests allowed.
    requests = [arg for kind, arg in events if kind == "urllib.Request"]
    assert [e for e in events if e[0] not in {"open", "urllib.Request"}] == []
    assert requests, "xmlschema should have loaded our schemas"
    assert all(url.startswith("file:///") and url.endswith(".xsd") for url in requests)

    opened = {Path(p) for kind, p in events if kind == "open"}
    opened |= {Path(url.removeprefix("file://")) for url in requests}
    assert sentinel not in opened
    package = Path(medbridge.__file__).resolve().parent
    allowed_roots = {
        inputs_dir.resolve(),
        package,
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
    }
    strays = [
        p
        for p in opened
        if not any(p.resolve().is_relative_to(root) for root in allowed_roots)
        and p.suffix not in {".py", ".pyc", ".so"}
        # urllib's file: handler asks mimetypes, which reads the system's type tables.
        and str(p) not in mimetypes.knownfiles
    ]
    assert strays == []
    xmlschema_package = Path(xmlschema.__file__).resolve().parent
    schema_opens = [p for p in opened if p.suffix == ".xsd"]
    assert any(p.resolve().is_relative_to(package / "xsd") for p in schema_opens)
    assert all(
        p.resolve().is_relative_to(package / "xsd") or p.resolve().is_relative_to(xmlschema_package)
        for p in schema_opens
    )
