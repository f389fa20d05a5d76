"""Getting the input bytes: a path or a bytes-like object in, bounded ``bytes`` out.

Owns ``safety-and-validation.md`` §1.5 (the byte limit, checked with ``os.fstat`` and again by
reading at most limit + 1 bytes, so pipes and growing files stay bounded) and §1.6 (bytes or a
path, never ``str``). Also the ``input.empty`` rule (0 bytes or only whitespace) and
``io.unreadable`` for files that cannot be read. Nothing here knows a message format.
"""

from __future__ import annotations

import os
import stat

from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = ["Source", "load_bytes", "source_name"]

Source = bytes | bytearray | memoryview | os.PathLike[str]

#: What counts as "only whitespace" for ``input.empty``: XML white space and EDIFACT layout.
_WHITESPACE = b" \t\r\n"
_READ_CHUNK = 1024 * 1024


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
    if not data.strip(_WHITESPACE):
        what = "0 bytes" if not data else "only whitespace"
        raise _input_error(
            Finding(
                "input.empty",
                Severity.ERROR,
                f"The input is empty ({what}); expected an XML or EDIFACT message.",
                Location(file=name, offset=0),
            )
        )
    return data


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
        reason = exc.strerror or type(exc).__name__
        raise _input_error(
            Finding(
                "io.unreadable",
                Severity.ERROR,
                f"The file cannot be read: {reason}.",
                Location(file=name),
            )
        ) from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(name, limits, None)
    return data


def _too_large(name: str | None, limits: Limits, size: int | None) -> InputError:
    found = f"{size} bytes" if size is not None else "more than that"
    return _input_error(
        Finding(
            "input.too-large",
            Severity.ERROR,
            f"The input is larger than the limit of {limits.max_input_bytes} bytes "
            f"(found {found}); raise the limit with --max-size if it is genuine.",
            Location(file=name),
        )
    )


def _input_error(finding: Finding) -> InputError:
    return InputError(finding.format(), [finding])
