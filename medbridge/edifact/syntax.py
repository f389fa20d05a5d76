"""EDIFACT syntax: the UNA service string advice and the streaming tokenizer.

This module owns ``safety-and-validation.md`` §2.1–§2.2 and ``edifact-messages.md`` §2: checking
the first bytes (empty input, BOM, leading data, UNA), choosing the decoding from the UNB syntax
identifier (:mod:`medbridge.edifact.charset`), splitting segments at unescaped terminators,
recording the layout after each terminator, checking tags, control characters, repertoire and
limits, and unescaping with the interchange's own release character. It knows EDIFACT, nothing
about MedCom letters; envelope counts live in :mod:`medbridge.edifact.envelope`.

**Streaming.** The input bytes are never decoded as a whole. The tokenizer walks them in windows
of at most 32 KiB (never more than the segment limit): a window holding only whole, ordinary
segments (no escaped terminator, no byte needing a closer look, tags already validated) is
checked with one ``bytes.translate``, decoded once and split with ``str.split``; every other
segment goes through the exact per-segment path (``bytes.find`` for the terminator, bounded by
the segment limit, release handling, then the checks of ``charset.decode_checked``), which is
also what produces every error finding, so both paths give the same segments and the same
findings. Service characters are ASCII and never occur inside a multi-byte UTF-8 sequence, so
splitting raw bytes is safe for every identifier; under UTF-8 (UNOY) the fast path takes only
ASCII segments, and a segment holding a non-ASCII byte takes the per-segment path.
Extra memory is bounded by one window. On the §6.5 example repeated into a 500-message
interchange this is about ten times faster than pydifact's ``Parser().parse``.

**Chunked input.** :meth:`Tokenizer.from_chunks` tokenizes a stream of byte chunks (a file read
1 MiB at a time) with the same code: the tokenizer keeps a buffer of the bytes not yet consumed
and ``_base``, the absolute offset of the buffer's first byte; every position in the loops is a
buffer index and every reported offset is ``_base`` + index. Whenever a check needs bytes beyond
the buffer (the terminator of an unfinished segment, the layout run after a terminator, the
bytes shown in a message) the next chunk is appended (``_grow``); consumed bytes are dropped
only between segments (``_refill``). A segment is tokenized only once its terminator is in the
buffer, so a release character or a multi-byte UTF-8 character split across two chunks is seen
whole, and offsets, segment numbers, findings and limits are the same as for the whole bytes.
Memory is then bounded by one window plus one chunk (plus the longest segment): a 100 MB
interchange iterates in a few MB (pass a ``Limits`` with a larger ``max_segments``). For bytes
the buffer is the whole input, ``_base`` stays 0 and nothing is ever read.

**Findings from a generator.** Errors raise :class:`~medbridge.errors.EdifactInputError` at the
point they are met (segments before it have already been yielded). Info and warning findings
(``edifact.syntax.needless-release``, ``edifact.syntax.empty-segment-content``) are appended to
:attr:`Tokenizer.findings` while iterating; :func:`iter_segments` is a thin wrapper for callers
that do not need them. An error raised by the tokenizer carries the infos found so far, too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate
from operator import add, getitem, sub

from medbridge.edifact.charset import Charset, CharsetProblem, decode_checked, good_bytes
from medbridge.edifact.checks import CAREFUL_TAGS, SyntaxChecks, looks_utf8
from medbridge.edifact.segment import SEGMENT_SETTERS, Segment, new_segment
from medbridge.edifact.stream import LAYOUT
from medbridge.edifact.una import DEFAULT_CHARS, TAG_PATTERN, ServiceChars, parse_una
from medbridge.findings import Finding
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_CHARS",
    "TAG_PATTERN",
    "ServiceChars",
    "Tokenizer",
    "iter_segments",
    "parse_una",
]

_LAYOUT_ORDS = frozenset(b" \t\r\n")
_LAYOUT_TEXT = " \t\r\n"
_CONTINUATION = re.compile("[\u00a0-\u00bf]")
_NON_ASCII = re.compile(b"[\x80-\xff]")
_PLACEHOLDERS = re.compile("[\ue000-\ue003]")
_TAG_TEXT = re.compile("[A-Z][A-Z0-9]{2}")
_LINE_CONTROLS = re.compile("[\t\r\n]")
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")
#: Bytes the tokenizer's fast path splits at once (see ``Tokenizer._window``).
_WINDOW = 32 * 1024

_Window = tuple[list[Segment], int, list[tuple[int, list[Finding]]]]


class _Scan:
    """What the exact path needs for every segment of one interchange: the service characters
    as bytes, the release pattern, the tags seen so far and, once UNB is read, the charset."""

    __slots__ = (
        "charset",
        "comp_c",
        "data_c",
        "good",
        "max_bytes",
        "rel",
        "release_re",
        "service",
        "streaming",
        "tags",
        "term",
        "text_tags",
    )

    def __init__(self, chars: ServiceChars, limits: Limits, streaming: bool) -> None:
        self.streaming = streaming  # from_chunks: positions are buffer indexes, base + index
        self.term = chars.terminator.encode("ascii")
        self.rel = chars.release.encode("ascii")
        self.data_c = chars.data
        self.comp_c = chars.component
        self.service = chars.escaped + chars.decimal
        self.release_re = re.compile(
            f"{re.escape(chars.release)}(.)|([{re.escape(chars.data + chars.component)}])", re.S
        )
        self.max_bytes = limits.max_segment_bytes
        self.tags: dict[bytes, str] = {}  # validated tag bytes (with separator) -> tag
        self.text_tags: dict[str, str] = {}  # the same, decoded, for the fast path
        self.charset: Charset | None = None
        self.good = b""


class Tokenizer(SyntaxChecks):
    """Iterate the segments of one EDIFACT interchange in ``data`` (see the module docstring).

    After (or during) iteration: ``chars`` are the service characters, ``una`` the UNA text if
    present (``None`` otherwise), ``una_layout`` the whitespace after it, ``charset`` and
    ``syntax_version`` come from UNB, and ``findings`` holds the info and warning findings.
    A Tokenizer is iterable once. :meth:`from_chunks` reads the input incrementally instead.
    """

    def __init__(
        self, data: bytes | bytearray | memoryview, *, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        super().__init__(data, limits=limits)
        self._used = False

    @classmethod
    def from_chunks(cls, chunks: Iterable[bytes], *, limits: Limits = DEFAULT_LIMITS) -> Tokenizer:
        """A Tokenizer reading ``chunks`` (consecutive pieces of one input, any sizes) only as
        far as the segments asked for need: same segments, offsets and findings as
        ``Tokenizer(b"".join(chunks))``. Exceptions raised by ``chunks`` pass through."""
        return cls(b"", limits=limits)._read_chunks(chunks)

    def __iter__(self) -> Iterator[Segment]:
        if self._used:
            raise RuntimeError("a Tokenizer can be iterated only once")
        self._used = True
        return self._segments()

    def _segments(self) -> Iterator[Segment]:
        pos = self._start()
        scan = _Scan(self.chars, self._limits, streaming=not self._eof)
        max_segments = self._limits.max_segments
        window = min(_WINDOW, scan.max_bytes)
        size = len(self._data)
        number = 0
        last_tag = ""
        slow_until = -1
        while True:
            if scan.streaming and size - pos < window and not self._eof:
                # Less than a window left in the buffer: drop what was consumed, read a chunk.
                self._refill(pos)
                slow_until -= pos
                pos = 0
                size = len(self._data)
            if pos >= size:
                break
            if pos > slow_until and scan.charset is not None:
                batch = self._window(
                    pos, window, number, scan.good, scan.text_tags, scan.release_re
                )
                if isinstance(batch, int):
                    slow_until = batch
                else:
                    fast, pos, held = batch
                    number += len(fast)
                    last_tag = fast[-1].tag
                    if held:
                        yield from self._with_findings(fast, held)
                    else:
                        yield from fast
                    continue
            number += 1
            if number > max_segments:
                raise self._too_many_segments(number, self._base + pos)
            segment, pos = self._exact(scan, pos, number, last_tag)
            size = len(self._data)
            last_tag = segment.tag
            yield segment
            if last_tag == "UNZ" and pos < size:
                raise self._trailing_data(pos, number)

    def _exact(self, scan: _Scan, start: int, number: int, last_tag: str) -> tuple[Segment, int]:
        """The exact path: the segment at buffer index ``start`` with every check, and the
        buffer index after its layout."""
        offset = self._base + start
        # The first terminator, never looking further than the segment limit; only when the
        # segment holds a release character can that terminator be escaped.
        bound = start + scan.max_bytes + 1
        end = self._data.find(scan.term, start, bound)
        if end == -1:
            end = self._far_terminator(start, bound, number, scan.rel)
        released = self._data.find(scan.rel, start, end) != -1
        if released:
            end = self._unescaped_end(start, end, bound, number, scan.rel)
        if scan.streaming:
            self._skip_layout(end + 1)  # the whole layout after the terminator
        data = self._data
        raw = data[start:end]
        layout_end = end + 1
        if layout_end < len(data) and data[layout_end] in _LAYOUT_ORDS:
            match = LAYOUT.match(data, layout_end)
            assert match is not None
            layout = data[layout_end : match.end()].decode("ascii")
            layout_end = match.end()
        else:
            layout = ""
        tag = scan.tags.get(raw[:4])
        if tag is None:
            tag = self._learn(scan, raw, number, offset, last_tag)
        charset = scan.charset
        assert charset is not None  # read from UNB, the first segment, by _learn
        if raw.translate(None, scan.good) or not raw.isascii():
            try:
                text = decode_checked(raw, charset, scan.service)
            except CharsetProblem as problem:
                raise self._charset_failure(problem, raw, number, tag, offset) from None
        else:
            text = raw.decode("ascii")
        comp_c = scan.comp_c
        if released:
            elements = self._split_released(text, scan.release_re, number, tag, offset, raw)
        elif len(raw) == 3:
            elements = self._empty_segment(tag, number, offset)
        elif comp_c in text:
            elements = tuple([tuple(part.split(comp_c)) for part in text[4:].split(scan.data_c)])
        else:
            elements = tuple([(part,) for part in text[4:].split(scan.data_c)])
        self._components += sum(map(len, elements))
        if self._components > self._limits.max_components:
            raise self._too_many_components(number, tag, offset)
        return new_segment(tag, elements, number, offset, layout), layout_end

    def _learn(self, scan: _Scan, raw: bytes, number: int, offset: int, last_tag: str) -> str:
        """A tag not seen before: check it and remember it; on the first segment (UNB, the
        first new tag) read the syntax identifier as well."""
        tag = self._new_tag(raw, number, offset, last_tag, scan.text_tags)
        scan.tags[raw[:4]] = tag
        if scan.charset is None:
            scan.charset = self._read_syntax(raw, number, offset)
            scan.good = good_bytes(scan.charset, scan.service)
        return tag

    def _window(
        self,
        pos: int,
        window: int,
        number: int,
        good: bytes,
        tags: dict[str, str],
        release_re: re.Pattern[str],
    ) -> _Window | int:
        """Fast path: tokenize all whole segments in ``data[pos : pos + window]`` at once (one
        check, one decode, one ``str.split`` for the window). Single-byte identifiers, or ASCII
        bytes under UTF-8, so a character index is a byte offset. Returns the segments and the new
        position, or, when anything in the window needs a closer look (an error, a possibly escaped
        terminator, a tag not seen before, UNZ, a limit, layout running to the end of a stream's
        buffer), the window's end: the caller then handles those segments one by one, with exact
        findings. Positions are buffer indexes; the segments' offsets are absolute (``_base``
        added). The info findings of a segment are returned with its index in the list, not added
        yet (see :meth:`_with_findings`)."""
        prepared = self._window_text(pos, window, number, good)
        if isinstance(prepared, int):
            return prepared
        separators, pieces, segs, last_layout, after_end, check_utf8 = prepared
        chars = self.chars
        charset = self.charset
        assert charset is not None
        # All C-level: layout lengths, layouts, and each segment's byte offset (single-byte
        # codec: character counts are byte counts; +1 per terminator).
        lead_lengths = list(map(sub, map(len, pieces), map(len, segs)))
        layouts = list(map(getitem, pieces, map(slice, lead_lengths)))
        layouts.append(last_layout)
        base = self._base
        piece_starts = accumulate(map((1).__add__, map(len, pieces)), initial=base + pos)
        starts = list(map(add, piece_starts, lead_lengths))
        rel = chars.release
        data_c = chars.data
        comp_c = chars.component
        out: list[Segment] = []
        held: list[tuple[int, list[Finding]]] = []
        findings = self.findings
        append = out.append
        new, set_tag, set_elements, set_number, set_offset, set_layout = SEGMENT_SETTERS
        released = 0  # separators counted by bytes.count that a release character escaped
        # ``tags`` maps "TAG+" to TAG for tags already validated, never for UNA or UNZ, so a
        # miss also covers UNZ, tag-only segments and anything malformed.
        for seg, start, layout in zip(segs, starts, layouts[1:], strict=False):
            tag = tags.get(seg[:4])
            if tag is None:
                key = seg[:4]
                if (
                    key[3:] == data_c
                    and _TAG_TEXT.fullmatch(key[:3]) is not None
                    and key[:3] not in CAREFUL_TAGS
                ):
                    tag = tags[key] = key[:3]
                else:
                    # Hand this segment to the exact path; keep what was done before it.
                    return self._counted(out, pos, start - base, released, held)
            if check_utf8 and not seg.isascii() and looks_utf8(seg):
                return self._counted(out, pos, start - base, released, held)
            number += 1
            if rel in seg:
                raw = seg.encode(charset.codec)
                known = len(findings)
                elements = self._split_released(seg, release_re, number, tag, start, raw)
                released += seg.count(data_c) + seg.count(comp_c) - sum(map(len, elements))
                if len(findings) > known:
                    held.append((len(out), findings[known:]))
                    del findings[known:]
            elif comp_c in seg:
                elements = tuple([tuple(part.split(comp_c)) for part in seg[4:].split(data_c)])
            else:
                elements = tuple([(part,) for part in seg[4:].split(data_c)])
            segment = new(Segment)
            set_tag(segment, tag)
            set_elements(segment, elements)
            set_number(segment, number)
            set_offset(segment, start)
            set_layout(segment, layout)
            append(segment)
        self._components += separators - released
        return out, after_end, held

    def _window_text(
        self, pos: int, window: int, number: int, good: bytes
    ) -> tuple[int, list[str], list[str], str, int, bool] | int:
        """The fast path's checks on ``data[pos : pos + window]``: the number of separators in
        the window's whole segments, its pieces between terminators (layout included), the
        segments' texts (layout stripped), the layout after the last one and its end, and whether
        UTF-8 mojibake is possible; or, when the window needs a closer look, the buffer index up
        to which the exact path takes over."""
        data = self._data
        chars = self.chars
        charset = self.charset
        assert charset is not None
        term = chars.terminator.encode("ascii")
        stop = _ascii_stop(data, pos, pos + window) if charset.codec == "utf-8" else pos + window
        end = data.rfind(term, pos, stop)
        if end == -1:
            # No whole segment before ``stop``: the exact path takes the segment it falls in.
            found = data.find(term, stop, pos + window) if stop < pos + window else -1
            return pos + window if found == -1 else found
        if data.find((chars.release + chars.terminator).encode("ascii"), pos, end + 1) != -1:
            return end
        chunk = data[pos:end]
        bad = chunk.translate(None, good)
        if bad and bad.translate(None, b"\r\n\t"):
            return end
        text = chunk.decode(charset.codec)
        # UTF-8 needs continuation bytes 0x80-0xBF (0x80-0x9F were refused above): without
        # one in the window, no segment in it can be UTF-8 mojibake.
        check_utf8 = not text.isascii() and _CONTINUATION.search(text) is not None
        if check_utf8 and _MOJIBAKE.search(text) is not None:
            return end
        pieces = text.split(chars.terminator)
        if number + len(pieces) > self._limits.max_segments:
            return end
        data_b = chars.data.encode("ascii")
        comp_b = chars.component.encode("ascii")
        separators = chunk.count(data_b) + chunk.count(comp_b)
        if self._components + separators > self._limits.max_components:
            return end  # the exact path counts segment by segment and reports where
        segs = [piece.lstrip(_LAYOUT_TEXT) for piece in pieces]
        if bad and _LINE_CONTROLS.search("".join(segs)) is not None:
            return end
        after = LAYOUT.match(data, end + 1)
        assert after is not None
        if after.end() == len(data) and not self._eof:
            return end  # the last layout may go on in the next chunk
        last_layout = data[end + 1 : after.end()].decode("ascii")
        return separators, pieces, segs, last_layout, after.end(), check_utf8

    def _counted(
        self,
        out: list[Segment],
        pos: int,
        stop: int,
        released: int,
        held: list[tuple[int, list[Finding]]],
    ) -> _Window | int:
        """The fast path's result when it stops before buffer index ``stop``: the segments made
        so far (their component values counted) or, if none, ``stop`` for the exact path."""
        if not out:
            return stop
        data = self._data
        chars = self.chars
        separators = data.count(chars.data.encode("ascii"), pos, stop)
        separators += data.count(chars.component.encode("ascii"), pos, stop)
        self._components += separators - released
        return out, stop, held

    def _with_findings(
        self, segments: list[Segment], held: list[tuple[int, list[Finding]]]
    ) -> Iterator[Segment]:
        """Yield a window's segments, adding each one's info findings just before it, as the
        exact path does: findings never run ahead of the segments yielded, so a reader taking
        them per message (``iter_interchange``) gets the same ones whatever the window or chunk
        boundaries."""
        done = 0
        for index, found in held:
            yield from segments[done:index]
            self.findings.extend(found)
            yield segments[index]
            done = index + 1
        yield from segments[done:]

    def _unescaped_end(self, start: int, end: int, bound: int, number: int, rel: bytes) -> int:
        """The first terminator at or after ``end`` not preceded by an odd run of releases."""
        rel_ord = rel[0]
        term = self.chars.terminator.encode("ascii")
        while end != -1:
            data = self._data
            back = end - 1
            while back >= start and data[back] == rel_ord:
                back -= 1
            if (end - 1 - back) % 2 == 0:
                return end
            end = self._find(term, end + 1, bound)
        size = len(self._data)
        self._unterminated(start, min(bound, size), size, number, rel)
        raise AssertionError  # pragma: no cover - _unterminated always raises

    def _split_released(
        self,
        text: str,
        release_re: re.Pattern[str],
        number: int,
        tag: str,
        start: int,
        raw: bytes,
    ) -> tuple[tuple[str, ...], ...]:
        """Split a segment holding release characters; record needless releases as infos."""
        chars = self.chars
        if len(text) <= 3:
            return ()
        body = text[4:]
        # Fast: swap each released service character for a private-use placeholder, split,
        # swap back. Used when nothing else is released and no placeholder occurs in the text.
        rel = chars.release
        swapped = (
            body.replace(rel + rel, "\ue000")
            .replace(rel + chars.component, "\ue001")
            .replace(rel + chars.data, "\ue002")
            .replace(rel + chars.terminator, "\ue003")
        )
        wide = self.charset is not None and self.charset.codec == "utf-8"
        if rel not in swapped and (not wide or _PLACEHOLDERS.search(body) is None):
            table = {0xE000: rel, 0xE001: chars.component, 0xE002: chars.data}
            table[0xE003] = chars.terminator
            comp = chars.component
            return tuple(
                [
                    tuple([value.translate(table) for value in part.split(comp)])
                    for part in swapped.split(chars.data)
                ]
            )
        needed = chars.escaped
        elements: list[tuple[str, ...]] = []
        components: list[str] = []
        buffer: list[str] = []
        pos = 0
        for match in release_re.finditer(body):
            buffer.append(body[pos : match.start()])
            escaped = match.group(1)
            if escaped is not None:
                if escaped not in needed and not (escaped == chars.reserved != " "):
                    self._needless(text, 4 + match.start(), escaped, number, tag, start, raw)
                buffer.append(escaped)
            elif match.group(2) == chars.data:
                components.append("".join(buffer))
                elements.append(tuple(components))
                components = []
                buffer = []
            else:
                components.append("".join(buffer))
                buffer = []
            pos = match.end()
        buffer.append(body[pos:])
        components.append("".join(buffer))
        elements.append(tuple(components))
        return tuple(elements)


def _ascii_stop(data: bytes, start: int, stop: int) -> int:
    """UTF-8 (UNOY, UNOW): the fast path takes only whole segments of ASCII bytes, where a
    character index is a byte offset; this is the first non-ASCII byte in ``data[start:stop]``,
    or ``stop``. Segments holding one are left to the exact path, the plain reference."""
    wide = _NON_ASCII.search(data, start, stop)
    return stop if wide is None else wide.start()


def iter_segments(
    data: bytes | bytearray | memoryview, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Segment]:
    """Yield the segments of an EDIFACT interchange one at a time (UNA not included).

    Raises :class:`~medbridge.errors.EdifactInputError` for bad input when it is reached. Use
    :class:`Tokenizer` directly to see info/warning findings, the UNA and the layout after it.
    """
    return iter(Tokenizer(data, limits=limits))
