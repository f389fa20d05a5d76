"""Files for batch work: collecting inputs, naming outputs, and writing them atomically.

Follows ``safety-and-validation.md`` §6: inputs are collected and sorted before anything is
written; directory walks are sorted, do not follow symlinked directories and skip symlinked files;
an output is written to a private temporary file in its target folder, fsynced and renamed over
the destination, so no partial file is ever left; an output is never an input (also through
symlinks, ``..`` or hard links), never a symlink, and never replaces an existing file without
``force``. Nothing here knows MedCom.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medbridge.errors import OutputError, OutputRefused
from medbridge.findings import Finding, Location, Severity

__all__ = [
    "EXTENSIONS",
    "InputFile",
    "InputSet",
    "atomic_write",
    "check_destination",
    "collect_inputs",
    "output_path",
]

#: Output file extension per format.
EXTENSIONS = {"xml": ".xml", "edifact": ".edi", "json": ".json"}
#: Files picked up when walking a directory without ``--glob``.
DEFAULT_PATTERNS = ("*.xml", "*.edi", "*.edifact")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input: its path as the user would write it, and its place below the named root."""

    path: Path
    relative: Path
    named: bool


def collect_inputs(
    paths: Sequence[Path], patterns: Sequence[str] = DEFAULT_PATTERNS
) -> tuple[list[InputFile], list[Finding]]:
    """Every input file below ``paths``, sorted, duplicates removed; notes on skipped symlinks."""
    found: list[InputFile] = []
    notes: list[Finding] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for file in _walk(path, notes):
                if not any(fnmatch.fnmatch(file.name, p) for p in patterns):
                    continue
                _add(found, seen, InputFile(file, file.relative_to(path), named=False))
        else:
            _add(found, seen, InputFile(path, Path(path.name), named=True))
    return found, notes


def _add(found: list[InputFile], seen: set[Path], item: InputFile) -> None:
    key = item.path.resolve()
    if key in seen:
        return
    seen.add(key)
    found.append(item)


def _walk(root: Path, notes: list[Finding]) -> Iterable[Path]:
    pending = [root]
    files: list[Path] = []
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                notes.append(
                    Finding(
                        "io.symlink-skipped",
                        Severity.INFO,
                        "A symbolic link inside a walked folder was skipped.",
                        Location(file=str(path)),
                    )
                )
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
    return sorted(files)


def output_path(item: InputFile, out_dir: Path, fmt: str) -> Path:
    """``out_dir`` + the input's place below its root, with the format's extension."""
    return out_dir / item.relative.with_suffix(EXTENSIONS[fmt])


class InputSet:
    """The inputs of a batch, indexed once: resolved paths and (device, inode) pairs, so checking
    each output against every input costs one lookup instead of a pass over the batch."""

    __slots__ = ("_identities", "_resolved")

    def __init__(self, inputs: Sequence[Path]) -> None:
        self._resolved = {path.resolve() for path in inputs}
        self._identities: set[tuple[int, int]] = set()
        for path in inputs:
            with contextlib.suppress(OSError):
                info = path.stat()
                self._identities.add((info.st_dev, info.st_ino))

    def contains(self, dest: Path) -> bool:
        """True when ``dest`` is one of the inputs (same path, or a hard link to one)."""
        if dest.resolve() in self._resolved:
            return True
        try:
            info = dest.stat()
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self._identities


def check_destination(dest: Path, inputs: Sequence[Path] | InputSet, *, force: bool) -> None:
    """Refuse an output that is an input, a symlink, or exists without ``force``."""
    index = inputs if isinstance(inputs, InputSet) else InputSet(inputs)
    if index.contains(dest):
        raise OutputRefused(
            "refused: the output would overwrite an input",
            [_io("io.output-is-input", "The output would overwrite an input file.", dest)],
        )
    if dest.is_symlink():
        raise OutputRefused(
            "refused: the output is a symbolic link",
            [_io("io.output-symlink", "The output path is a symbolic link; refusing.", dest)],
        )
    if dest.exists() and not force:
        raise OutputRefused(
            "refused: the output exists",
            [_io("io.output-exists", "The output exists; pass --force to replace it.", dest)],
        )


def atomic_write(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` all at once or not at all (temporary file, fsync, rename)."""
    folder = dest.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(dest.stat().st_mode) if dest.exists() else None
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            dir=folder, prefix="." + dest.name + ".", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write {dest}", [_io("io.write-failed", _os_reason(exc), dest)]
        ) from None
    tmp = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write {dest}", [_io("io.write-failed", _os_reason(exc), dest)]
            ) from None
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_reason(exc: OSError) -> str:
    return f"The file could not be written: {exc.strerror or type(exc).__name__}."


def _io(code: str, message: str, path: Path) -> Finding:
    return Finding(code, Severity.ERROR, message, Location(file=str(path)))
