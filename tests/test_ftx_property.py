"""Hypothesis properties of FTX text (edifact-messages.md §9.4, §12 P8): component lengths,
``read(write(t)) == normalise(t)``, the visible text and styles per character, fixed points and
provenance round trips of blocks as MedCom and medbridge write them."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from medbridge.codecs.edifact.text import normalise_for_ftx, read_text, write_text
from medbridge.edifact.ftx import (
    FORMAT_CODES,
    LINES_PER_FTX,
    MAX_COMPONENT,
    WIRE_KEY,
    FtxBlock,
)
from medbridge.model.text import (
    Bold,
    Break,
    Center,
    FixedFont,
    FormattedText,
    Italic,
    Right,
    Space,
    Underline,
)

# Service characters, Danish letters, backslashes and dots (the §9.8 cases), and whitespace.
_CHARS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+:'?.,\\/-æøåÆØÅé"
_words = st.text(_CHARS, min_size=1, max_size=12)
_long_words = st.text("abcdefæøå+:'?\\.", min_size=60, max_size=160)  # > 69: a hard cut
_spaces = st.text(" ", min_size=1, max_size=8)
_specials = st.sampled_from([".", "\\", "a\\", "..", "x" * 69, "y" * 70, " " * 70, "\t"])
_texts = st.lists(st.one_of(_words, _words, _long_words, _spaces, _specials), max_size=6).map(
    "".join
)
_leaf = st.one_of(_texts, _texts, st.just(Break()), st.just(Break()), st.just(Space()))
_leaves = st.lists(_leaf, max_size=8)
_styled = st.one_of(*(st.builds(cls, _leaves) for cls in (Bold, Italic, Underline, Center, Right)))
_aligned = st.one_of(st.builds(Center, _leaves), st.builds(Right, _leaves))
_fixed = st.builds(FixedFont, st.lists(st.one_of(_leaf, _styled), max_size=8))
_item = st.one_of(_leaf, _leaf, _styled, _fixed)

texts = st.builds(FormattedText, st.lists(_item, max_size=10))
unaligned_texts = texts.filter(lambda t: not _has_alignment(t.content))


def _has_alignment(content: Sequence[object]) -> bool:
    return any(
        isinstance(item, (Center, Right))
        or (isinstance(item, FixedFont) and _has_alignment(item.content))
        for item in content
    )


def _styled_chars(content: Sequence[object], code: str = "P00") -> list[tuple[str, str]]:
    """Every visible character but line breaks, with the format code it is written in."""
    out: list[tuple[str, str]] = []
    for item in content:
        if isinstance(item, str):
            out.extend((ch, code) for ch in item)
        elif isinstance(item, Space):
            out.append((" ", code))
        elif isinstance(item, FixedFont):
            out.extend(_styled_chars(item.content, "F" + code[1:]))
        elif isinstance(item, (Bold, Italic, Underline, Center, Right)):
            slot = {Bold: "F0", Italic: "K0", Underline: "U0", Center: "0M", Right: "0H"}
            out.extend(_styled_chars(item.content, code[0] + slot[type(item)]))
    return out


def _without_wire(text: FormattedText) -> FormattedText:
    return FormattedText(list(text.content))


@given(texts)
def test_written_blocks_are_well_formed(text: FormattedText) -> None:
    blocks = write_text(text)
    for block in blocks:
        assert block.format_code in FORMAT_CODES
        assert 1 <= len(block.lines) <= LINES_PER_FTX
        for line in block.lines:
            assert 0 < len(line) <= MAX_COMPONENT
            if not line.endswith("\\"):
                assert len(line) <= MAX_COMPONENT - 1  # a hard line holds at most 69
    if text.plain():
        assert blocks
    if blocks:  # the last line of a text is hard (F1)
        assert read_text(blocks).plain().endswith("\n")


@given(texts)
def test_read_of_write_is_the_normalisation(text: FormattedText) -> None:
    assert read_text(write_text(text)) == normalise_for_ftx(text)


@given(texts)
def test_characters_and_their_styles_survive(text: FormattedText) -> None:
    """Independent of the normaliser: F1–F3 move and add breaks, never characters or styles."""
    back = read_text(write_text(text))
    assert _styled_chars(back.content) == _styled_chars(text.content)


@given(unaligned_texts)
def test_visible_text_is_kept_modulo_f1_and_f2(text: FormattedText) -> None:
    expected = text.plain()
    if expected and not expected.endswith("\n"):
        expected += "\n"  # F1
    assert read_text(write_text(text)).plain() == expected


@given(texts)
def test_alignments_only_gain_line_breaks(text: FormattedText) -> None:
    back = read_text(write_text(text)).plain()
    original = text.plain()
    assert back.replace("\n", "") == original.replace("\n", "")
    assert back.count("\n") >= original.count("\n")


@given(texts)
def test_read_write_read_is_a_fixed_point(text: FormattedText) -> None:
    blocks = write_text(text)
    first = read_text(blocks)
    assert write_text(first) == blocks  # provenance reuse
    assert read_text(write_text(first)) == first


@given(st.builds(FormattedText, _leaves))
def test_normalisation_of_plain_text_is_idempotent(text: FormattedText) -> None:
    """For plain text the canonical writer is a fixed point. With styles it is not in general:
    breaks keep migrating across style boundaries and Center/Right gain a leading line on every
    canonical pass (§9.4 step 1), so styled round trips rely on provenance."""
    once = normalise_for_ftx(text)
    assert normalise_for_ftx(once) == once
    assert read_text(write_text(_without_wire(once))) == once


# Blocks as MedCom (or another sender) writes them: any known code, 1–5 lines, soft and hard lines,
# "." and the occasional empty component, lines up to 70 characters.
_line = st.one_of(
    st.text(_CHARS, min_size=1, max_size=69),
    st.text(_CHARS, min_size=1, max_size=69).map(lambda s: s + "\\"),
    st.just("."),
    st.just(""),
)
sender_blocks = st.lists(
    st.builds(
        FtxBlock,
        st.sampled_from(sorted(FORMAT_CODES)),
        st.lists(_line, min_size=1, max_size=LINES_PER_FTX).map(tuple),
    ),
    max_size=6,
)


@given(sender_blocks)
def test_blocks_survive_read_and_write(blocks: list[FtxBlock]) -> None:
    text = read_text(blocks)
    assert write_text(text) == blocks
    assert text.wire[WIRE_KEY] == [[b.format_code, list(b.lines)] for b in blocks]


@given(sender_blocks)
def test_canonical_rewrite_of_sender_blocks_keeps_characters_and_styles(
    blocks: list[FtxBlock],
) -> None:
    text = read_text(blocks)
    again = read_text(write_text(_without_wire(text)))
    assert _styled_chars(again.content) == _styled_chars(text.content)


@given(st.lists(st.one_of(_texts, st.just(Break())), max_size=12))
def test_plain_text_round_trips_canonically_when_it_ends_with_a_break(
    items: list[str | Break],
) -> None:
    """P00 text written the MedCom way reads back unchanged and rewrites to the same blocks."""
    text = FormattedText([*items, Break()])
    blocks = write_text(text)
    back = read_text(blocks)
    assert back == text
    assert write_text(_without_wire(back)) == blocks
