"""Inputs of a batch: collecting them from the named paths, naming them for people, reading them.

Follows ``safety-and-validation.md`` §6.2: inputs are collected and sorted before anything is
written; directory walks are sorted, do not follow symlinked directories and skip symlinked files
(an ``io.symlink-skipped`` note); a path named on the command line is read even if it is a
symlink. Nothing that cannot be read is skipped silently: a named path that is missing or
unreadable, a folder whose listing fails while walking, and a FIFO, device or socket (named, or
met while walking and matching the patterns) each become an input that carries its problem, so the
batch reports it for that path and goes on. ``-`` stands for standard input.

File names need not be UTF-8 on POSIX; Python carries the undecodable bytes as surrogates.
:func:`display_name` is the one place a name becomes text for people and reports: undecodable
bytes and control characters are shown as escapes (``\\xff``), so no report format ever fails on a
name. Nothing here knows a message format.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.source import read_chunks, unreadable_finding

__all__ = [
    "DEFAULT_PATTERNS",
    "STDIN",
    "InputFile",
    "collect_inputs",
    "display_name",
    "load_input",
    "resolved",
]

#: Files picked up when walking a directory without ``--glob``.
DEFAULT_PATTERNS = ("*.xml", "*.edi", "*.edifact")
#: The path that stands for standard input.
STDIN = "-"


def display_name(name: str | os.PathLike[str]) -> str:
    """``name`` as text any report can hold: bytes that are not UTF-8 become ``\\xNN`` and
    control characters ``\\n``, ``\\x01`` …; anything else is kept as it is."""
    text = os.fspath(name)
    if text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name
        raw = text.encode("utf-8", "backslashreplace")
    decoded = raw.decode("utf-8", "backslashreplace")
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in decoded
    )


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input of a batch.

    ``path`` is the path as the user would write it (``-`` for standard input), ``relative`` its
    place below the named root (what output names mirror), ``named`` whether it was named on the
    command line. ``problem`` says why it cannot be read (missing, unreadable, not a regular
    file, a folder that cannot be listed); such an input is reported, never read. ``identity`` is
    the file's ``(st_dev, st_ino)`` as the walk found it (what refusing to overwrite an input
    compares), ``None`` for standard input and inputs with a problem.
    """

    path: Path
    relative: Path
    named: bool
    problem: Finding | None = None
    identity: tuple[int, int] | None = None

    @property
    def stdin(self) -> bool:
        return self.named and str(self.path) == STDIN

    @property
    def display(self) -> str:
        """The path for people and reports (see :func:`display_name`)."""
        return display_name(self.path)


def collect_inputs(
    paths: Sequence[Path], patterns: Sequence[str] = DEFAULT_PATTERNS
) -> tuple[list[InputFile], list[Finding]]:
    """Every input below ``paths``, in order (walked folders sorted), duplicates removed; and
    ``info`` notes on skipped symlinks. Problems are inputs with a ``problem`` (see the module)."""
    found: list[InputFile] = []
    notes: list[Finding] = []
    seen: set[Path] = set()
    for path in paths:
        if str(path) == STDIN:
            _add(found, seen, InputFile(Path(STDIN), Path(STDIN), named=True), Path(STDIN))
            continue
        try:
            info = path.stat()
        except OSError as exc:
            _add(found, seen, _problem(path, Path(path.name), True, _unreadable(path, exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            real_root = resolved(path)
            for item in _walk(path, patterns, notes):
                # a walk follows no link, so the real path of what it found is the root's + relative
                _add(found, seen, item, real_root / item.relative)
        elif stat.S_ISREG(info.st_mode):
            item = InputFile(path, Path(path.name), True, identity=(info.st_dev, info.st_ino))
            _add(found, seen, item)
        else:
            _add(found, seen, _problem(path, Path(path.name), True, _not_regular(path, info)))
    return found, notes


def resolved(path: Path) -> Path:
    """``path`` with symlinks and ``..`` resolved as far as it exists (absolute for a link
    loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return path.absolute()


def _add(found: list[InputFile], seen: set[Path], item: InputFile, key: Path | None = None) -> None:
    if key is None:
        key = resolved(item.path)
    if key in seen:
        return
    seen.add(key)
    found.append(item)


def _walk(root: Path, patterns: Sequence[str], notes: list[Finding]) -> list[InputFile]:
    """The inputs below ``root``, sorted by path; folders that cannot be listed and matching
    names that are not regular files are inputs with a problem."""
    pending = [root]
    items: list[InputFile] = []
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            items.append(
                _problem(folder, folder.relative_to(root), False, _unlistable(folder, exc))
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    notes.append(_symlink_skipped(path))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                    continue
                if not any(fnmatch.fnmatch(entry.name, p) for p in patterns):
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                items.append(_problem(path, path.relative_to(root), False, _unreadable(path, exc)))
                continue
            if stat.S_ISREG(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                items.append(InputFile(path, path.relative_to(root), False, identity=identity))
            else:
                problem = _not_regular(path, info)
                items.append(_problem(path, path.relative_to(root), False, problem))
    return sorted(items, key=lambda item: item.path)


def load_input(
    item: InputFile, limits: Limits = DEFAULT_LIMITS, stdin: BinaryIO | None = None
) -> bytes:
    """The bytes of ``item``, at most ``limits.max_input_bytes`` (then ``input.too-large``).

    Standard input is read from ``stdin``. A file is opened without blocking and checked with
    ``fstat`` before a byte is read, so a FIFO, device or socket that appeared since the walk is
    refused (``io.not-regular-file``) instead of hanging the batch. Raises
    :class:`~medbridge.errors.InputError` with the item's problem, ``io.unreadable`` or the limit
    finding; findings are located at :attr:`InputFile.display`.
    """
    name = item.display
    if item.problem is not None:
        raise InputError(item.problem.format(), [item.problem])
    if item.stdin:
        if stdin is None:
            raise ValueError("standard input was named but none was given")
        return b"".join(read_chunks(stdin, name, limits))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(item.path, flags)
    except OSError as exc:
        raise InputError.of(_unreadable(item.path, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.of(_not_regular(item.path, info))
        os.set_blocking(fd, True)
    except OSError as exc:
        os.close(fd)
        raise InputError.of(_unreadable(item.path, exc)) from None
    except InputError:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        return b"".join(read_chunks(handle, name, limits))


def _problem(path: Path, relative: Path, named: bool, finding: Finding) -> InputFile:
    return InputFile(path, relative, named, finding)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_regular(path: Path, info: os.stat_result) -> Finding:
    return Finding(
        "io.not-regular-file",
        Severity.ERROR,
        f"The input is {_kind_of(info.st_mode)}, not a regular file; it was not read. "
        "Save the message to a file, or pipe it to '-' (standard input).",
        Location(file=display_name(path)),
    )


def _unreadable(path: Path, exc: OSError) -> Finding:
    return unreadable_finding(display_name(path), exc)


def _unlistable(folder: Path, exc: OSError) -> Finding:
    return unreadable_finding(display_name(folder), exc, folder=True)


def _symlink_skipped(path: Path) -> Finding:
    return Finding(
        "io.symlink-skipped",
        Severity.INFO,
        "A symbolic link inside a walked folder was skipped.",
        Location(file=display_name(path)),
    )
