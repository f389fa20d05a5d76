"""The EDIFACT syntax layer: UNA, tokenizer, character sets and the segment writer.

Covers safety-and-validation.md §2.1–§2.3 and §8 D (cases 22–33, 39) and edifact-messages.md §2.
The two complete examples of edifact-messages.md §6.5 and §7.5 are copied here verbatim.
"""

from __future__ import annotations

import pytest
from edifact_examples import DIS01, REF01
from hypothesis import given
from hypothesis import strategies as st

from medbridge.edifact import (
    DEFAULT_CHARS,
    Segment,
    ServiceChars,
    Tokenizer,
    encode_interchange,
    escape,
    iter_segments,
    parse_una,
    serialize_interchange,
    serialize_segment,
)
from medbridge.errors import ConversionError, EdifactInputError
from medbridge.findings import Finding, Severity
from medbridge.limits import Limits

UNB = "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+ENV1'"


def tokenize(data: bytes, **kwargs: object) -> list[Segment]:
    return list(iter_segments(data, **kwargs))  # type: ignore[arg-type]


def reject(data: bytes, code: str, limits: Limits | None = None) -> Finding:
    """Tokenize ``data``; it must raise EdifactInputError whose last finding has ``code``."""
    with pytest.raises(EdifactInputError) as info:
        tokenize(data, **({"limits": limits} if limits else {}))
    finding = info.value.findings[-1]
    assert finding.code == code, finding.format()
    assert finding.severity is Severity.ERROR
    assert "{" not in finding.message
    return finding


def interchange(*body: str, una: bool = True, unb: str = UNB, encoding: str = "latin-1") -> bytes:
    text = ("UNA:+.? '" if una else "") + unb + "".join(body) + "UNZ+1+ENV1'"
    return text.encode(encoding)


# -- the examples ------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "count"), [(DIS01, 49), (REF01, 44)])
def test_examples_tokenize_with_numbers_offsets_and_layout(data: bytes, count: int) -> None:
    tokenizer = Tokenizer(data)
    segments = list(tokenizer)
    assert len(segments) == count
    assert [s.number for s in segments] == list(range(1, count + 1))
    assert segments[0].tag == "UNB" and segments[-1].tag == "UNZ"
    for segment in segments:
        assert data[segment.offset : segment.offset + 3].decode("ascii") == segment.tag
        assert segment.layout == "\n"
    assert tokenizer.una == "UNA:+.? '"
    assert tokenizer.una_layout == "\n"
    assert tokenizer.charset is not None and tokenizer.charset.identifier == "UNOC"
    assert tokenizer.syntax_version == 3
    assert tokenizer.findings == []


def test_dis01_values_are_unescaped_and_decoded_latin1() -> None:
    segments = {s.number: s for s in tokenize(DIS01)}
    assert segments[1].elements[0] == ("UNOC", "3")
    nad = segments[12]
    assert nad.tag == "NAD"
    assert nad.elements == (
        ("PO",),
        ("999901", "YNR", "SFU"),
        ("",),
        ("Lægehuset Prøvevej", "", "", "", "", "US"),
    )
    url = segments[47]
    assert url.tag == "FTX"
    assert url.value(4, 2) == "https://eksempel.invalid/r/123"
    assert segments[45].value(4, 1).endswith("infiltrat i \\")


@pytest.mark.parametrize("data", [DIS01, REF01])
@pytest.mark.parametrize("newline", [None, "", "\n", "\r\n"])
def test_examples_write_back_byte_identical(data: bytes, newline: str | None) -> None:
    tokenizer = Tokenizer(data)
    segments = list(tokenizer)
    out = encode_interchange(segments, una_layout=tokenizer.una_layout, newline=newline)
    if newline is None:
        assert out == data
    else:
        assert out == data.replace(b"\n", newline.encode())


# -- §8 D cases ----------------------------------------------------------------------------


def test_22_missing_una_uses_defaults() -> None:
    data = interchange("UNH+1+X:D:93A:UN:Y'", "FTX+AAA+++a?:b?+c?'d??'", "UNT+3+1'", una=False)
    tokenizer = Tokenizer(data)
    segments = list(tokenizer)
    assert tokenizer.una is None and tokenizer.chars == DEFAULT_CHARS
    assert segments[2].elements[3] == ("a:b+c'd?",)


def test_23_five_character_una_is_invalid_and_speaks_of_the_una() -> None:
    finding = reject(b"UNA:+.?'UNB+UNOC:3+1:14+2:14+240101:1200+R'UNZ+0+R'", "edifact.una.invalid")
    assert "UNA" in finding.message and "tag" not in finding.message.lower()
    finding = reject(b"UNA:+.?'\nUNB+UNOC:3'", "edifact.una.invalid")
    assert finding.location.offset == 8
    reject(b"UNA:+", "edifact.una.invalid")


def test_23b_una_decimal_mark_must_be_point_or_comma() -> None:
    reject(b"UNA:+;? 'UNB+UNOC:3'", "edifact.una.invalid")
    assert parse_una(b"UNA:+,? '").decimal == ","


def test_24_una_duplicate_characters() -> None:
    finding = reject(b"UNA::.? 'UNB+UNOC:3'", "edifact.una.duplicate")
    assert "component separator" in finding.message and "data element separator" in finding.message
    reject(b"UNA:+.?:'", "edifact.una.duplicate")
    reject(b"UNA:+.?++", "edifact.una.duplicate")
    # a non-space reserved (repetition) character must differ too
    reject(b"UNA:+.?+'", "edifact.una.duplicate")


def test_25_release_at_end_of_input() -> None:
    data = b"UNA:+.? '" + UNB.encode() + b"FTX+AAA+++abc?"
    finding = reject(data, "edifact.syntax.release-at-end")
    assert finding.location.offset == len(data) - 1


def test_26_release_before_terminator_round_trips() -> None:
    data = interchange("FTX+AAA+++it?'s'")
    segments = tokenize(data)
    assert segments[1].elements[3] == ("it's",)
    assert serialize_segment(segments[1]) == "FTX+AAA+++it?'s'"


def test_27_unterminated_last_segment_names_tag_and_offset() -> None:
    data = b"UNA:+.? '" + UNB.encode() + b"UNZ+1+REF1"
    finding = reject(data, "edifact.syntax.unterminated")
    assert finding.location.tag == "UNZ"
    assert finding.location.offset == data.index(b"UNZ")
    assert "UNZ" in finding.message and str(data.index(b"UNZ")) in finding.message
    # a trailing newline does not hide it
    reject(data + b"\n", "edifact.syntax.unterminated")


def test_28_empty_segment_has_its_number() -> None:
    finding = reject(interchange("UNH+1+X:D:93A:UN:Y'", "'"), "edifact.syntax.empty-segment")
    assert finding.location.segment == 3
    assert "{" not in finding.message


def test_29_bom_before_una() -> None:
    finding = reject(b"\xef\xbb\xbf" + interchange(), "edifact.syntax.bom")
    assert finding.location.offset == 0
    reject(b"\xff\xfe" + interchange(), "edifact.syntax.bom")


def test_30_nul_in_data_is_located() -> None:
    data = interchange("UNH+1+X:D:93A:UN:Y'", "FTX+AAA+++a\x00b'")
    finding = reject(data, "edifact.charset.control")
    loc = finding.location
    assert (loc.segment, loc.tag, loc.element, loc.component) == (3, "FTX", 4, 1)
    assert loc.offset == data.index(b"\x00")
    assert "U+0000 NULL" in finding.message


def test_31_lf_inside_element() -> None:
    data = interchange("FTX+AAA+++line1\nline2'")
    finding = reject(data, "edifact.charset.control")
    assert finding.location.offset == data.index(b"\n")
    assert finding.location.element == 4
    reject(interchange("FTX+AAA+++a\rb'"), "edifact.charset.control")
    reject(interchange("FTX+AAA+++a\tb'"), "edifact.charset.control")


def test_31b_release_then_newline() -> None:
    data = interchange("FTX+AAA+++line1?\nline2'")
    finding = reject(data, "edifact.syntax.release-newline")
    assert finding.location.offset == data.index(b"?\n")
    unterminated = b"UNA:+.? '" + UNB.encode() + b"FTX+A?\n"
    reject(unterminated, "edifact.syntax.release-newline")


def test_32_crlf_between_segments_is_layout() -> None:
    plain = interchange("UNH+1+X:D:93A:UN:Y'", "FTX+AAA+++Søren'", "UNT+3+1'")
    crlf = plain.replace(b"'", b"'\r\n")
    mixed = plain.replace(b"'", b"' \t\n")
    for variant, layout in ((crlf, "\r\n"), (mixed, " \t\n")):
        tokenizer = Tokenizer(variant)
        segments = list(tokenizer)
        assert [(s.tag, s.elements) for s in segments] == [
            (s.tag, s.elements) for s in tokenize(plain)
        ]
        assert all(s.layout == layout for s in segments)
        assert tokenizer.una_layout == layout
        assert encode_interchange(segments, una_layout=tokenizer.una_layout) == variant


def test_33_lowercase_and_malformed_tags() -> None:
    finding = reject(interchange("unh+1+X:D:93A:UN:Y'"), "edifact.syntax.bad-tag")
    assert "'unh'" in finding.message and finding.location.segment == 2
    reject(interchange("UN-H+1'"), "edifact.syntax.bad-tag")
    reject(interchange("A:B+1'"), "edifact.syntax.bad-tag")
    reject(interchange("UNHH+1'"), "edifact.syntax.bad-tag")
    reject(interchange("1NH+1'"), "edifact.syntax.bad-tag")


def test_39_unknown_syntax_identifier() -> None:
    finding = reject(
        interchange(unb="UNB+UNOZ:3+1:14+2:14+240101:1200+ENV1'"), "edifact.charset.unsupported"
    )
    assert "UNOZ" in finding.message
    assert (finding.location.element, finding.location.component) == (1, 1)


# -- more first-bytes and UNA rules ------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t "])
def test_empty_input(data: bytes) -> None:
    reject(data, "input.empty")


@pytest.mark.parametrize("prefix", [b" ", b"\n", b"xx", b"garbage'"])
def test_leading_data_is_never_dropped(prefix: bytes) -> None:
    finding = reject(prefix + interchange(), "edifact.syntax.leading-data")
    assert finding.location.offset == 0


def test_una_only_and_repeated_una() -> None:
    reject(b"UNA:+.? '", "edifact.envelope.no-interchange")
    reject(b"UNA:+.? '\n", "edifact.envelope.no-interchange")
    reject(b"UNA:+.? 'UNA:+.? 'UNB+UNOC:3'", "edifact.una.repeated")
    finding = reject(interchange("UNA:+.? '"), "edifact.una.repeated")
    assert finding.location.segment == 2


def test_first_segment_not_unb() -> None:
    finding = reject(b"UNH+1+X:D:93A:UN:Y'UNT+2+1'", "edifact.envelope.unb-missing")
    assert "UNH" in finding.message
    reject(b"UNA:+.? 'UNH+1'", "edifact.envelope.unb-missing")


def test_custom_una_is_honoured_and_round_trips() -> None:
    data = b"UNA|*.\\ ~UNB*UNOC|3*1|14*2|14*240101|1200*R~FTX*a\\*b\\~c*x|y\\|z~UNZ*0*R~"
    tokenizer = Tokenizer(data)
    segments = list(tokenizer)
    assert tokenizer.chars == ServiceChars("|", "*", ".", "\\", " ", "~")
    assert segments[1].elements == (("a*b~c",), ("x", "y|z"))
    assert encode_interchange(segments, chars=tokenizer.chars) == data


# -- syntax identifiers and versions --------------------------------------------------------


@pytest.mark.parametrize(
    ("s001", "code"),
    [
        ("UNOC", "edifact.envelope.syntax-version"),
        ("UNOC:", "edifact.envelope.syntax-version"),
        ("UNOC:7", "edifact.envelope.syntax-version"),
        ("UNOY:3", "edifact.envelope.syntax-version"),
        ("unoc:3", "edifact.charset.unsupported"),
        ("UNOW:3", "edifact.charset.unsupported"),
    ],
)
def test_syntax_identifier_and_version(s001: str, code: str) -> None:
    reject(interchange(unb=f"UNB+{s001}+1:14+2:14+240101:1200+ENV1'"), code)


def test_unb_without_syntax_identifier() -> None:
    reject(b"UNB'UNZ+0+R'", "edifact.envelope.unb-incomplete")
    reject(b"UNB++1:14'UNZ+0+R'", "edifact.envelope.unb-incomplete")


UNOY = "UNB+UNOY:4+1:14+2:14+20240101:1200+ENV1'"


def test_unoy_reads_utf8() -> None:
    data = interchange("FTX+AAA+++Søren Ærø Ålborg €'", unb=UNOY, encoding="utf-8")
    segments = tokenize(data)
    assert segments[1].value(4) == "Søren Ærø Ålborg €"
    # offsets stay byte offsets
    assert data[segments[2].offset : segments[2].offset + 3] == b"UNZ"


def test_unoy_ascii_runs_and_wide_segments_keep_byte_offsets() -> None:
    # ASCII segments take the window path, the ones with a non-ASCII byte the exact path.
    body = ["NAD+PO+1'", "FTX+AAA+++Ærø'", "DTM+137:1:203'\r\n", "FTX+AAA+++€ ?+'", "CON++9:TE'"]
    data = interchange(*body, *body, unb=UNOY, encoding="utf-8")
    segments = tokenize(data)
    assert [s.tag for s in segments[1:-1]] == ["NAD", "FTX", "DTM", "FTX", "CON"] * 2
    for segment in segments:
        assert data[segment.offset : segment.offset + 3] == segment.tag.encode("ascii")
    assert segments[2].value(4) == "Ærø"
    assert segments[4].value(4) == "€ +"
    assert segments[3].layout == "\r\n"
    assert [s.number for s in segments] == list(range(1, 13))


def test_unoy_private_use_characters_next_to_releases() -> None:
    text = "FTX+a\ue001?:b+\ue000??'"
    segments = tokenize(interchange(text, unb=UNOY, encoding="utf-8"))
    assert segments[1].elements == (("a\ue001:b",), ("\ue000?",))


def test_unoy_invalid_utf8() -> None:
    data = interchange("FTX+AAA+++S\xf8ren'", unb=UNOY)  # Latin-1 ø under a UTF-8 declaration
    finding = reject(data, "edifact.charset.invalid-utf8")
    assert finding.location.offset == data.index(b"\xf8")
    assert finding.location.element == 4


def test_unoy_c1_character_is_a_control() -> None:
    reject(
        interchange("FTX+AAA+++a\u0085b'", unb=UNOY, encoding="utf-8"), "edifact.charset.control"
    )


def test_unoc_c1_bytes_are_located() -> None:
    data = interchange("UNH+1+X:D:93A:UN:Y'", "FTX+AAA+++x:\x93quoted\x94'")
    finding = reject(data, "edifact.charset.c1-control")
    loc = finding.location
    assert (loc.segment, loc.tag, loc.element, loc.component) == (3, "FTX", 4, 2)
    assert loc.offset == data.index(b"\x93")
    assert "windows-1252" in finding.message and "U+201C" in finding.message
    reject(interchange("FTX+AAA+++5 \x80'"), "edifact.charset.c1-control")


@pytest.mark.parametrize("text", ["Søren Ærø Ålborg", "Ødis", "æ", "Ã¸"])
def test_unoc_utf8_is_suspected(text: str) -> None:
    data = interchange(f"FTX+AAA+++{text}'", encoding="utf-8" if text != "Ã¸" else "latin-1")
    finding = reject(data, "edifact.charset.utf8-suspected")
    assert finding.location.segment == 2 and finding.location.element == 4


def test_unoc_latin1_with_symbols_is_fine() -> None:
    segments = tokenize(interchange("FTX+AAA+++38,5° ½ § Søren'"))
    assert segments[1].value(4) == "38,5° ½ § Søren"


def test_unoa_repertoire() -> None:
    unoa = "UNB+UNOA:3+1:14+2:14+240101:1200+ENV1'"
    assert tokenize(interchange("FTX+AAA+++HEJ (1/2) = 50%'", unb=unoa))[1].value(4) == (
        "HEJ (1/2) = 50%"
    )
    finding = reject(interchange("FTX+AAA+++Hej'", unb=unoa), "edifact.charset.repertoire")
    assert "U+0065 LATIN SMALL LETTER E" in finding.message
    assert finding.location.offset is not None
    finding = reject(interchange("FTX+AAA+++S\xe6T'", unb=unoa), "edifact.charset.repertoire")
    assert "U+00E6 LATIN SMALL LETTER AE" in finding.message
    unob = "UNB+UNOB:3+1:14+2:14+240101:1200+ENV1'"
    assert tokenize(interchange("FTX+AAA+++hej'", unb=unob))[1].value(4) == "hej"
    finding = reject(interchange("FTX+AAA+++bl\xe5'", unb=unob), "edifact.charset.repertoire")
    assert "U+00E5 LATIN SMALL LETTER A WITH RING ABOVE" in finding.message


# -- releases, empty content, limits --------------------------------------------------------


def test_needless_release_is_an_info() -> None:
    tokenizer = Tokenizer(interchange("UNH+1+X:D:93A:UN:Y'", "FTX+AAA+++x:?a?.b'"))
    segments = list(tokenizer)
    assert segments[2].elements[3] == ("x", "a.b")
    needless = [f for f in tokenizer.findings if f.code == "edifact.syntax.needless-release"]
    assert len(needless) == 2
    assert needless[0].severity is Severity.INFO
    loc = needless[0].location
    assert (loc.segment, loc.tag, loc.element, loc.component) == (3, "FTX", 4, 2)
    # written back without the release (normalisation E1)
    assert serialize_segment(segments[2]) == "FTX+AAA+++x:a.b'"


def test_tag_only_segment_warns() -> None:
    tokenizer = Tokenizer(interchange("FTX'"))
    segments = list(tokenizer)
    assert segments[1].elements == ()
    assert [f.code for f in tokenizer.findings] == ["edifact.syntax.empty-segment-content"]
    assert tokenizer.findings[0].severity is Severity.WARNING


def test_repeated_tag_only_segments_stay_empty() -> None:
    # regression: the fast path must not reuse a tag-only segment's tag for "FTX+"
    segments = tokenize(interchange("FTX'", "FTX'", "FTX+a'", "FTX'", "FTX+'"))
    assert [s.elements for s in segments[1:-1]] == [(), (), (("a",),), (), (("",),)]


def test_trailing_data_after_unz() -> None:
    reject(interchange() + b"junk", "edifact.envelope.trailing-data")
    reject(interchange() + b"\nUNB+UNOC:3'", "edifact.envelope.trailing-data")
    assert tokenize(interchange() + b"\r\n\n")[-1].layout == "\r\n\n"


def test_segment_length_limit() -> None:
    limits = Limits(max_segment_bytes=100)
    data = interchange("FTX+AAA+++" + "x" * 200 + "'")
    finding = reject(data, "edifact.limit.segment", limits)
    assert finding.location.segment == 2
    tokenize(interchange("FTX+AAA+++" + "x" * 80 + "'"), limits=limits)


def test_segment_count_limit() -> None:
    data = interchange(*(["GIS+N'"] * 20))
    finding = reject(data, "edifact.limit.segments", Limits(max_segments=10))
    assert finding.location.segment == 11
    assert len(tokenize(data, limits=Limits(max_segments=22))) == 22


def test_big_interchange_errors_are_located_after_the_fast_path() -> None:
    message = DIS01.split(b"\n", 2)[2].rsplit(b"UNZ", 1)[0]
    head = DIS01.split(b"\n", 2)
    many = head[0] + b"\n" + head[1] + b"\n" + message * 200 + b"UNZ+200+ENV0000042'"
    segments = tokenize(many, limits=Limits(max_segments=20_000))
    assert len(segments) == 2 + 47 * 200
    assert all(many[s.offset : s.offset + 3].decode() == s.tag for s in segments)
    assert [s.number for s in segments] == list(range(1, len(segments) + 1))
    broken_at = segments[7000]
    cut = broken_at.offset + 4
    broken = many[:cut] + b"\x00" + many[cut:]
    finding = reject(broken, "edifact.charset.control", Limits(max_segments=20_000))
    assert finding.location.segment == broken_at.number
    assert finding.location.offset == cut


def test_str_input_is_a_caller_error() -> None:
    with pytest.raises(TypeError):
        Tokenizer("UNB+UNOC:3'")  # type: ignore[arg-type]


# -- writer ---------------------------------------------------------------------------------


def test_escape() -> None:
    assert escape("Dosis 1+1 kl. 8:00? Ja") == "Dosis 1?+1 kl. 8?:00?? Ja"
    assert escape("pt.'s ønske") == "pt.?'s ønske"
    assert escape("plain . and space") == "plain . and space"
    custom = ServiceChars("|", "*", ".", "\\", " ", "~")
    assert escape("a*b~c|d\\e:f+g'", custom) == "a\\*b\\~c\\|d\\\\e:f+g'"


def test_serialize_drops_trailing_empties() -> None:
    assert serialize_segment(Segment("SEQ", (("",), ("1",), ("", "")))) == "SEQ++1'"
    pna = Segment(
        "PNA",
        (("PAT",), ("0101011234", "", "", "CPR", "IM"), ("",), ("",), ("SU", "Testesen"), ("",)),
    )
    assert serialize_segment(pna) == "PNA+PAT+0101011234:::CPR:IM+++SU:Testesen'"
    assert serialize_segment(Segment("X01", (("123", "", "", ""),))) == "X01+123'"
    assert serialize_segment(Segment("FTX")) == "FTX'"
    nad = Segment(
        "NAD", (("PO",), ("999901", "YNR", "SFU"), ("",), ("Lægehuset", "", "", "", "", "US"))
    )
    assert serialize_segment(nad) == "NAD+PO+999901:YNR:SFU++Lægehuset:::::US'"


def test_serialize_interchange_una_and_layout() -> None:
    segments = [Segment("UNB", (("UNOC", "3"),)), Segment("UNZ", (("0",),))]
    assert serialize_interchange(segments) == "UNA:+.? 'UNB+UNOC:3'UNZ+0'"
    assert serialize_interchange(segments, una=False, newline="\n") == "UNB+UNOC:3'\nUNZ+0'\n"
    assert serialize_interchange(segments, newline="\r\n").startswith("UNA:+.? '\r\nUNB")
    with pytest.raises(ValueError):
        serialize_interchange(segments, newline="x")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("5 €", "U+20AC EURO SIGN"),
        ("“x”", "U+201C"),
        ("a\nb", "U+000A LINE FEED"),
        ("a\tb", "U+0009"),
    ],
)
def test_unrepresentable_characters_refuse_to_write(value: str, name: str) -> None:
    segments = [
        Segment("UNB", (("UNOC", "3"), ("1", "14"))),
        Segment("FTX", (("AAA",), ("",), ("",), ("ok", value))),
    ]
    with pytest.raises(ConversionError) as info:
        encode_interchange(segments)
    finding = info.value.findings[0]
    assert finding.code == "convert.unrepresentable"
    assert name in finding.message
    loc = finding.location
    assert (loc.segment, loc.tag, loc.element, loc.component) == (2, "FTX", 4, 2)


def test_unoa_writer_refuses_lower_case_but_escapes_service_characters() -> None:
    unb = Segment("UNB", (("UNOA", "3"),))
    assert encode_interchange([unb, Segment("FTX", (("A+B:C'D?",),))], una=False) == (
        b"UNB+UNOA:3'FTX+A?+B?:C?'D??'"
    )
    with pytest.raises(ConversionError):
        encode_interchange([unb, Segment("FTX", (("abc",),))])


def test_unoy_writer_encodes_utf8() -> None:
    segments = [Segment("UNB", (("UNOY", "4"),)), Segment("FTX", (("5 €",),))]
    assert encode_interchange(segments, una=False) == "UNB+UNOY:4'FTX+5 €'".encode()


def test_writer_refuses_bad_tags_and_layout() -> None:
    with pytest.raises(ConversionError):
        encode_interchange([Segment("unb")])
    with pytest.raises(ConversionError):
        encode_interchange([Segment("UNB", (("UNOC", "3"),), layout="x")])


# -- properties -------------------------------------------------------------------------------

_TAGS = st.from_regex(r"[A-Z][A-Z0-9]{2}", fullmatch=True).filter(lambda t: t not in ("UNA", "UNZ"))
_VALUE = st.text(alphabet="?:+' .aZ09æøåÆØÅé\\*~|", max_size=8)


@st.composite
def _segments(draw: st.DrawFn) -> list[Segment]:
    out = []
    for _ in range(draw(st.integers(1, 6))):
        elements = draw(st.lists(st.lists(_VALUE, min_size=1, max_size=3).map(tuple), max_size=4))
        segment = Segment(draw(_TAGS), tuple(elements)).trimmed()
        layout = draw(st.sampled_from(["", "\n", "\r\n", " ", "\t\n"]))
        out.append(Segment(segment.tag, segment.elements, layout=layout))
    return out


@given(
    _segments(),
    st.sampled_from([DEFAULT_CHARS, ServiceChars("|", "*", ",", "\\", " ", "~")]),
)
def test_tokenize_serialize_round_trip(body: list[Segment], chars: ServiceChars) -> None:
    segments = [Segment("UNB", (("UNOC", "3"), ("1",))), *body, Segment("UNZ", (("1",), ("R",)))]
    data = encode_interchange(segments, chars=chars)
    tokenizer = Tokenizer(data)
    back = list(tokenizer)
    assert [(s.tag, s.elements, s.layout) for s in back] == [
        (s.tag, s.elements, s.layout) for s in segments
    ]
    assert [s.number for s in back] == list(range(1, len(segments) + 1))
    assert all(data[s.offset : s.offset + 3].decode() == s.tag for s in back)
    assert encode_interchange(back, chars=tokenizer.chars) == data


def _only_input_errors(data: bytes) -> None:
    try:
        tokenizer = Tokenizer(data, limits=Limits(max_segment_bytes=200, max_segments=50))
        for _ in tokenizer:
            pass
    except EdifactInputError as exc:
        assert any(f.is_error for f in exc.findings)


@given(st.binary(max_size=300))
def test_fuzz_binary_only_raises_input_errors(data: bytes) -> None:
    _only_input_errors(data)


@given(
    st.sampled_from([b"", b"UNA:+.? '", b"UNA:+.? '\n"]),
    st.sampled_from(["UNOA:3", "UNOB:3", "UNOC:3", "UNOY:4", "UNOC"]),
    st.binary(max_size=200),
)
def test_fuzz_after_a_valid_header(prefix: bytes, s001: str, tail: bytes) -> None:
    _only_input_errors(prefix + f"UNB+{s001}+1:14+2:14+240101:1200+R'".encode() + tail)


@given(st.data())
def test_fuzz_mutated_example(data: st.DataObject) -> None:
    source = bytearray(DIS01)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(source) - 1))
        byte = data.draw(st.sampled_from([0, 10, 13, 0x3F, 0x27, 0x2B, 0x3A, 0x93, 0xC3, 0x61]))
        if data.draw(st.booleans()):
            source[index] = byte
        else:
            source.insert(index, byte)
    _only_input_errors(bytes(source))
