"""Getting the input bytes: a path or a bytes-like object in, bounded ``bytes`` out.

Owns ``safety-and-validation.md`` §1.5 (the byte limit, checked with ``os.fstat`` and again by
reading at most limit + 1 bytes, so pipes and growing files stay bounded) and §1.6 (bytes or a
path, never ``str``). Also the ``input.empty`` rule (0 bytes or only whitespace) and
``io.unreadable`` for files that cannot be read. Nothing here knows a message format.

For streaming (``iter_read`` of an EDIFACT file) the same rules apply to a file read in chunks:
:func:`open_input` opens and size-checks a path, :func:`read_chunks` yields its bytes and counts
them against the limit as they are read, :func:`read_head` takes the first bytes for format
sniffing and the ``input.empty`` check.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from typing import BinaryIO, Protocol

from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "BinaryReader",
    "Source",
    "load_bytes",
    "open_input",
    "read_chunks",
    "read_head",
    "source_name",
]

Source = bytes | bytearray | memoryview | os.PathLike[str]

#: What counts as "only whitespace" for ``input.empty``: XML white space and EDIFACT layout.
_WHITESPACE = b" \t\r\n"
#: A byte that is not whitespace; searched for instead of ``strip()``, which copies the input.
_CONTENT = re.compile(b"[^" + re.escape(_WHITESPACE) + b"]")
_READ_CHUNK = 1024 * 1024
#: The bytes :func:`read_head` returns at least: what format sniffing looks at.
HEAD_BYTES = 64


class BinaryReader(Protocol):
    """What :func:`read_chunks` needs of a file: ``read(size)`` returning ``bytes``."""

    def read(self, size: int = -1, /) -> bytes: ...


def source_name(source: object) -> str | None:
    """The path as the caller gave it (relative stays relative), for ``Location.file``."""
    if isinstance(source, bytes | bytearray | memoryview):
        return None
    if isinstance(source, os.PathLike):
        name = os.fspath(source)
        return name if isinstance(name, str) else os.fsdecode(name)
    return None


def load_bytes(source: Source, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The input as ``bytes``, at most ``limits.max_input_bytes`` long.

    Raises ``TypeError`` for a ``str`` (a caller bug: XML's declaration decides its encoding), and
    :class:`~medbridge.errors.InputError` with one error finding for ``input.too-large``,
    ``input.empty`` or ``io.unreadable``.
    """
    if isinstance(source, str):
        raise TypeError("pass bytes, or a pathlib.Path")
    name = source_name(source)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limits.max_input_bytes:
            raise _too_large(name, limits, len(data))
    elif isinstance(source, os.PathLike):
        data = _read_file(source, name, limits)
    else:
        raise TypeError(f"pass bytes, or a pathlib.Path, not {type(source).__name__}")
    if _CONTENT.search(data) is None:
        raise _empty(name, data)
    return data


def open_input(path: os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> BinaryIO:
    """``path`` opened for binary reading, with :func:`load_bytes`' checks before any byte is
    read: ``io.unreadable``, and ``input.too-large`` for a regular file over the limit."""
    name = source_name(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise _unreadable(name, exc) from None
    try:
        info = os.fstat(handle.fileno())
    except OSError as exc:
        handle.close()
        raise _unreadable(name, exc) from None
    if stat.S_ISREG(info.st_mode) and info.st_size > limits.max_input_bytes:
        handle.close()
        raise _too_large(name, limits, info.st_size)
    return handle


def read_chunks(
    handle: BinaryReader,
    name: str | None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    chunk_size: int | None = None,
) -> Iterator[bytes]:
    """The bytes of ``handle`` in chunks of at most ``chunk_size`` (default 1 MiB), read one
    chunk per step.

    Raises ``input.too-large`` as soon as more than ``limits.max_input_bytes`` have been read
    (pipes and growing files; :func:`open_input` already refused large regular files) and
    ``io.unreadable`` for a read error; ``name`` is the file for their locations.
    """
    size = chunk_size or _READ_CHUNK
    total = 0
    while True:
        try:
            chunk = handle.read(size)
        except OSError as exc:
            raise _unreadable(name, exc) from None
        if not chunk:
            return
        total += len(chunk)
        if total > limits.max_input_bytes:
            raise _too_large(name, limits, None)
        yield bytes(chunk)


def read_head(chunks: Iterator[bytes], name: str | None) -> bytes:
    """The first chunks of an input, joined: at least :data:`HEAD_BYTES` bytes and one byte that
    is not whitespace, or the whole input. ``chunks`` goes on with the bytes after them.
    Raises ``input.empty`` (as :func:`load_bytes` does) when the input is only whitespace."""
    parts: list[bytes] = []
    size = 0
    significant = False
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        significant = significant or _CONTENT.search(chunk) is not None
        if significant and size >= HEAD_BYTES:
            break
    head = b"".join(parts)
    if not significant:
        raise _empty(name, head)
    return head


def _read_file(path: os.PathLike[str], name: str | None, limits: Limits) -> bytes:
    limit = limits.max_input_bytes
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise _too_large(name, limits, info.st_size)
            chunks: list[bytes] = []
            remaining = limit + 1
            while remaining > 0:
                chunk = handle.read(min(remaining, _READ_CHUNK))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
    except OSError as exc:
        raise _unreadable(name, exc) from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(name, limits, None)
    return data


def _empty(name: str | None, data: bytes) -> InputError:
    what = "0 bytes" if not data else "only whitespace"
    return InputError.error(
        "input.empty",
        f"The input is empty ({what}); expected an XML or EDIFACT message.",
        Location(file=name, offset=0),
    )


def unreadable_finding(name: str | None, exc: OSError, *, folder: bool = False) -> Finding:
    """``io.unreadable`` for a file (or a folder that cannot be listed) and the OS's reason."""
    reason = exc.strerror or type(exc).__name__
    message = (
        f"The folder cannot be listed: {reason}; the files in it were not read."
        if folder
        else f"The file cannot be read: {reason}."
    )
    return Finding("io.unreadable", Severity.ERROR, message, Location(file=name))


def _unreadable(name: str | None, exc: OSError) -> InputError:
    return InputError.of(unreadable_finding(name, exc))


def _too_large(name: str | None, limits: Limits, size: int | None) -> InputError:
    found = f"{size} bytes" if size is not None else "more than that"
    return InputError.error(
        "input.too-large",
        f"The input is larger than the limit of {limits.max_input_bytes} bytes "
        f"(found {found}); raise the limit with --max-size if it is genuine.",
        Location(file=name),
    )
