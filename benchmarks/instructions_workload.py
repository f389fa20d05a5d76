"""The fixed workload that ``benchmarks/instructions.py`` runs under callgrind, once per tree.

    python benchmarks/instructions_workload.py WORKLOAD INPUTS REPEAT

``WORKLOAD`` is one of :data:`WORKLOADS` or ``import`` (import medbridge and load the inputs,
nothing else: the part every workload shares and the driver subtracts). ``INPUTS`` is the
repository whose ``fixtures/`` and ``tests/edifact_examples.py`` are the inputs, the same for both
trees. Only the public API is used (``read``, ``validate``, ``write``, ``convert``, ``to_json``,
``from_json``), so the script runs unchanged on the tree before the redesign and after it.

The script prints ``medbridge.__file__`` first, so that the driver can check that the imported
package is the tree's, and then the workload's name with a digest of one round's results (every
round must give the same), so that a workload that silently did nothing, or something else on one
tree, shows.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import medbridge

if TYPE_CHECKING:
    from medbridge.model import Message

Inputs = dict[str, list[bytes]]


def load(root: Path) -> Inputs:
    """Every input of every workload, read once, in a fixed order."""
    valid = root / "fixtures" / "valid"
    invalid = root / "fixtures" / "invalid"
    spec = importlib.util.spec_from_file_location(
        "edifact_examples", root / "tests" / "edifact_examples.py"
    )
    assert spec is not None and spec.loader is not None
    examples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(examples)
    # The kinds and invalid categories every compared tree reads (the ones the redesign started
    # from): later kinds (ambulant epikrise, receipts) and wrapped letters would be refused by an
    # old tree, which measures nothing.
    kinds = ("epikrise", "henvisning")
    letters = (*kinds, "plejeforloebsplan")
    categories = ("schema", "namespace", "encoding", "hostile", "syntax")

    def files(folders: tuple[str, ...], base: Path, pattern: str) -> list[bytes]:
        return [p.read_bytes() for k in folders for p in sorted((base / k).glob(pattern))]

    return {
        "valid_xml": files(letters, valid, "*.xml"),
        "all": files(letters, valid, "*.xml")
        + files(letters, valid, "*.edi")
        + files(categories, invalid, "*.xml"),
        "letter_xml": files(kinds, valid, "*.xml"),
        "edi": [examples.DIS01, examples.REF01, *files(kinds, valid, "*.edi")],
    }


def read_xml(inputs: Inputs) -> list[object]:
    return [type(medbridge.read(data).letter).__name__ for data in inputs["valid_xml"]]


def validate_all(inputs: Inputs) -> list[object]:
    return [[f.code for f in medbridge.validate(data).findings] for data in inputs["all"]]


def xml_edifact_xml(inputs: Inputs) -> list[object]:
    out: list[object] = []
    for data in inputs["letter_xml"]:
        try:
            there = medbridge.convert(data, to="edifact")
            back = medbridge.convert(there.output, to="xml")
        except medbridge.MedbridgeError as error:  # a refusal is work too: recorded, not hidden
            out.append([f.code for f in error.findings])
            continue
        out.append((len(there.output), len(back.output)))
    return out


def read_edifact(inputs: Inputs) -> list[object]:
    return [len(medbridge.read(data).letters) for data in inputs["edi"]]


def json_roundtrip(inputs: Inputs) -> list[object]:
    out: list[object] = []
    for message in inputs_messages(inputs):
        text = medbridge.to_json(message)
        out.append((len(text), medbridge.from_json(text) == message))
    return out


def inputs_messages(inputs: Inputs) -> list[Message]:
    """The messages the JSON workload writes: every valid letter, XML and EDIFACT, read once per
    round so that reading is a small share of the JSON work."""
    return [medbridge.read(data) for data in [*inputs["valid_xml"], *inputs["edi"]]]


# name -> (function, rounds per repeat). The multipliers give the light workloads enough rounds
# that their first-call costs (compiling schemas and patterns) do not make up most of the count.
WORKLOADS: dict[str, tuple[Callable[[Inputs], list[object]], int]] = {
    "read XML": (read_xml, 4),
    "validate": (validate_all, 1),
    "XML → EDIFACT → XML": (xml_edifact_xml, 1),
    "read EDIFACT": (read_edifact, 2),
    "JSON write + read": (json_roundtrip, 1),
}


def main() -> None:
    name, root, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    print(medbridge.__file__)
    inputs = load(root)
    if name == "import":
        return
    function, times = WORKLOADS[name]
    first = repr(function(inputs))
    for _ in range(repeat * times - 1):
        assert repr(function(inputs)) == first, f"{name}: a round gave other results"
    print(name, hashlib.sha256(first.encode()).hexdigest()[:16])


if __name__ == "__main__":
    main()
