"""EDIFACT writing at the syntax level: escaping, segments, the UNA, layout and encoding.

This module owns ``edifact-messages.md`` §2.3–§2.5 and ``safety-and-validation.md`` §2.6/§5.4 on
the way out: every value is escaped with the interchange's own release character (exactly the
release, component, data and terminator characters, nothing else), trailing empty components and
then trailing empty elements are dropped (normalisation E2), the UNA is written when recorded or
requested, each segment is followed by its recorded layout or by a chosen newline, and the text is
encoded with the UNB character set with ``errors="strict"``. A character the repertoire cannot
carry raises :class:`~medbridge.errors.ConversionError` (``convert.unrepresentable``) naming the
code point and the place; nothing is ever replaced by ``?``. pydifact's ``serialize`` is never used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import add, attrgetter

from medbridge.edifact.charset import (
    Charset,
    describe_char,
    first_unwritable,
    lookup_charset,
    unwritable_pattern,
)
from medbridge.edifact.segment import Segment, trim_elements
from medbridge.edifact.una import DEFAULT_CHARS, TAG_PATTERN, ServiceChars
from medbridge.errors import ConversionError
from medbridge.findings import Location

__all__ = [
    "encode_interchange",
    "escape",
    "serialize_interchange",
    "serialize_segment",
]

_DEFAULT_TABLE = {ord(c): DEFAULT_CHARS.release + c for c in DEFAULT_CHARS.escaped}
_DEFAULT_SPECIAL = re.compile("[" + re.escape(DEFAULT_CHARS.escaped) + "]")
_LAYOUT_TEXT = re.compile("[ \t\r\n]*")
_NEWLINES = ("", "\n", "\r\n")
_NEWLINE_SET = frozenset(_NEWLINES)

# Stand-ins for the default component, data and terminator characters in the one-pass rendering
# (:func:`_encode_default`): control characters, which no repertoire can carry in a value.
_COMP, _DATA, _TERM = "\x1c", "\x1d", "\x1e"
_SEGMENT_ENDS = {layout: DEFAULT_CHARS.terminator + layout for layout in _NEWLINES}
_DEFAULT_UNA = DEFAULT_CHARS.una()
_DEFAULT_ESCAPED = DEFAULT_CHARS.escaped
_DEFAULT_SERVICE = DEFAULT_CHARS.escaped + DEFAULT_CHARS.decimal
_DEFAULT_RELEASE = DEFAULT_CHARS.release
_DEFAULT_COMPONENT = DEFAULT_CHARS.component
_DEFAULT_DATA = DEFAULT_CHARS.data
_DEFAULT_TERMINATOR = DEFAULT_CHARS.terminator
_ELEMENTS_OF = attrgetter("elements")
_LAYOUT_OF = attrgetter("layout")
_TAG_OF = attrgetter("tag")


@functools.lru_cache(maxsize=16)
def _trailing_empties(comp: str, data: str, end: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Normalisation E2 on separator text (values free of separators) as two substitutions by
    "": a run of component separators right before a data separator or the ``end`` of a segment
    (trailing empty components; ``end`` is a terminator, or ``\\Z`` for one segment's text), then
    a run of data separators right before ``end`` (trailing empty elements).

    Each run is matched once, from its first character: the lookbehind fails at once inside a
    run and the possessive ``*+`` never backtracks, so a pass costs time linear in the text
    however long the runs are, and the writer is linear in the number of empty components. (The
    patterns start with the separator itself, so the regex engine skips to it quickly.)"""
    c, d = re.escape(comp), re.escape(data)
    return (
        re.compile(f"{c}(?<!{c}{c}){c}*+(?={d}|{end})"),
        re.compile(f"{d}(?<!{d}{d}){d}*+(?={end})"),
    )


def _drop_trailing_empties(text: str, comp: str, data: str, end: str) -> str:
    """``text`` without trailing empty components and elements (see :func:`_trailing_empties`).
    ``end`` is a regular expression: a terminator character, or ``\\Z`` for one segment."""
    components, elements = _trailing_empties(comp, data, end)
    return elements.sub("", components.sub("", text))


def _table(chars: ServiceChars) -> dict[int, str]:
    if chars == DEFAULT_CHARS:
        return _DEFAULT_TABLE
    return {ord(c): chars.release + c for c in chars.escaped}


def escape(value: str, chars: ServiceChars = DEFAULT_CHARS) -> str:
    """``value`` with each release, component, data and terminator character released."""
    if chars == DEFAULT_CHARS:
        if _DEFAULT_SPECIAL.search(value) is None:
            return value
        return value.translate(_DEFAULT_TABLE)
    return value.translate(_table(chars))


def _segment_text(segment: Segment, chars: ServiceChars, table: dict[int, str]) -> str:
    elements = trim_elements(segment.elements)
    if not elements:
        return segment.tag + chars.terminator
    comp = chars.component
    body = chars.data.join(comp.join(c.translate(table) for c in element) for element in elements)
    return f"{segment.tag}{chars.data}{body}{chars.terminator}"


class _Writer:
    """Per-interchange constants of the one-pass segment rendering (:meth:`plain_body`)."""

    def __init__(self, chars: ServiceChars) -> None:
        self.table = _table(chars)
        self.service = chars.escaped + chars.decimal
        self.comp = chars.component
        self.data = chars.data
        self.release = chars.release
        self.terminator = chars.terminator
        # The shortcut counts separators, so it needs four distinct single characters (a
        # hand-made ServiceChars without them always takes the per-value way).
        self.countable = len(set(chars.escaped)) == len(chars.escaped) == 4
        self.empty_component = self.comp + self.data

    def plain_body(self, elements: tuple[tuple[str, ...], ...], raw: str) -> str | None:
        """The segment body (data separator and values, E2 applied) when no value needs
        escaping, else None. ``raw`` is every value joined with the separators.

        Speed trick: the joins put exactly ``components - 1`` separators into ``raw`` (one data
        separator between elements, one component separator between components; an element
        without components would make the count come out wrong, so it is never taken for plain).
        When ``raw`` holds no more than that, and no release or terminator character, then no
        value holds a service character, so the joined text already *is* the escaped text: no
        per-value escaping. Trailing empty components and elements (normalisation E2) are then
        nothing but separator runs, cut off as text."""
        if (
            not self.countable
            or raw.count(self.comp) + raw.count(self.data) != sum(map(len, elements)) - 1
            or self.release in raw
            or self.terminator in raw
        ):
            return None
        data = self.data
        if raw.endswith((self.comp, data)) or self.empty_component in raw:
            raw = _drop_trailing_empties(raw, self.comp, data, "\\Z")
        return data + raw if raw else ""


def serialize_segment(segment: Segment, chars: ServiceChars = DEFAULT_CHARS) -> str:
    """One segment as text, terminator included, layout excluded (normalisation E2 applied)."""
    return _segment_text(segment, chars, _table(chars))


def _refuse(message: str, location: Location) -> ConversionError:
    return ConversionError.error("convert.unrepresentable", message, location)


def _pieces(
    segments: Iterable[Segment],
    chars: ServiceChars,
    una: bool,
    una_layout: str,
    newline: str | None,
    charset: Charset | None,
) -> Iterator[tuple[str, Charset | None]]:
    """Text pieces with the charset to check them against (None: not yet known / unchecked)."""
    if newline is not None and newline not in _NEWLINES:
        raise ValueError("newline must be None (recorded layout), '', '\\n' or '\\r\\n'")
    writer = _Writer(chars)
    comp, data, terminator = chars.component, chars.data, chars.terminator
    if una or chars != DEFAULT_CHARS:
        layout = una_layout if newline is None else newline
        _check_layout(layout, Location(tag="UNA"))
        yield chars.una() + layout, None
    unwritable = None if charset is None else unwritable_pattern(charset, writer.service)
    good_tags: set[str] = set()  # checked once each: an interchange repeats a few dozen tags
    for number, segment in enumerate(segments, start=1):
        tag = segment.tag
        if not isinstance(tag, str) or tag not in good_tags:
            if (
                not isinstance(tag, str)
                or TAG_PATTERN.fullmatch(tag.encode("latin-1", "replace")) is None
            ):
                raise _refuse(
                    f"Segment tag {tag!r} is not three upper-case letters or digits.",
                    Location(segment=number, tag=tag),
                )
            good_tags.add(tag)
        if charset is None and tag == "UNB":
            ident = segment.value(1, 1)
            charset = lookup_charset(ident)
            if charset is None:
                raise _refuse(
                    f"UNB declares syntax identifier {ident!r}, which medbridge cannot write; "
                    "use UNOC, UNOA, UNOB or UNOY.",
                    Location(segment=number, tag="UNB", element=1, component=1),
                )
            unwritable = unwritable_pattern(charset, writer.service)
        elements = segment.elements
        raw = data.join([comp.join(element) for element in elements])
        # The service characters joining ``raw`` are writable, so one search over it finds
        # whether any value is not; _check_values then names the first one and raises.
        if unwritable is not None and unwritable.search(raw) is not None:
            assert charset is not None
            _check_values(segment, charset, writer.service, number)
        layout = segment.layout if newline is None else newline
        if layout not in _NEWLINES:
            _check_layout(layout, Location(segment=number, tag=tag))
        body = writer.plain_body(elements, raw)
        if body is None:
            yield _segment_text(segment, chars, writer.table) + layout, charset
        else:
            yield f"{tag}{body}{terminator}{layout}", charset


def _check_layout(layout: str, where: Location) -> None:
    if _LAYOUT_TEXT.fullmatch(layout) is None:
        raise _refuse(
            f"Layout after a segment may hold only CR, LF, space and TAB, not {layout!r}.", where
        )


def _check_values(segment: Segment, charset: Charset, service: str, number: int) -> None:
    for e_index, element in enumerate(segment.elements, start=1):
        for c_index, value in enumerate(element, start=1):
            bad = first_unwritable(value, charset, service)
            if bad is not None:
                raise _refuse(
                    f"{describe_char(value[bad])} cannot be written in {charset.identifier} "
                    f"({charset.repertoire}); it is never replaced, transliterated or dropped. "
                    "Change the value or allow the loss of the whole field.",
                    Location(segment=number, tag=segment.tag, element=e_index, component=c_index),
                )


def serialize_interchange(
    segments: Iterable[Segment],
    *,
    chars: ServiceChars = DEFAULT_CHARS,
    una: bool = True,
    una_layout: str = "",
    newline: str | None = None,
) -> str:
    """The interchange as text: UNA (if ``una`` or the characters are not the defaults), then
    each segment followed by its recorded ``layout`` (``newline=None``) or by ``newline``
    (``""``, ``"\\n"`` or ``"\\r\\n"``, also after the UNA). Values are checked against the UNB
    repertoire when a UNB is present."""
    return "".join(text for text, _ in _pieces(segments, chars, una, una_layout, newline, None))


def encode_interchange(
    segments: Iterable[Segment],
    *,
    chars: ServiceChars = DEFAULT_CHARS,
    una: bool = True,
    una_layout: str = "",
    newline: str | None = None,
    syntax_identifier: str | None = None,
) -> bytes:
    """The interchange as bytes, encoded with the UNB syntax identifier (or ``syntax_identifier``
    when the stream has no UNB, default ``UNOC``) with ``errors="strict"``.

    Raises :class:`~medbridge.errors.ConversionError` (``convert.unrepresentable``) naming the
    character and its segment, element and component when the repertoire cannot carry it."""
    fallback = lookup_charset(syntax_identifier or "UNOC")
    if fallback is None:
        raise _refuse(f"Unknown syntax identifier {syntax_identifier!r}.", Location())
    if chars == DEFAULT_CHARS and isinstance(segments, list):
        data = _encode_default(segments, una, una_layout, newline, fallback)
        if data is not None:
            return data
    out: list[bytes] = []
    run: list[str] = []  # consecutive pieces with one codec, encoded together
    run_codec = fallback.codec
    for text, charset in _pieces(segments, chars, una, una_layout, newline, None):
        codec = (charset or fallback).codec
        if charset is None:
            # Segments before UNB (normally none) are checked against the fallback.
            bad = first_unwritable(text.rstrip(" \t\r\n"), fallback, chars.escaped)
            if bad is not None:
                raise _refuse(
                    f"{describe_char(text[bad])} cannot be written in {fallback.identifier}.",
                    Location(),
                )
        if codec != run_codec:
            out.append(_encode("".join(run), run_codec))
            run = []
            run_codec = codec
        run.append(text)
    out.append(_encode("".join(run), run_codec))
    return b"".join(out)


@functools.lru_cache(maxsize=64)
def _good_tags(tags: frozenset[object]) -> bool:
    """True when every tag is a string of three upper-case letters or digits (remembered per
    set: interchanges of one kind repeat the same few dozen tags)."""
    return all(
        isinstance(tag, str) and TAG_PATTERN.fullmatch(tag.encode("latin-1", "replace")) is not None
        for tag in tags
    )


def _encode_default(
    segments: list[Segment], una: bool, una_layout: str, newline: str | None, fallback: Charset
) -> bytes | None:
    """:func:`encode_interchange` with the default service characters in a few passes over the
    whole text instead of a dozen steps per segment. None when anything is unusual (no UNB
    first, a bad tag or layout, a value the repertoire cannot carry or holding a stand-in, not a
    string …): the caller then takes the per-segment way, which gives the same output or raises
    the located error.

    Speed trick: segments are joined with stand-ins (:data:`_COMP`, :data:`_DATA`,
    :data:`_TERM`) instead of the separators, so values need no escaping one by one: the service
    characters in that text can only come from values, and one ``replace`` per character
    releases them all. Then the stand-ins become the separators. The trailing empties of
    normalisation E2 are stand-in pairs, removed by ``replace`` too. Tags, layouts and the
    repertoire are checked on all segments at once, with the same rules as one by one."""
    charset = _default_charset(segments, newline)
    if charset is None:
        return None
    una_text = _default_una(una_layout, newline, fallback) if una else ""
    if una_text is None:
        return None
    joined = _joined(segments, newline)
    if joined is None:
        return None
    text, layouts = joined
    text = _released(text + _TERM)
    # Tags, separators and release characters are writable in every repertoire, so a match is
    # in a value.
    closed = text.replace(_TERM, _DEFAULT_TERMINATOR)
    if unwritable_pattern(charset, _DEFAULT_SERVICE).search(closed) is not None:
        return None
    laid_out = _laid_out(text, closed, layouts, segments)
    if laid_out is None:
        return None
    return _encode(una_text, fallback.codec) + _encode(laid_out, charset.codec)


def _default_charset(segments: list[Segment], newline: str | None) -> Charset | None:
    """The charset named by a first UNB segment, or None when the quick way does not apply."""
    if not segments or (newline is not None and newline not in _NEWLINE_SET):
        return None
    first = segments[0]
    if not (isinstance(first, Segment) and first.tag == "UNB"):
        return None
    return lookup_charset(first.value(1, 1))


def _default_una(una_layout: str, newline: str | None, fallback: Charset) -> str | None:
    """The default UNA and its layout, or None when the layout is not writable as such."""
    una_text = _DEFAULT_UNA + (una_layout if newline is None else newline)
    if (
        _LAYOUT_TEXT.fullmatch(una_text[9:]) is None
        or first_unwritable(una_text.rstrip(" \t\r\n"), fallback, _DEFAULT_ESCAPED) is not None
    ):
        return None
    return una_text


def _joined(segments: list[Segment], newline: str | None) -> tuple[str, set[str]] | None:
    """The segments joined with stand-ins (no terminator after the last) and the set of their
    layouts; None for a bad tag, a value holding a stand-in or anything not a string."""
    try:
        if not _good_tags(frozenset(map(_TAG_OF, segments))):
            return None
        layouts = set(map(_LAYOUT_OF, segments)) if newline is None else {newline}
        comp_join, data_join = _COMP.join, _DATA.join
        text = _TERM.join([data_join([s.tag, *map(comp_join, s.elements)]) for s in segments])
        components = sum(map(len, chain.from_iterable(map(_ELEMENTS_OF, segments))))
    except (TypeError, AttributeError):  # not segments of strings: the per-segment way reports
        return None
    # The joins put in one data separator per element, one component separator per component
    # but the first, one terminator between segments: n - 1 + components stand-ins. More in the
    # text means a value holds one (or an element has no component at all).
    if text.count(_COMP) + text.count(_DATA) + text.count(_TERM) != len(segments) - 1 + components:
        return None
    return text, layouts


def _released(text: str) -> str:
    """The joined text without the trailing empties of E2, its service characters released
    and the component and data stand-ins made separators (terminators stay stand-ins)."""
    if _COMP + _DATA in text or _COMP + _TERM in text or _DATA + _TERM in text:
        text = _drop_trailing_empties(text, _COMP, _DATA, _TERM)
    for special in _DEFAULT_ESCAPED:  # the release character first
        if special in text:
            text = text.replace(special, _DEFAULT_RELEASE + special)
    return text.replace(_COMP, _DEFAULT_COMPONENT).replace(_DATA, _DEFAULT_DATA)


def _laid_out(text: str, closed: str, layouts: set[str], segments: list[Segment]) -> str | None:
    """The text with each terminator stand-in made a terminator and its segment's layout
    (``closed`` is the text with bare terminators); None for a layout other than a newline."""
    if len(layouts) == 1:
        layout = layouts.pop()
        if layout not in _NEWLINE_SET:
            return None
        return text.replace(_TERM, _DEFAULT_TERMINATOR + layout) if layout else closed
    try:
        ends = list(map(_SEGMENT_ENDS.__getitem__, map(_LAYOUT_OF, segments)))
    except (KeyError, TypeError):  # a layout other than a newline
        return None
    return "".join(map(add, text.split(_TERM), ends))


def _encode(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec, "strict")
    except UnicodeEncodeError as exc:  # pragma: no cover - prevented by the checks in _pieces
        raise _refuse(
            f"{describe_char(text[exc.start])} cannot be encoded as {codec}.", Location()
        ) from None
