"""Old against new by instruction count: the same workloads on two trees, each under callgrind.

Run from the repository root after the README set-up (valgrind on ``PATH``)::

    .venv/bin/python benchmarks/instructions.py              # base BASE_REV, head: this tree
    .venv/bin/python benchmarks/instructions.py --base REV --head REV
    .venv/bin/python benchmarks/instructions.py --repeat 1   # a quicker look

Wall-clock time on two shared cores varies by more than the 5 % the redesign (issue #12) may
cost, so this counts instructions instead. ``--base`` (default :data:`BASE_REV`) and ``--head``
(default ``worktree``: this working tree as it is, uncommitted changes included; or any
revision) are checked out into temporary ``git worktree`` folders, removed afterwards. Each
workload of ``benchmarks/instructions_workload.py`` runs in its own process under
``valgrind --tool=callgrind``, with ``PYTHONPATH`` set to the tree, the same interpreter, the same
inputs (this repository's fixtures) and ``PYTHONHASHSEED=0``; an ``import`` run (import medbridge,
load the inputs) is subtracted from each so that the start-up does not hide the work. Before any
counting each tree runs every workload once without valgrind: that writes its bytecode caches
(compiling is not the work being compared), checks that the imported medbridge is the tree's, and
records a digest of the results, which the counted runs must repeat; base and head digests that
differ are reported, since the redesign promises identical behaviour.

The totals are callgrind's ``totals:`` line, deterministic for a given tree and machine: two runs
give the same numbers. The exit status is 1 when the sum of the whole runs (import included) over
all workloads grows by more than :data:`LIMIT`. ``--steady`` also runs each workload for one
round and shows what one more round costs once everything is loaded: the per-letter cost, apart
from what a process pays once (importing, loading tables, compiling schemas).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOAD_SCRIPT = ROOT / "benchmarks" / "instructions_workload.py"

#: The last commit before the redesign of issue #12 (the golden files were recorded on top of it):
#: what "old" means when the issue says speed may not regress by more than 5 %.
BASE_REV = "df8cc5f"
#: head/base ratio above which a workload is reported as a regression.
LIMIT = 1.05
#: The workloads of ``instructions_workload.py``, in the order of the table; ``import`` first.
IMPORT = "import"
WORKLOADS = (
    "read XML",
    "validate",
    "XML → EDIFACT → XML",
    "read EDIFACT",
    "JSON write + read",
)


@dataclass(frozen=True, slots=True)
class Tree:
    """One side of the comparison: a checkout whose ``medbridge`` package is measured."""

    label: str
    path: Path

    @property
    def package(self) -> Path:
        return self.path / "medbridge" / "__init__.py"


@dataclass(frozen=True, slots=True)
class Run:
    """One process: ``workload`` on ``tree`` with ``repeat``, counted or not."""

    tree: Tree
    workload: str
    repeat: int


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


@contextmanager
def checkout(rev: str, folder: Path) -> Iterator[Path]:
    """``rev`` in a detached ``git worktree`` at ``folder``, removed on the way out."""
    git("worktree", "add", "--detach", "--quiet", str(folder), rev)
    try:
        yield folder
    finally:
        git("worktree", "remove", "--force", str(folder))


def environment(tree: Tree) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env.update(PYTHONPATH=str(tree.path), PYTHONHASHSEED="0")
    return env


def command(run: Run) -> list[str]:
    return [sys.executable, str(WORKLOAD_SCRIPT), run.workload, str(ROOT), str(run.repeat)]


def execute(run: Run, out_file: Path | None) -> list[str]:
    """The workload's output lines, after checking that it imported the tree's medbridge."""
    prefix: list[str] = []
    if out_file is not None:
        prefix = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
    done = subprocess.run(
        [*prefix, *command(run)],
        env=environment(run.tree),
        cwd=run.tree.path,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"{run.tree.label} {run.workload!r} failed:\n{tail}")
    lines = done.stdout.splitlines()
    if not lines or Path(lines[0]) != run.tree.package:
        raise SystemExit(f"{run.tree.label}: imported {lines[:1]}, expected {run.tree.package}")
    return lines[1:]


def totals(out_file: Path) -> int:
    """The instruction count callgrind wrote on the ``totals:`` (or ``summary:``) line."""
    found: dict[str, int] = {}
    for line in out_file.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("totals", "summary") and value.strip():
            found[key] = int(value.split()[0])
    if not found:
        raise SystemExit(f"no totals in {out_file}")
    return found.get("totals", found.get("summary", 0))


def digests(tree: Tree) -> dict[str, list[str]]:
    """Each workload run once without valgrind: bytecode cached, package checked, results kept."""
    return {name: execute(Run(tree, name, 1), None) for name in (IMPORT, *WORKLOADS)}


def count(
    runs: Sequence[Run], expected: dict[Tree, dict[str, list[str]]], folder: Path, jobs: int
) -> dict[Run, int]:
    """Instructions of every run, ``jobs`` valgrind processes at a time; each run must print
    what its tree printed without valgrind."""

    def one(indexed: tuple[int, Run]) -> tuple[Run, int]:
        index, run = indexed
        out_file = folder / f"callgrind.{index}.out"
        if execute(run, out_file) != expected[run.tree][run.workload]:
            raise SystemExit(f"{run.tree.label} {run.workload!r}: other results under callgrind")
        return run, totals(out_file)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, enumerate(runs)))


def ratio_row(name: str, base: int, head: int) -> tuple[str, str, str, str, str]:
    ratio = head / base if base else float("nan")
    verdict = "ok" if ratio <= LIMIT else f"over {LIMIT:.2f}"
    return (name, f"{base:,}", f"{head:,}", f"{ratio:.4f}", verdict)


def table(counted: dict[Run, int], base: Tree, head: Tree, repeat: int) -> list[tuple[str, ...]]:
    """Rows: the import-only run, then per workload its work (run minus import-only) and its
    whole run, the sum of the work, and last the sum of the whole runs (what the processes pay:
    a tree that loads its tables on first use instead of at import moves cost from the import
    into the work, and only this sum compares them fairly)."""

    def of(tree: Tree, name: str) -> int:
        return counted[Run(tree, name, repeat)]

    rows: list[tuple[str, ...]] = [ratio_row("import only", of(base, IMPORT), of(head, IMPORT))]
    work_base = work_head = 0
    for name in WORKLOADS:
        b, h = of(base, name) - of(base, IMPORT), of(head, name) - of(head, IMPORT)
        work_base, work_head = work_base + b, work_head + h
        rows.append(ratio_row(f"{name} (work)", b, h))
        rows.append(ratio_row("  whole run, import included", of(base, name), of(head, name)))
    rows.append(ratio_row("all workloads (work)", work_base, work_head))
    whole_base = sum(of(base, name) for name in WORKLOADS)
    whole_head = sum(of(head, name) for name in WORKLOADS)
    rows.append(ratio_row("all workloads (whole runs)", whole_base, whole_head))
    return rows


def steady_table(
    counted: dict[Run, int], base: Tree, head: Tree, repeat: int
) -> list[tuple[str, ...]]:
    """Rows: per workload, one round once everything is loaded — (``repeat`` rounds − one
    round) / (``repeat`` − 1): the cost per letter, without what a process pays once."""

    def per_round(tree: Tree, name: str) -> int:
        more, one = counted[Run(tree, name, repeat)], counted[Run(tree, name, 1)]
        return (more - one) // (repeat - 1)

    rows = [ratio_row(name, per_round(base, name), per_round(head, name)) for name in WORKLOADS]
    rows.append(
        ratio_row(
            "all workloads",
            sum(per_round(base, name) for name in WORKLOADS),
            sum(per_round(head, name) for name in WORKLOADS),
        )
    )
    return rows


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    header = ("workload", "base instructions", "head instructions", "head/base", "verdict")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        numbers = [row[i].rjust(widths[i]) for i in (1, 2, 3)]
        print(" | ".join([row[0].ljust(widths[0]), *numbers, row[4]]))


def compare(base: Tree, head: Tree, repeat: int, jobs: int, steady: bool = False) -> bool:
    """Print the comparison (with ``steady``, also the cost of one round once loaded); true
    when the whole runs over all workloads stay within :data:`LIMIT`."""
    expected = {tree: digests(tree) for tree in (base, head)}
    for name in WORKLOADS:
        if expected[base][name] != expected[head][name]:
            print(f"note: {name!r} gives different results on base and head", file=sys.stderr)
    steady = steady and repeat > 1
    runs = [Run(tree, name, repeat) for name in (IMPORT, *WORKLOADS) for tree in (base, head)]
    if steady:
        runs += [Run(tree, name, 1) for name in WORKLOADS for tree in (base, head)]
    with tempfile.TemporaryDirectory(prefix="medbridge-callgrind-") as tmp:
        counted = count(runs, expected, Path(tmp), jobs)
    rows = table(counted, base, head, repeat)
    print(f"base {base.label}, head {head.label}, repeat {repeat}, PYTHONHASHSEED=0")
    print_table(rows)
    if steady:
        print(f"\none round once loaded: ({repeat} rounds - 1 round) / {repeat - 1}")
        print_table(steady_table(counted, base, head, repeat))
    return rows[-1][4] == "ok"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE_REV, help=f"old revision (default {BASE_REV})")
    parser.add_argument(
        "--head", default="worktree", help="new revision, or 'worktree' (default): this tree"
    )
    parser.add_argument("--repeat", type=int, default=2, help="rounds of each workload")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="valgrind processes")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="also run one round of each workload and show the cost of a round once loaded",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="medbridge-trees-") as tmp, ExitStack() as trees:
        base_path = trees.enter_context(checkout(args.base, Path(tmp) / "base"))
        base = Tree(f"{args.base} ({git('rev-parse', '--short', args.base)})", base_path)
        if args.head == "worktree":
            head = Tree(f"worktree ({git('rev-parse', '--short', 'HEAD')} + changes)", ROOT)
        else:
            head_path = trees.enter_context(checkout(args.head, Path(tmp) / "head"))
            head = Tree(f"{args.head} ({git('rev-parse', '--short', args.head)})", head_path)
        ok = compare(base, head, args.repeat, args.jobs, args.steady)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
