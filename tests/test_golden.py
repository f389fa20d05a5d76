"""Every fixture's outputs are byte-identical to the recorded golden files (issue #12).

See :mod:`tests.golden_cases` for what is recorded and how to record anew.
"""

from __future__ import annotations

import pytest

from tests.golden_cases import GOLDEN, inputs, outputs

CASES = list(inputs())


def test_every_case_has_golden_files() -> None:
    recorded = {p.parent.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert recorded == {case for case, _ in CASES}
    assert len(CASES) > 60


@pytest.mark.parametrize(("case", "data"), CASES, ids=[case for case, _ in CASES])
def test_outputs_match_golden_files(case: str, data: bytes) -> None:
    folder = GOLDEN / case
    produced = outputs(data)
    assert sorted(produced) == sorted(p.name for p in folder.iterdir())
    for name, content in produced.items():
        assert content == (folder / name).read_bytes(), f"{case}/{name} differs"
