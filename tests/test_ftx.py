"""FTX free text (edifact-messages.md §9): the worked examples of §9.5 and §6.5 in both directions,
the §9.8 table, the format codes of §9.3, provenance reuse and the error cases."""

from __future__ import annotations

import pytest

from medbridge.codecs.edifact.text import normalise_for_ftx, read_text, unrepresentable, write_text
from medbridge.edifact.ftx import (
    FORMAT_CODES,
    WIRE_KEY,
    FtxBlock,
    FtxError,
)
from medbridge.edifact.segment import Segment
from medbridge.edifact.serialize import serialize_segment
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

BR = Break()


def ftx(blocks: list[FtxBlock], qualifier: str = "NC") -> list[str]:
    """The FTX segments as the segment writer escapes them (step 4), one string per segment."""
    return [
        serialize_segment(Segment("FTX", ((qualifier,), (block.format_code,), ("",), block.lines)))
        for block in blocks
    ]


def blocks(*entries: tuple[str, tuple[str, ...]]) -> list[FtxBlock]:
    return [FtxBlock(code, lines) for code, lines in entries]


def canonical(text: FormattedText) -> list[FtxBlock]:
    """write_text without provenance."""
    return write_text(FormattedText(list(text.content)))


# ---------------------------------------------------------------------------------------------
# §9.5 worked examples and §6.5

TEXT_A = FormattedText(
    [
        "Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i højre underlap, "
        "behandlet med penicillin i 7 dage.",
        BR,
        BR,
        "Kontrol hos egen læge om 4 uger.",
        BR,
    ]
)
FTX_A = (
    "FTX+NC+P00++Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i \\:højre "
    "underlap, behandlet med penicillin i 7 dage.:.:Kontrol hos egen læge om 4 uger.'"
)
BLOCKS_A = blocks(
    (
        "P00",
        (
            "Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i \\",
            "højre underlap, behandlet med penicillin i 7 dage.",
            ".",
            "Kontrol hos egen læge om 4 uger.",
        ),
    )
)


def test_example_a_write() -> None:
    written = write_text(TEXT_A)
    assert written == BLOCKS_A
    assert ftx(written) == [FTX_A]
    first = written[0].lines[0]
    assert len(first) == 65 and first[63] == " "  # 64 characters up to the space, then "\"


def test_example_a_read() -> None:
    assert ftx(BLOCKS_A) == [FTX_A]
    assert read_text(BLOCKS_A) == TEXT_A


def test_section_6_5_clinical_ftx_is_example_a() -> None:
    """§6.5 is MedCom's own output: canonical writing reproduces it byte for byte."""
    segment = (
        "FTX+NC+P00++Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i \\:højre "
        "underlap, behandlet med penicillin i 7 dage.:.:Kontrol hos egen læge om 4 uger.'"
    )
    assert ftx(canonical(read_text(BLOCKS_A))) == [segment]


TEXT_B = FormattedText(
    [
        "Se https://eksempel.invalid/journal/notat/2024/000123456789/vedhaeftning/billede.png "
        "for detaljer",
        BR,
    ]
)
FTX_B = (
    "FTX+NC+P00++Se https?://eksempel.invalid/journal/notat/2024/000123456789/vedhaeftn\\"
    ":ing/billede.png for detaljer'"
)
BLOCKS_B = blocks(
    (
        "P00",
        (
            "Se https://eksempel.invalid/journal/notat/2024/000123456789/vedhaeftn\\",
            "ing/billede.png for detaljer",
        ),
    )
)


def test_example_b_hard_cut_at_69() -> None:
    written = write_text(TEXT_B)
    assert written == BLOCKS_B
    assert ftx(written) == [FTX_B]
    assert len(written[0].lines[0]) == 70
    assert read_text(BLOCKS_B) == TEXT_B


TEXT_C = FormattedText(
    [
        "Punkt 1.",
        BR,
        "Punkt 2.",
        BR,
        "Punkt 3.",
        BR,
        "Punkt 4.",
        BR,
        "Afsluttende bemærkning: patienten er informeret om planen og er indforstået med at "
        "kontakte egen læge ved forværring.",
    ]
)
FTX_C = [
    "FTX+NC+P00++Punkt 1.:Punkt 2.:Punkt 3.:Punkt 4.:Afsluttende bemærkning?: patienten er "
    "informeret om planen og er \\'",
    "FTX+NC+P00++indforstået med at kontakte egen læge ved forværring.'",
]


def test_example_c_continuation_across_ftx_and_f1() -> None:
    written = write_text(TEXT_C)
    assert ftx(written) == FTX_C
    assert [len(b.lines) for b in written] == [5, 1]
    back = read_text(written)
    assert back == FormattedText([*TEXT_C.content, BR])  # F1
    assert back == normalise_for_ftx(TEXT_C)


TEXT_D = FormattedText(
    [
        "Diagnose: ",
        Bold(["Pneumoni"]),
        BR,
        FixedFont(["Hb   8,1", BR, "CRP  12", BR]),
        "Slut",
        BR,
    ]
)
FTX_D = [
    "FTX+NC+P00++Diagnose?: \\'",
    "FTX+NC+PF0++Pneumoni'",
    "FTX+NC+F00++Hb   8,1:CRP  12'",
    "FTX+NC+P00++Slut'",
]
# MedCom's output for the same text (its "second run" defect).
MEDCOM_D = blocks(
    ("P00", ("Diagnose: \\",)),
    ("PF0", ("Pneumoni\\",)),
    ("P00", (".",)),
    ("F00", ("Hb   8,1", "CRP  12")),
    ("P00", ("Slut",)),
)


def test_example_d_styles_real_next_run() -> None:
    written = write_text(TEXT_D)
    assert ftx(written) == FTX_D
    expected = FormattedText(
        [
            "Diagnose: ",
            Bold(["Pneumoni", BR]),  # F3: the Break moved into the bold element
            FixedFont(["Hb   8,1", BR, "CRP  12", BR]),
            "Slut",
            BR,
        ]
    )
    assert read_text(written) == expected
    assert normalise_for_ftx(TEXT_D) == expected


def test_example_d_medcom_form_reads_to_the_original_and_survives_a_round_trip() -> None:
    text = read_text(MEDCOM_D)
    assert text == TEXT_D
    assert write_text(text) == MEDCOM_D  # provenance keeps MedCom's wrap points
    assert ftx(canonical(text)) == FTX_D  # canonically, medbridge's own form


TEXT_E = FormattedText([Center(["Titel"]), "Brødtekst", BR])
BLOCKS_E = blocks(("P0M", (".", "Titel")), ("P00", ("Brødtekst",)))


def test_example_e_centred_heading() -> None:
    assert ftx(BLOCKS_E) == ["FTX+NC+P0M++.:Titel'", "FTX+NC+P00++Brødtekst'"]
    assert read_text(BLOCKS_E) == FormattedText([Center([BR, "Titel", BR]), "Brødtekst", BR])
    assert write_text(TEXT_E) == BLOCKS_E


def test_example_f_text_is_unescaped_and_counted_unescaped() -> None:
    line = "Dosis 1+1, kl. 8:00 (pt.'s ønske)? Ja."
    text = FormattedText([line, BR])
    written = write_text(text)
    assert written == blocks(("P00", (line,)))
    assert len(written[0].lines[0]) == 38
    assert ftx(written) == ["FTX+NC+P00++Dosis 1?+1, kl. 8?:00 (pt.?'s ønske)?? Ja.'"]
    assert read_text(written) == text


def test_long_line_of_service_characters_counts_unescaped() -> None:
    text = FormattedText(["+:'?" * 20, BR])  # 80 characters, 160 once escaped
    written = write_text(text)
    assert [len(line) for line in written[0].lines] == [70, 11]
    assert read_text(written) == text


# ---------------------------------------------------------------------------------------------
# §9.8: what FTX cannot represent directly


def test_a_hard_line_that_is_a_dot_is_escaped() -> None:
    text = FormattedText(["Første", BR, ".", BR, "Sidste", BR])
    written = write_text(text)
    assert written == blocks(("P00", ("Første", ".\\", ".", "Sidste")))
    assert read_text(written) == text


def test_a_hard_line_ending_in_a_backslash_is_escaped() -> None:
    text = FormattedText(["Sti C:\\journal\\", BR, "næste", BR])
    written = write_text(text)
    assert written == blocks(("P00", ("Sti C:\\journal\\\\", ".", "næste")))
    assert read_text(written) == text


def test_escape_at_the_end_without_break_and_the_extra_line_counts_in_packing() -> None:
    text = FormattedText(["a", BR, "b", BR, "c", BR, "d", BR, "."])
    written = write_text(text)
    assert written == blocks(("P00", ("a", "b", "c", "d", ".\\")), ("P00", (".",)))
    assert read_text(written) == FormattedText([*text.content, BR])


def test_soft_lines_ending_in_backslash_or_dot_need_no_escape() -> None:
    text = FormattedText(["x" * 68 + "\\" + "y", BR])
    written = write_text(text)
    assert written == blocks(("P00", ("x" * 68 + "\\\\", "y")))
    assert read_text(written) == text


def test_empty_text_gives_no_ftx() -> None:
    assert write_text(FormattedText()) == []
    assert write_text(FormattedText([Bold([]), FixedFont([])])) == []
    assert read_text([]) == FormattedText()


def test_f1_final_break_is_added() -> None:
    text = FormattedText(["Ingen afsluttende linjeskift"])
    written = write_text(text)
    assert written == blocks(("P00", ("Ingen afsluttende linjeskift",)))
    assert read_text(written) == FormattedText(["Ingen afsluttende linjeskift", BR])


def test_f2_space_is_a_literal_space_and_no_text_is_lost_before_it() -> None:
    """MedCom loses the text before a Space on the same line; medbridge keeps it [POL]."""
    text = FormattedText(["Før", Space(), Space(), "efter", BR])
    written = write_text(text)
    assert written == blocks(("P00", ("Før  efter",)))
    assert read_text(written) == FormattedText(["Før  efter", BR])
    assert normalise_for_ftx(text) == FormattedText(["Før  efter", BR])


def test_buffer_carries_across_text_items_when_wrapping() -> None:
    text = FormattedText(["a" * 40, Space(), "b" * 40, BR])
    written = write_text(text)
    assert written == blocks(("P00", ("a" * 40 + " \\", "b" * 40)))


# ---------------------------------------------------------------------------------------------
# wrapping details of §9.4 step 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x" * 69, ("x" * 69,)),
        ("x" * 70, ("x" * 69 + "\\", "x")),
        ("abc " + "x" * 70, ("abc \\", "x" * 69 + "\\", "x")),  # whitespace at index 3 is used
        ("ab " + "x" * 70, ("ab " + "x" * 66 + "\\", "xxxx")),  # index 2 is not
        ("a\tb" + "x" * 70, ("a\tb" + "x" * 66 + "\\", "xxxx")),
        ("abc\t" + "x" * 70, ("abc\t\\", "x" * 69 + "\\", "x")),  # TAB is whitespace too
        ("ord " * 30, ("ord " * 17 + "\\", "ord " * 13)),
    ],
)
def test_wrap_points(line: str, expected: tuple[str, ...]) -> None:
    written = write_text(FormattedText([line, BR]))
    assert written == blocks(("P00", expected))
    assert read_text(written) == FormattedText([line, BR])


def test_blank_lines_and_six_lines_pack_into_two_ftx() -> None:
    text = FormattedText([BR, BR, "x", BR, BR, BR, "y", BR])
    written = write_text(text)
    assert written == blocks(("P00", (".", ".", "x", ".", ".")), ("P00", ("y",)))
    assert read_text(written) == text


# ---------------------------------------------------------------------------------------------
# styles and runs (§9.3, §9.4 step 1 and 3)


@pytest.mark.parametrize(
    ("element", "code"),
    [
        (Bold(["t"]), "PF0"),
        (Italic(["t"]), "PK0"),
        (Underline(["t"]), "PU0"),
        (FixedFont(["t"]), "F00"),
        (FixedFont([Bold(["t"])]), "FF0"),
        (FixedFont([Italic(["t"])]), "FK0"),
        (FixedFont([Underline(["t"])]), "FU0"),
    ],
)
def test_each_style_has_its_format_code(element: object, code: str) -> None:
    text = FormattedText([element])  # type: ignore[list-item]
    assert write_text(text) == blocks((code, ("t",)))
    assert read_text(blocks((code, ("t\\",)))) == text


@pytest.mark.parametrize(
    ("element", "code"),
    [
        (Center(["t"]), "P0M"),
        (Right(["t"]), "P0H"),
        (FixedFont([Center(["t"])]), "F0M"),
        (FixedFont([Right(["t"])]), "F0H"),
    ],
)
def test_alignments_start_and_end_on_their_own_line(element: object, code: str) -> None:
    text = FormattedText(["før", element, "efter"])  # type: ignore[list-item]
    written = write_text(text)
    assert written == blocks(("P00", ("før",)), (code, ("t",)), ("P00", ("efter",)))
    expected_inner = Center if code.endswith("M") else Right
    wrapped: object = expected_inner(["t", BR])
    if code.startswith("F"):
        wrapped = FixedFont([wrapped])  # type: ignore[list-item]
    assert read_text(written) == FormattedText(["før", BR, wrapped, "efter", BR])  # type: ignore[list-item]


def test_plain_code_inside_fixed_font_and_all_codes_read() -> None:
    assert len(FORMAT_CODES) == 12
    for code in FORMAT_CODES:
        text = read_text(blocks((code, ("a\\",)), (code, ("b",))))
        assert text.plain() == "ab\n"
        if code == "P00":
            assert text.content == ["ab", BR]
        else:  # one wrapper per styled FTX
            assert len(text.content) == 2
            assert not any(isinstance(item, (str, Break)) for item in text.content)


def test_two_bold_ftx_read_as_two_bold_elements() -> None:
    text = read_text(blocks(("PF0", ("Vigtigt\\",)), ("PF0", ("!",))))
    assert text == FormattedText([Bold(["Vigtigt"]), Bold(["!", BR])])
    assert write_text(text) == blocks(("PF0", ("Vigtigt\\",)), ("PF0", ("!",)))


def test_a_long_bold_run_becomes_one_wrapper_per_ftx() -> None:
    lines = [f"Linje {n}" for n in range(7)]
    content: list[str | Break | Space] = []
    for line in lines:
        content.extend([line, BR])
    text = FormattedText([Bold(content)])
    written = write_text(text)
    assert written == blocks(("PF0", tuple(lines[:5])), ("PF0", tuple(lines[5:])))
    assert read_text(written) == FormattedText([Bold(content[:10]), Bold(content[10:])])


def test_real_next_run_last_run_is_hard() -> None:
    """With three runs MedCom looks at the second run; medbridge at the real next one [POL]."""
    text = FormattedText(["a", Bold(["b"]), "c"])
    written = write_text(text)
    assert written == blocks(("P00", ("a\\",)), ("PF0", ("b\\",)), ("P00", ("c",)))
    assert read_text(written) == FormattedText(["a", Bold(["b"]), "c", BR])


def test_step_3_moves_following_breaks_into_the_last_ftx() -> None:
    text = FormattedText([Bold(["x"]), BR, BR, BR, "y", BR])
    written = write_text(text)
    assert written == blocks(("PF0", ("x", ".", ".")), ("P00", ("y",)))
    assert read_text(written) == FormattedText([Bold(["x", BR, BR, BR]), "y", BR])


def test_centre_after_a_break_gets_no_extra_line() -> None:
    text = FormattedText(["Brev", BR, Right(["Dato"]), "Tekst", BR])
    assert write_text(text) == blocks(("P00", ("Brev",)), ("P0H", ("Dato",)), ("P00", ("Tekst",)))


def test_empty_component_reads_as_an_empty_line() -> None:
    text = read_text(blocks(("P00", ("a", "", "b"))))
    assert text == FormattedText(["a", BR, BR, "b", BR])
    assert write_text(text) == blocks(("P00", ("a", "", "b")))  # provenance
    assert canonical(text) == blocks(("P00", ("a", ".", "b")))  # writers never produce ""


# ---------------------------------------------------------------------------------------------
# provenance (§12 P1/P2)


def test_read_records_the_blocks_in_wire() -> None:
    text = read_text(MEDCOM_D)
    assert text.wire[WIRE_KEY] == [[b.format_code, list(b.lines)] for b in MEDCOM_D]


def test_other_senders_wrap_points_survive() -> None:
    original = blocks(("P00", ("Kort \\", "linje", "og en til")))
    text = read_text(original)
    assert write_text(text) == original
    assert canonical(text) == blocks(("P00", ("Kort linje", "og en til")))


def test_changed_text_drops_provenance() -> None:
    text = read_text(blocks(("P00", ("Kort \\", "linje"))))
    text.content.append("!")
    assert write_text(text) == blocks(("P00", ("Kort linje", "!")))


@pytest.mark.parametrize(
    "wire",
    [
        "P00",
        [["P00"]],
        [["P00", "not a list"]],
        [["P00", [1, 2]]],
        [["XYZ", ["Kort linje"]]],
        [["P00", []]],
        [[7, ["Kort linje"]]],
    ],
)
def test_malformed_or_unreadable_provenance_is_ignored(wire: object) -> None:
    text = FormattedText(["Kort linje", BR])
    text.wire[WIRE_KEY] = wire
    assert write_text(text) == blocks(("P00", ("Kort linje",)))


def test_provenance_from_json_lists_is_used() -> None:
    text = FormattedText(["Kort linje", BR])
    text.wire[WIRE_KEY] = [["P00", ["Kort \\", "linje"]]]
    assert write_text(text) == blocks(("P00", ("Kort \\", "linje")))


# ---------------------------------------------------------------------------------------------
# errors


def test_unknown_format_code_is_an_error_with_the_block_index() -> None:
    with pytest.raises(FtxError) as caught:
        read_text(blocks(("P00", ("a",)), ("PFM", ("b",))))
    assert caught.value.code == "edifact.mapping.format-code"
    assert caught.value.block == 1
    assert "PFM" in caught.value.message


@pytest.mark.parametrize("lines", [(), ("1", "2", "3", "4", "5", "6")])
def test_component_count_outside_1_to_5_is_an_error(lines: tuple[str, ...]) -> None:
    with pytest.raises(FtxError) as caught:
        read_text([FtxBlock("P00", lines)])
    assert caught.value.code == "edifact.mapping.ftx-components"
    assert caught.value.block == 0


@pytest.mark.parametrize(
    "build",
    [
        lambda: Center([]),
        lambda: Bold([]),
        lambda: FixedFont([]),
    ],
)
def test_nesting_that_a_format_code_cannot_express_is_refused(build: object) -> None:
    outer = build()  # type: ignore[operator]
    outer.content.append(Bold(["fed"]) if not isinstance(outer, FixedFont) else FixedFont(["x"]))
    text = FormattedText([outer])
    with pytest.raises(FtxError) as caught:
        write_text(text)
    assert caught.value.code == "convert.unrepresentable"
    with pytest.raises(FtxError):
        normalise_for_ftx(text)


def test_foreign_objects_in_the_tree_are_refused() -> None:
    text = FormattedText(["a"])
    text.content.append(42)  # type: ignore[arg-type]
    with pytest.raises(FtxError) as caught:
        write_text(text)
    assert caught.value.code == "convert.unrepresentable"


# ---------------------------------------------------------------------------------------------
# unrepresentable characters


def test_unrepresentable_lists_characters_with_their_plain_index() -> None:
    text = FormattedText(
        ["Pris 5 €", BR, Bold(["tab\there"]), Space(), FixedFont([Italic(["中"])]), "æøå ÿ~", BR]
    )
    found = unrepresentable(text)
    plain = text.plain()
    assert found == [("€", 7), ("\t", 12), ("中", 18)]
    assert all(plain[index] == ch for ch, index in found)


def test_unrepresentable_control_characters_and_latin1_edges() -> None:
    text = FormattedText(["\r\n\x7f\x9f\xa0\xff\u0100 ~"])
    assert unrepresentable(text) == [("\r", 0), ("\n", 1), ("\x7f", 2), ("\x9f", 3), ("\u0100", 6)]
    assert unrepresentable(TEXT_A) == []


def test_aligned_blocks_read_from_edifact_are_a_canonical_fixed_point() -> None:
    """[POL] A Center/Right block that already holds its own leading or trailing Break gets no
    added one, and "the run before it" is the last run with content; so canonical writing of
    what was read gives the same blocks back, without provenance (safety §6.3 fixed point)."""
    blocks = [
        FtxBlock("P0M", (".", "Titel")),
        FtxBlock("F00", ("Bisoprolol 2,5 mg",)),
        FtxBlock("F0M", ("Vægt 71,4 kg", ".")),
        FtxBlock("F0H", ("Kreatinin 142", ".")),
        FtxBlock("P0H", ("Overlæge Åse Ørlighed",)),
    ]
    text = read_text(blocks)
    text.wire.clear()
    assert write_text(text) == blocks
    again = read_text(write_text(text))
    again.wire.clear()
    assert again == text
