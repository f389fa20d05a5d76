"""The tokenizer's exact checks: the first bytes and the UNA, tags, the UNB syntax identifier,
unterminated segments, charset problems, limits, and the findings they give.

These run once per interchange or once per segment that leaves the fast path (see
:mod:`medbridge.edifact.syntax`); every error finding the tokenizer raises is built here, with the
info findings found so far attached.
"""

from __future__ import annotations

from medbridge.edifact.charset import Charset, CharsetProblem, lookup_charset
from medbridge.edifact.stream import ChunkBuffer
from medbridge.edifact.una import (
    DEFAULT_CHARS,
    TAG_PATTERN,
    ServiceChars,
    parse_una,
    show_bytes,
    syntax_error,
)
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = ["CAREFUL_TAGS", "SyntaxChecks", "looks_utf8"]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: Tags never taken on trust by the fast paths (a second UNA; UNZ ends the interchange).
CAREFUL_TAGS = frozenset({"UNA", "UNZ"})


class SyntaxChecks(ChunkBuffer):
    """The tokenizer's state and its exact checks (base of :class:`~.syntax.Tokenizer`)."""

    def __init__(
        self, data: bytes | bytearray | memoryview, *, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        super().__init__(data)
        self._limits = limits
        self.chars: ServiceChars = DEFAULT_CHARS
        self.una: str | None = None
        self.una_layout: str = ""
        self.charset: Charset | None = None
        self.syntax_version: int | None = None
        self.findings: list[Finding] = []
        self._components = 0  # component values so far (Limits.max_components)

    def _fail(
        self, code: str, message: str, location: Location, excerpt: str | None = None
    ) -> EdifactInputError:
        return syntax_error(code, message, location, excerpt, self.findings)

    def _start(self) -> int:
        """Check the first bytes and the UNA; return the offset of the UNB tag."""
        self._ensure(16)  # enough for the BOM, the UNA and the excerpts below
        if self._skip_layout(0) >= len(self._data):
            raise EdifactInputError.error(
                "input.empty",
                "The input is empty or holds only whitespace; expected an EDIFACT interchange.",
                Location(offset=0),
            )
        data = self._data
        for bom in _BOMS:
            if data.startswith(bom):
                raise self._fail(
                    "edifact.syntax.bom",
                    f"The input starts with a byte order mark ({bom.hex(' ').upper()}); "
                    "EDIFACT has none: remove it so that the file starts with UNA or UNB.",
                    Location(offset=0),
                )
        pos = 0
        if data.startswith(b"UNA"):
            self.chars = parse_una(data)
            self.una = self.chars.una()
            pos = self._skip_layout(9)
            data = self._data
            self.una_layout = data[9:pos].decode("ascii")
            if pos >= len(data):
                raise self._fail(
                    "edifact.envelope.no-interchange",
                    "The input holds only a UNA segment; expected UNB … UNZ after it.",
                    Location(tag="UNA", offset=0),
                )
            data = self._ensure(pos + 8)
        head = data[pos : pos + 4]
        if head[:3] == b"UNB" and (len(head) < 4 or head[3:4] in self._separators()):
            return pos
        if pos and head[:3] == b"UNA":
            raise self._fail(
                "edifact.una.repeated",
                "A second UNA segment; UNA may appear only once, at the very start.",
                Location(segment=1, tag="UNA", offset=pos),
            )
        tag_like = TAG_PATTERN.fullmatch(head[:3]) is not None and head[3:4] in self._separators()
        if tag_like:
            tag = head[:3].decode("ascii")
            raise self._fail(
                "edifact.envelope.unb-missing",
                f"The interchange must start with UNB (after an optional UNA), but the first "
                f"segment is {tag}.",
                Location(segment=1, tag=tag, offset=pos),
            )
        if pos == 0:
            raise self._fail(
                "edifact.syntax.leading-data",
                "The input must start with UNA or UNB at byte 0, but starts with "
                f"{show_bytes(data[:8])!r}; nothing before the interchange is ever dropped.",
                Location(offset=0),
            )
        raise self._fail(
            "edifact.syntax.bad-tag",
            f"After UNA a UNB segment must follow, but found {show_bytes(data[pos : pos + 8])!r}.",
            Location(segment=1, offset=pos),
        )

    def _separators(self) -> tuple[bytes, bytes]:
        return self.chars.data.encode("ascii"), self.chars.terminator.encode("ascii")

    def _new_tag(
        self, raw: bytes, number: int, start: int, last_tag: str, text_tags: dict[str, str]
    ) -> str:
        """Check a tag not seen before (see :meth:`_check_tag`); remember it for the fast path
        unless it is UNA or UNZ or the segment has no data elements."""
        tag = self._check_tag(raw, number, start, last_tag)
        if tag not in CAREFUL_TAGS and len(raw) > 3:
            text_tags[raw[:4].decode("latin-1")] = tag
        return tag

    def _far_terminator(self, start: int, bound: int, number: int, rel: bytes) -> int:
        """The terminator of a segment not yet found in the buffer: read on (a stream may hold
        the rest further on) or raise for a segment without one."""
        end = self._find(self.chars.terminator.encode("ascii"), start, bound)
        if end == -1:
            size = len(self._data)
            self._unterminated(start, min(bound, size), size, number, rel)
        return end

    def _empty_segment(self, tag: str, number: int, start: int) -> tuple[()]:
        """A segment with a tag and nothing else: no elements, and a warning."""
        self.findings.append(
            Finding(
                "edifact.syntax.empty-segment-content",
                Severity.WARNING,
                f"Segment {tag} has a tag but no data elements; it should be left out.",
                Location(segment=number, tag=tag, offset=start),
            )
        )
        return ()

    def _trailing_data(self, pos: int, number: int) -> EdifactInputError:
        """The error for bytes other than layout after UNZ at buffer index ``pos``."""
        data = self._ensure(pos + 8)
        base = self._base
        return self._fail(
            "edifact.envelope.trailing-data",
            f"Data follows UNZ at byte {base + pos} ({show_bytes(data[pos : pos + 8])!r}); "
            "only layout (CR, LF, space, TAB) may follow the end of the interchange.",
            Location(segment=number + 1, offset=base + pos),
        )

    def _too_many_segments(self, number: int, offset: int) -> EdifactInputError:
        max_segments = self._limits.max_segments
        return self._fail(
            "edifact.limit.segments",
            f"The interchange has more than {max_segments} segments (the limit); split it "
            "or raise Limits.max_segments.",
            Location(segment=number, offset=offset),
        )

    def _too_many_components(self, number: int, tag: str, offset: int) -> EdifactInputError:
        limit = f"{self._limits.max_components:,}".replace(",", " ")
        return self._fail(
            "edifact.limit.components",
            f"The interchange holds more than {limit} component data values (the limit, "
            "Limits.max_components); this segment is the first one over it. Split the "
            "interchange, or raise the limit if it is real.",
            Location(segment=number, tag=tag, offset=offset),
        )

    def _check_tag(self, raw: bytes, number: int, start: int, last_tag: str) -> str:
        """Validate a tag not seen before in this interchange; return it as text."""
        if not raw:
            raise self._fail(
                "edifact.syntax.empty-segment",
                f"Segment {number} is empty: a segment terminator directly follows the "
                f"previous one (after {last_tag or 'the start'}).",
                Location(segment=number, offset=start),
            )
        tag_end = raw.find(self.chars.data.encode("ascii"))
        tag_raw = raw if tag_end == -1 else raw[:tag_end]
        if tag_raw == b"UNA" or raw.startswith(b"UNA" + self.chars.component.encode("ascii")):
            raise self._fail(
                "edifact.una.repeated",
                "A second UNA segment; UNA may appear only once, at the very start.",
                Location(segment=number, tag="UNA", offset=start),
            )
        if TAG_PATTERN.fullmatch(tag_raw) is None:
            raise self._fail(
                "edifact.syntax.bad-tag",
                f"Segment tag {show_bytes(tag_raw)!r} is not three upper-case letters or digits "
                "starting with a letter (like UNH or S01).",
                Location(segment=number, offset=start),
                show_bytes(raw, 40),
            )
        return tag_raw.decode("ascii")

    def _read_syntax(self, raw: bytes, number: int, start: int) -> Charset:
        """Pick the decoding from UNB S001 (read from the ASCII bytes of the first segment)."""
        data_sep = self.chars.data.encode("ascii")
        comp_sep = self.chars.component.encode("ascii")
        tag_end = raw.find(data_sep)
        where = Location(segment=number, tag="UNB", element=1, offset=start)
        if tag_end == -1:
            raise self._fail(
                "edifact.envelope.unb-incomplete",
                "UNB has no syntax identifier (element 1); expected e.g. UNB+UNOC:3+….",
                where,
            )
        rest = raw[tag_end + 1 :]
        cut = rest.find(data_sep)
        s001 = rest if cut == -1 else rest[:cut]
        parts = s001.split(comp_sep)
        ident_raw = parts[0]
        version_raw = parts[1] if len(parts) > 1 else b""
        if not ident_raw:
            raise self._fail(
                "edifact.envelope.unb-incomplete",
                "UNB has an empty syntax identifier (element 1); expected e.g. UNOC:3.",
                where,
            )
        ident = ident_raw.decode("latin-1")
        charset = lookup_charset(ident) if ident_raw.isascii() else None
        if charset is None:
            raise self._fail(
                "edifact.charset.unsupported",
                f"Syntax identifier {show_bytes(ident_raw)!r} is not supported; use UNOC "
                "(ISO 8859-1, MedCom's), UNOA, UNOB or UNOY.",
                Location(segment=number, tag="UNB", element=1, component=1, offset=start + 4),
            )
        version_loc = Location(
            segment=number, tag="UNB", element=1, component=2, offset=start + 5 + len(ident_raw)
        )
        if version_raw not in (b"1", b"2", b"3", b"4"):
            shown = "missing" if not version_raw else repr(show_bytes(version_raw))
            raise self._fail(
                "edifact.envelope.syntax-version",
                f"The syntax version in UNB element 1 is {shown}; expected 1, 2, 3 or 4 "
                f"(MedCom uses {ident}:3).",
                version_loc,
            )
        version = int(version_raw)
        if version < charset.min_version:
            raise self._fail(
                "edifact.envelope.syntax-version",
                f"{ident} needs syntax version {charset.min_version} or later, but UNB says "
                f"{version}.",
                version_loc,
            )
        self.charset = charset
        self.syntax_version = version
        return charset

    def _unterminated(self, start: int, bound: int, size: int, number: int, rel: bytes) -> None:
        """Raise for a segment without terminator up to ``bound`` (buffer indexes; the buffer
        reaches the segment limit or holds the rest of the input, see ``_find``)."""
        data = self._data
        base = self._base
        if bound < size or (bound - start) > self._limits.max_segment_bytes:
            raise self._fail(
                "edifact.limit.segment",
                f"Segment {number} is longer than {self._limits.max_segment_bytes} bytes (the "
                "limit) or its terminator is missing; raise Limits.max_segment_bytes if it is "
                "real.",
                Location(segment=number, offset=base + start),
            )
        rest = data[start:size]
        tag = rest[:3].decode("latin-1")
        for newline in (b"\n", b"\r"):
            hit = rest.find(rel + newline)
            if hit != -1:
                raise self._fail(
                    "edifact.syntax.release-newline",
                    "A release character is followed by a line break; a line break cannot be "
                    "escaped and may appear only between segments.",
                    Location(segment=number, tag=tag, offset=base + start + hit),
                )
        run = len(rest) - len(rest.rstrip(rel))
        if run % 2 == 1:
            raise self._fail(
                "edifact.syntax.release-at-end",
                f"The input ends with a release character at byte {base + size - 1}; the "
                "character it escapes and the segment terminator are missing (truncated file?).",
                Location(segment=number, tag=tag, offset=base + size - 1),
            )
        raise self._fail(
            "edifact.syntax.unterminated",
            f"The last segment ({show_bytes(rest[:3])!r} at byte {base + start}) has no segment "
            f"terminator {self.chars.terminator!r}; the file is probably truncated.",
            Location(segment=number, tag=tag, offset=base + start),
        )

    def _charset_failure(
        self, problem: CharsetProblem, raw: bytes, number: int, tag: str, start: int
    ) -> EdifactInputError:
        index = problem.index
        code = problem.code
        message = problem.message
        if code == "edifact.charset.control" and raw[index] in (0x0A, 0x0D):
            run = 0
            back = index - 1
            release = ord(self.chars.release)
            while back >= 0 and raw[back] == release:
                run += 1
                back -= 1
            if run % 2 == 1:
                code = "edifact.syntax.release-newline"
                index -= 1
                message = (
                    "A release character is followed by a line break; a line break cannot be "
                    "escaped and may appear only between segments."
                )
        element, component = _locate(raw, index, self.chars)
        location = Location(
            segment=number,
            tag=tag,
            element=element or None,
            component=component if element else None,
            offset=start + index,
        )
        return self._fail(code, message, location)

    def _needless(
        self, text: str, index: int, escaped: str, number: int, tag: str, start: int, raw: bytes
    ) -> None:
        codec = self.charset.codec if self.charset is not None else "latin-1"
        byte_index = len(text[:index].encode(codec, "replace"))
        element, component = _locate(raw, byte_index, self.chars)
        self.findings.append(
            Finding(
                "edifact.syntax.needless-release",
                Severity.INFO,
                f"A release character precedes {escaped!r}, which needs no escaping; it is read "
                f"as a plain {escaped!r} and written back without the release (normalisation E1).",
                Location(
                    segment=number,
                    tag=tag,
                    element=element or None,
                    component=component if element else None,
                    offset=start + byte_index,
                ),
            )
        )


def looks_utf8(segment: str) -> bool:
    """True when a single-byte-decoded segment's bytes are well-formed UTF-8 (mojibake)."""
    try:
        segment.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def _locate(raw: bytes, index: int, chars: ServiceChars) -> tuple[int, int]:
    """(element, component) of byte ``index`` in a segment's bytes; element 0 is the tag."""
    data_sep = ord(chars.data)
    comp_sep = ord(chars.component)
    release = ord(chars.release)
    element = 0
    component = 1
    i = 0
    limit = min(index, len(raw))
    while i < limit:
        byte = raw[i]
        if byte == release:
            i += 2
            continue
        if byte == data_sep:
            element += 1
            component = 1
        elif byte == comp_sep:
            component += 1
        i += 1
    return element, component
