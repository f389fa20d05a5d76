"""Line and column of byte offsets, for findings located by offset only (EDIFACT, §4.1).

EDIFACT findings carry a segment number and a byte offset. When the file has line breaks (one
segment per line is common), people and editors also want a line and column, "derived from the
offset" (safety spec §4.1). :func:`add_line_columns` fills them in for findings that have an
offset but no line, from the input bytes, or from the chunks of a file read again (the streaming
reader does not keep what it has read). Lines are counted at LF (a CR before it ends the line
too); the column is 1-based and counts bytes from the start of the line, the unit of the offset.
A file without any LF gets no line numbers: its "line" would only repeat the offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from medbridge.findings import Finding

__all__ = ["add_line_columns", "line_columns"]


def line_columns(chunks: Iterable[bytes], offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``{offset: (line, column)}`` for each offset inside the input given as consecutive
    ``chunks``; empty when the input has no LF at all. Reads only as far as the input needs to
    tell (to the end when no LF comes before the last offset)."""
    wanted = sorted(set(offsets))
    found: dict[int, tuple[int, int]] = {}
    if not wanted:
        return found
    base = 0  # absolute offset of the current chunk
    lines_before = 0  # LFs before the current chunk
    line_start = 0  # absolute offset where the current line starts
    index = 0
    seen_lf = False
    for chunk in chunks:
        end = base + len(chunk)
        while index < len(wanted) and wanted[index] < end:
            offset = wanted[index]
            local = offset - base
            if local >= 0:
                lf = chunk.rfind(b"\n", 0, local)
                start = base + lf + 1 if lf >= 0 else line_start
                found[offset] = (
                    lines_before + chunk.count(b"\n", 0, local) + 1,
                    offset - start + 1,
                )
            index += 1
        newlines = chunk.count(b"\n")
        if newlines:
            seen_lf = True
            lines_before += newlines
            line_start = base + chunk.rfind(b"\n") + 1
        base = end
        if index == len(wanted) and seen_lf:
            break
    if index < len(wanted) and wanted[index] == base:  # the very end (a missing trailer)
        found[base] = (lines_before + 1, base - line_start + 1)
    return found if seen_lf else {}


def add_line_columns(findings: list[Finding], chunks: Iterable[bytes]) -> list[Finding]:
    """``findings`` with line and column set on each that has an offset but no line, from the
    input given as ``chunks`` (``(data,)`` for bytes). Unchanged when none needs it or the
    input has no line breaks."""
    offsets = [f.location.offset for f in findings if f.location.line is None]
    if not any(o is not None for o in offsets):
        return findings
    positions = line_columns(chunks, (o for o in offsets if o is not None))
    if not positions:
        return findings
    out: list[Finding] = []
    for finding in findings:
        loc = finding.location
        where = positions.get(loc.offset) if loc.line is None and loc.offset is not None else None
        if where is None:
            out.append(finding)
        else:
            out.append(replace(finding, location=replace(loc, line=where[0], column=where[1])))
    return out
