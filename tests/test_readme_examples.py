"""Every console example in the README is run, and its output compared.

A ``console`` block holds one or more ``$ command`` lines, each followed by the output the README
promises. The command runs in ``bash`` in a scratch folder that holds a copy of the fixtures, with
this environment's ``medbridge`` first on ``PATH``, a fixed terminal width, no colour and no pager.
In the expected output a line that is only ``…`` stands for any number of lines, and a line that
ends in ``…`` stands for any line that begins with the text before it; every other line must match
exactly (trailing blanks aside). Benchmark tables are ``text`` blocks, not ``console`` ones, and are
not run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ELLIPSIS = "…"
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    """One ``$ command`` of the README and the output it promises."""

    line: int
    command: str
    expected: tuple[str, ...]


def readme_examples(text: str) -> list[Example]:
    """The console examples of a README text, in order."""
    examples: list[Example] = []
    for block in _BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        command: str | None = None
        start = 0
        expected: list[str] = []
        for offset, line in enumerate(block.group(1).splitlines()):
            if line.startswith("$ "):
                if command is not None:
                    examples.append(Example(start, command, tuple(expected)))
                command, start, expected = line[2:], first_line + offset, []
            elif command is not None:
                expected.append(line.rstrip())
        if command is not None:
            examples.append(Example(start, command, tuple(expected)))
    return examples


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Whether ``actual`` lines fit the ``expected`` pattern lines (see the module docstring)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == ELLIPSIS:
        return any(matches(rest, actual[skip:]) for skip in range(len(actual) + 1))
    if not actual:
        return False
    line = actual[0].rstrip()
    if head.endswith(ELLIPSIS):
        fits = line.startswith(head[: -len(ELLIPSIS)].rstrip())
    else:
        fits = line == head
    return fits and matches(rest, actual[1:])


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_console_examples() -> None:
    assert len(EXAMPLES) >= 5
    assert all(example.command.startswith("medbridge ") for example in EXAMPLES)


def test_the_pattern_rules_can_fail() -> None:
    assert matches(("a", ELLIPSIS, "d"), ["a", "b", "c", "d"])
    assert matches(("a…",), ["abc"])
    assert not matches(("a", "d"), ["a", "b", "d"])
    assert not matches(("a…",), ["b"])
    assert not matches(("a",), ["a", "extra"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README line {e.line}" for e in EXAMPLES])
def test_readme_console_example(example: Example, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FORCE_COLOR", "CLICOLOR_FORCE", "PAGER", "MANPAGER", "LESS"}
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        COLUMNS="80",
        LINES="24",
        TERM="dumb",
        NO_COLOR="1",
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    done = subprocess.run(
        ["bash", "-c", example.command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    actual = done.stdout.decode("utf-8").splitlines()
    assert matches(example.expected, actual), (
        f"README line {example.line}: `{example.command}` printed:\n" + "\n".join(actual)
    )
