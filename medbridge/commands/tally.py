"""What a ``convert`` run keeps of its outcomes while it goes: little, so a run over 100,000 inputs
does not hold 100,000 outcomes with their findings.

It keeps the counts for the summary; the outcomes themselves only when a report was asked for
(the report lists them all); and, for ``--fsync end``, the written files (real path, input index,
lossy) and the folders to flush before the run reports. A file that cannot be flushed is removed
and its input counted, reported and listed again as an ``io-error``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from medbridge.commands.common import overall
from medbridge.commands.conversion import EXIT_BY_STATUS, Outcome
from medbridge.durable import flush
from medbridge.findings import Finding, Location, Severity

__all__ = ["Tally"]


class Tally:
    """The outcomes of one run, added in input order (see the module)."""

    __slots__ = ("_counts", "_folders", "_lossy", "_written", "outcomes")

    def __init__(self, *, keep: bool) -> None:
        self._counts = dict.fromkeys(EXIT_BY_STATUS, 0)
        self._lossy = 0
        self.outcomes: list[Outcome] | None = [] if keep else None
        self._written: list[tuple[str, int, bool]] | None = None
        self._folders: set[str] = set()

    def remember_writes(self) -> None:
        """Keep what :meth:`flush` needs (``--fsync end``)."""
        self._written = []

    def add(self, outcome: Outcome) -> None:
        index = self.total
        self._counts[outcome.status] += 1
        lossy = outcome.status == "ok" and outcome.lossy
        self._lossy += lossy
        if self._written is not None and outcome.written is not None:
            self._written.append((outcome.written, index, lossy))
            self._folders.add(os.path.dirname(outcome.written))
            self._folders.update(outcome.folders)
        outcome.written, outcome.folders = None, ()
        if self.outcomes is not None:
            self.outcomes.append(outcome)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def flush(self, describe: Callable[[int], tuple[str, str]]) -> list[Outcome]:
        """fsync every written file and changed folder. A file that fails is removed and its
        input becomes an ``io-error``; those outcomes, in input order. ``describe(index)`` gives
        an input's display name and its output's."""
        written = self._written or []
        failures = flush([path for path, _, _ in written], self._folders)
        failed = []
        for path, index, lossy in written:
            error = failures.get(path)
            if error is None:
                continue
            name, output = describe(index)
            removed = _remove(path)
            reason = error.strerror or type(error).__name__
            message = f"{output} could not be flushed to disk: {reason}; " + (
                "it was removed." if removed else "it could not be removed; do not use it."
            )
            finding = Finding("io.write-failed", Severity.ERROR, message, Location(file=output))
            outcome = Outcome(name, "io-error", findings=[finding])
            if self.outcomes is not None:
                outcome = self.outcomes[index]
                outcome.findings.append(finding)
                outcome.status, outcome.output = "io-error", None
            self._counts["ok"] -= 1
            self._counts["io-error"] += 1
            self._lossy -= lossy
            failed.append(outcome)
        self._written = None
        return failed

    def exit_code(self) -> int:
        return overall([EXIT_BY_STATUS[s] for s, n in self._counts.items() if n])

    def summary(self) -> str:
        counts = self._counts
        failed = counts["refused"] + counts["io-error"] + counts["internal-error"]
        return (
            f"{self.total} file(s): {counts['ok']} converted, {counts['invalid']} invalid, "
            f"{self._lossy} lossy, {failed} failed"
        )


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True
