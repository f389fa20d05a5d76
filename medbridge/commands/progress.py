"""A one-line progress bar on standard error, only when it is a terminal.

Lines printed while the bar is shown go through :meth:`Progress.echo`: the bar is cleared first
(carriage return, erase line), the line printed, and the bar drawn again below it, so a per-file
line never starts behind a half-drawn bar. The bar is cleared for good when the work is done. It
is redrawn at most :data:`REDRAWS` times over the run (and at its end), however many steps it
counts, so a batch of 100,000 files does not pay a terminal write per file.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

import click

__all__ = ["CLEAR", "REDRAWS", "Progress"]

#: Back to the start of the line and erase it (ANSI ``EL``).
CLEAR = "\r\x1b[K"
#: How often the bar is redrawn over a run, at most (besides around printed lines).
REDRAWS = 200


class Progress:
    """Counts ``total`` steps of ``label`` on ``stream`` (default: standard error) if
    ``enabled``; otherwise only passes lines through."""

    __slots__ = (
        "_done",
        "_drawn",
        "_enabled",
        "_label",
        "_shown",
        "_step",
        "_stream",
        "_total",
        "_width",
    )

    def __init__(
        self,
        label: str,
        total: int,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        width: int = 30,
    ) -> None:
        self._label = label
        self._total = max(total, 0)
        self._done = 0
        self._drawn = 0  # the count last drawn
        self._step = max(1, self._total // REDRAWS)
        self._enabled = enabled
        self._stream = stream
        self._width = width
        self._shown = False

    @classmethod
    def for_terminal(cls, label: str, total: int, *, quiet: bool) -> Progress:
        """A bar shown when standard error is a terminal and not ``quiet``."""
        return cls(label, total, enabled=not quiet and sys.stderr.isatty())

    def __enter__(self) -> Progress:
        self._draw()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.clear()

    def advance(self, steps: int = 1) -> None:
        self._done = min(self._done + steps, self._total)
        if self._done - self._drawn >= self._step or self._done == self._total:
            self._draw()

    def echo(self, line: str, *, err: bool = False) -> None:
        """Print ``line`` (on standard error with ``err``) with the bar out of its way."""
        shown = self._shown
        self.clear()
        click.echo(line, err=err)
        if shown:
            self._draw()

    def clear(self) -> None:
        if self._shown:
            stream = self._out()
            stream.write(CLEAR)
            stream.flush()
            self._shown = False

    def _out(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def _draw(self) -> None:
        if not self._enabled or self._total == 0:
            return
        filled = self._width * self._done // self._total
        bar = "#" * filled + "-" * (self._width - filled)
        stream = self._out()
        stream.write(f"{CLEAR}{self._label} [{bar}] {self._done}/{self._total}")
        stream.flush()
        self._shown = True
        self._drawn = self._done
