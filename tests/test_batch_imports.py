"""What a fresh process imports: nothing heavy for a valid letter, and no Spark extra for the
per-item API. Each check runs in its own interpreter, so the counts are its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

_BLOCK_EXTRA = """
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"pyarrow", "pyspark", "pandas", "py4j"}:
            raise ImportError(f"{name} is blocked in this test")
        return None
sys.meta_path.insert(0, Blocker())
"""


def _run(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_valid_letter_never_imports_xmlschema_and_an_invalid_one_does() -> None:
    code = f"""
import json, sys
from pathlib import Path
import medbridge
fixtures = Path({str(FIXTURES)!r})
xml = (fixtures / "valid/epikrise/apopleksi.xml").read_bytes()
edi = (fixtures / "valid/henvisning/hoste.edi").read_bytes()
out = {{}}
out["converted"] = len(medbridge.convert(xml, to="edifact").output)
out["valid"] = medbridge.validate(xml).ok and medbridge.validate(edi).ok
out["item"] = medbridge.batch.convert_item("hoste.edi", edi, to="xml").status
out["after_valid"] = sorted(m for m in ("xmlschema", "elementpath", "pyarrow") if m in sys.modules)
bad = (fixtures / "invalid/schema/missing-cpr.xml").read_bytes()
out["codes"] = medbridge.validate(bad).codes()
out["after_invalid"] = "xmlschema" in sys.modules
print(json.dumps(out))
"""
    out = _run(code)
    assert out["converted"] and out["valid"] is True and out["item"] == "converted"
    assert out["after_valid"] == []
    assert "xml.schema.missing-element" in out["codes"]  # type: ignore[operator]
    assert out["after_invalid"] is True


def test_convert_item_works_without_the_spark_extra() -> None:
    code = (
        _BLOCK_EXTRA
        + f"""
import json
from pathlib import Path
import medbridge
import medbridge.batch.spark
data = (Path({str(FIXTURES)!r}) / "valid/epikrise/pneumoni.edi").read_bytes()
item = medbridge.batch.convert_item("pneumoni.edi", data, to="json")
out = {{"status": item.status, "kind": item.kind}}
try:
    medbridge.batch.arrow_converter(to="xml")
except ImportError as exc:
    out["arrow"] = str(exc)
out["loaded"] = sorted(m for m in ("pyarrow", "pyspark", "pandas") if m in sys.modules)
print(json.dumps(out))
"""
    )
    out = _run(code)
    assert out["status"] == "converted" and out["kind"] == "epikrise"
    assert "medbridge[spark]" in str(out["arrow"])
    assert out["loaded"] == []


def test_a_bare_letter_never_loads_the_envelope_or_receipt_machinery() -> None:
    code = f"""
import json, sys
from pathlib import Path
import medbridge
fixtures = Path({str(FIXTURES)!r})
heavy = ("medbridge.envelopes.unwrap", "medbridge.envelopes.wrap", "medbridge.receipts.")
def loaded():
    return sorted(m for m in sys.modules if m.startswith(heavy))
after_import = loaded()
medbridge.read(fixtures / "valid/epikrise/apopleksi.xml")
medbridge.convert(fixtures / "valid/henvisning/hoste.edi", "xml")
after_bare = loaded()
medbridge.read(fixtures / "valid/wrapped/epikrise-sbdh-vans.xml")
medbridge.acknowledge(fixtures / "valid/epikrise/apopleksi.edi")
print(json.dumps({{"import": after_import, "bare": after_bare, "later": loaded()}}))
"""
    result = _run(code)
    assert result["import"] == [] and result["bare"] == []
    later = result["later"]
    assert isinstance(later, list)
    assert "medbridge.envelopes.unwrap" in later and "medbridge.receipts.acknowledge" in later


def test_import_loads_no_batch_json_view_or_letter_table_and_first_use_does() -> None:
    code = """
import json, sys
import medbridge
def loaded():
    return sorted(
        m for m in sys.modules
        if m.startswith(("medbridge.batch", "medbridge.codecs.json", "medbridge.view"))
        or (m.startswith("medbridge.letters.") and m.endswith((".xml", ".rules", "_xml")))
    )
after_import = loaded()
names = {
    "batch": medbridge.batch.__name__,
    "to_json": medbridge.to_json.__module__,
    "critical_facts": medbridge.critical_facts.__module__,
}
from medbridge import batch
print(json.dumps({"import": after_import, "names": names, "same": batch is medbridge.batch,
                  "later": loaded()}))
"""
    result = _run(code)
    assert result["import"] == []
    assert result["names"] == {
        "batch": "medbridge.batch",
        "to_json": "medbridge.codecs.json.codec",
        "critical_facts": "medbridge.view.facts",
    }
    assert result["same"] is True
    later = result["later"]
    assert isinstance(later, list) and "medbridge.view.facts" in later


def test_dir_lists_every_public_name_of_the_lazy_packages() -> None:
    code = """
import json
import medbridge, medbridge.envelopes, medbridge.view
packages = (medbridge, medbridge.envelopes, medbridge.view)
missing = {p.__name__: sorted(set(p.__all__) - set(dir(p))) for p in packages}
loaded_by_dir = "medbridge.receipts.match" in __import__("sys").modules
try:
    medbridge.no_such_name
    unknown = "no error"
except AttributeError as exc:
    unknown = str(exc)
print(json.dumps({"missing": missing, "loaded": loaded_by_dir, "unknown": unknown}))
"""
    result = _run(code)
    assert result["missing"] == {"medbridge": [], "medbridge.envelopes": [], "medbridge.view": []}
    assert result["loaded"] is False  # listing a name does not load it
    assert result["unknown"] == "module 'medbridge' has no attribute 'no_such_name'"
