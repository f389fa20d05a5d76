"""The shortcuts of the XML read and validate path give exactly what the plain ways give.

Each fast path (performance issue #6) is checked against a straightforward reference written
here: the declared-namespace list against a walk over every element's ``nsmap``, the location-hint
pre-check against a look at every element's attributes, the precomputed tags and code members of
the mapping tables against building them on the spot, the Letter header fields against
``find``/``itertext``, the C1 pre-check against the decoded text, and two rule helpers against
datetime arithmetic and ``FormattedText.plain()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fixture_cases import valid_fixtures
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from medbridge.codecs.xml import codec
from medbridge.codecs.xml.mapping import (
    Code,
    Flat,
    Leaf,
    ReadContext,
    Struct,
    Wrap,
    element_children,
    split_children,
)
from medbridge.errors import XmlInputError
from medbridge.model.codes import IdentifierCode
from medbridge.model.text import Bold, Break, FixedFont, FormattedText, Italic, Space
from medbridge.validation.checks import Point, has_text
from medbridge.xml import encoding, schema
from medbridge.xml.namespaces import M100, M103, MC2005, XSI
from medbridge.xml.parse import parse_xml
from medbridge.xml.paths import element_path, local_name, namespace_of

# ---------------------------------------------------------------------------------------------
# generated documents: nested elements with namespace declarations, comments and attributes

_URIS = ("urn:a", "urn:b", MC2005, M103, XSI)
_PREFIXES = ("", "p", "q", "xsi")
_NAMES = ("E", "F", "Local_Elements")
_ATTRIBUTES = ("", "xsi:schemaLocation", "xsi:noNamespaceSchemaLocation", "xsi:type", "plain")

_declarations = st.dictionaries(st.sampled_from(_PREFIXES), st.sampled_from(_URIS), max_size=3)
_nodes = st.recursive(
    st.tuples(
        st.sampled_from(_NAMES),
        _declarations,
        st.sampled_from(_ATTRIBUTES),
        st.booleans(),  # a comment before the children
        st.just(()),
    ),
    lambda children: st.tuples(
        st.sampled_from(_NAMES),
        _declarations,
        st.sampled_from(_ATTRIBUTES),
        st.booleans(),
        st.lists(children, max_size=3).map(tuple),
    ),
    max_leaves=12,
)


def _render(node: Any, in_scope: dict[str, str]) -> str:
    name, declarations, attribute, comment, children = node
    declarations = dict(declarations)
    attributes = ""
    if attribute.startswith("xsi:"):
        if in_scope.get("xsi") != XSI and declarations.get("xsi") != XSI:
            declarations["xsi"] = XSI
        attributes = f' {attribute}="urn:x x.xsd"'
    elif attribute == "plain":
        attributes = ' schemaLocation="plain"'
    scope = {**in_scope, **declarations}
    xmlns = "".join(
        f' xmlns="{uri}"' if prefix == "" else f' xmlns:{prefix}="{uri}"'
        for prefix, uri in declarations.items()
    )
    inner = "<!-- note -->" if comment else ""
    inner += "".join(_render(child, scope) for child in children)
    return f"<{name}{xmlns}{attributes}>{inner}</{name}>"


def _document(node: Any) -> Any:
    return parse_xml(_render(node, {}).encode("utf-8")).root


def _reference_declared_namespaces(root: Any) -> list[list[str]]:
    """The declared-namespace walk medbridge used before: every element's nsmap."""
    seen: dict[str, str] = {}
    stack: list[tuple[Any, dict[str | None, str]]] = [(root, {})]
    while stack:
        element, inherited = stack.pop()
        nsmap = element.nsmap
        for prefix, uri in nsmap.items():
            if inherited.get(prefix) != uri:
                seen.setdefault(prefix or "", uri)
        if local_name(element) == "Local_Elements":
            continue
        children = [c for c in element if isinstance(c.tag, str)]
        stack.extend((child, nsmap) for child in reversed(children))
    return [[prefix, uri] for prefix, uri in seen.items()]


def _reference_hint(root: Any) -> tuple[str, int | None] | None:
    """(path, line) of the first element carrying an xsi location hint, looking everywhere."""
    hints = (f"{{{XSI}}}schemaLocation", f"{{{XSI}}}noNamespaceSchemaLocation")
    for element in root.iter():
        if isinstance(element.tag, str) and any(h in element.attrib for h in hints):
            return element_path(element), element.sourceline
    return None


@given(_nodes)
def test_declared_namespaces_match_the_nsmap_walk(node: Any) -> None:
    root = _document(node)
    assert codec.declared_namespaces(root) == _reference_declared_namespaces(root)


@given(_nodes)
def test_location_hint_precheck_finds_what_a_full_scan_finds(node: Any) -> None:
    root = _document(node)
    findings = schema.location_hint_findings(root)
    expected = _reference_hint(root)
    if expected is None:
        assert findings == []
    else:
        assert len(findings) == 1
        assert findings[0].code == schema.LOCATION_HINT_IGNORED
        assert (findings[0].location.path, findings[0].location.line) == expected


@pytest.mark.parametrize("path", valid_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_namespaces_and_hints_match_the_references(path: Any) -> None:
    root = parse_xml(path.read_bytes()).root
    assert codec.declared_namespaces(root) == _reference_declared_namespaces(root)
    hint = schema.location_hint_findings(root)
    expected = _reference_hint(root)
    assert [(f.location.path, f.location.line) for f in hint] == ([expected] if expected else [])


def test_a_hint_inside_local_elements_is_still_found() -> None:
    root = parse_xml(
        f'<Emessage xmlns="{MC2005}"><Local_Elements xmlns:xsi="{XSI}">'
        '<X xsi:schemaLocation="urn:x x.xsd"/></Local_Elements></Emessage>'.encode()
    ).root
    findings = schema.location_hint_findings(root)
    assert [f.location.path for f in findings] == ["/Emessage/Local_Elements/X"]
    # ... while Local_Elements' content does not add to the recorded prefix map.
    assert codec.declared_namespaces(root) == [["", MC2005], ["xsi", XSI]]


# ---------------------------------------------------------------------------------------------
# the mapping tables


def _entries(struct: Struct) -> Iterator[Any]:
    """Every entry reachable from ``struct`` (tables are trees; shared ones appear repeatedly)."""
    stack: list[Any] = list(struct.entries)
    seen: set[int] = set()
    while stack:
        entry = stack.pop()
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        yield entry
        if isinstance(entry, Flat):
            stack.extend(entry.struct.entries)
        elif isinstance(entry, Leaf):
            conv = entry.conv
            if isinstance(conv, Struct):
                stack.extend(conv.entries)
            elif isinstance(conv, Wrap):
                stack.append(conv.inner)


def _all_entries() -> list[Any]:
    out: list[Any] = []
    for mapping in codec.mappings():
        out.extend(_entries(mapping.letter))
        out.extend(_entries(mapping.envelope))
    return out


@pytest.mark.parametrize("ns", [None, "", MC2005, M100, M103])
def test_leaf_tags_are_the_clark_names_in_each_namespace(ns: str | None) -> None:
    leaves = [e for e in _all_entries() if isinstance(e, Leaf)]
    assert len(leaves) > 100
    for leaf in leaves:
        expected = f"{{{ns}}}{leaf.name}" if ns else leaf.name
        assert leaf.tags[ns] == expected
        assert leaf.tags[ns] is leaf.tags[ns]  # built once, then looked up


def test_every_code_converter_maps_exactly_its_enum_values() -> None:
    codes = {
        id(e.conv): e.conv for e in _all_entries() if isinstance(getattr(e, "conv", None), Code)
    }
    assert codes
    for code in codes.values():
        assert code.members == {m.value: m for m in code.enum_cls}
        for value, member in code.members.items():
            assert code.enum_cls(value) is member


_xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(st.one_of(_xml_text, st.sampled_from([c.value for c in IdentifierCode])))
def test_code_reading_agrees_with_the_enum(raw: str) -> None:
    element = etree.Element("X")
    element.text = raw
    for code in (Code(IdentifierCode), Code(IdentifierCode, open=True)):
        ctx = ReadContext()
        value = code.read(element, ctx)
        try:
            expected: Any = code.enum_cls(element.text or "")
        except ValueError:
            expected = (element.text or "") if code.open else None
        assert value == expected
        assert type(value) is type(expected)
        assert ctx.errors == (0 if code.open or expected is not None else 1)


def test_split_children_keeps_each_tag_next_to_its_element() -> None:
    root = parse_xml(b'<a xmlns="urn:a"> <b/><!-- c --><d>x</d>\n<b/></a>').root
    ctx = ReadContext()
    split = split_children(root, ctx)
    assert split is not None
    elements, tags = split
    assert tags == ["{urn:a}b", "{urn:a}d", "{urn:a}b", None]  # None: the sentinel
    assert [e.tag for e in elements] == tags[:-1]
    assert [f.code for f in ctx.findings] == ["xml.comment-dropped"]
    assert element_children(root, ReadContext()) == elements


@pytest.mark.parametrize(
    "xml",
    [
        b'<a xmlns="urn:a"/>',
        b"<a/>",
        b'<p:a xmlns:p="urn:p"/>',
        f'<a xmlns="{MC2005}"/>'.encode(),
    ],
)
def test_namespace_of_matches_qname(xml: bytes) -> None:
    root = parse_xml(xml).root
    assert namespace_of(root) == etree.QName(root).namespace


# ---------------------------------------------------------------------------------------------
# detection's Letter header


def _reference_header(letter: Any, name: str) -> str | None:
    ns = etree.QName(letter).namespace
    header = letter.find(f"{{{ns}}}Letter" if ns else "Letter")
    if header is None:
        return None
    child = header.find(f"{{{ns}}}{name}" if ns else name)
    return None if child is None else "".join(child.itertext())


_field_text = st.sampled_from(["XD0133L", "", "a<!--c-->b", "a<x>b</x>c", " X "])


@given(
    st.lists(
        st.tuples(st.sampled_from(["Identifier", "VersionCode", "TypeCode", "Other"]), _field_text),
        max_size=6,
    ),
    st.sampled_from([MC2005, None]),
    st.booleans(),
)
def test_header_fields_match_find_and_itertext(
    fields: list[tuple[str, str]], ns: str | None, has_header: bool
) -> None:
    xmlns = f' xmlns="{ns}"' if ns else ""
    inner = "".join(f"<{name}>{text}</{name}>" for name, text in fields)
    header = f"<Letter>{inner}</Letter>" if has_header else inner
    letter = parse_xml(f"<DischargeLetter{xmlns}>{header}</DischargeLetter>".encode()).root
    found = codec.header_fields(letter)
    for name in codec.HEADER_FIELDS:
        assert found.get(name) == _reference_header(letter, name)


# ---------------------------------------------------------------------------------------------
# the C1 pre-check of the syntax layer


@pytest.mark.parametrize("codec_name", ["utf-8", "latin-1", "cp1252", "ascii"])
@given(st.text(max_size=30))
def test_c1_precheck_never_hides_a_c1_control(codec_name: str, text: str) -> None:
    try:
        data = text.encode(codec_name)
    except UnicodeEncodeError:
        return
    decoded = data.decode(codec_name)
    if encoding.C1_CONTROLS.search(decoded):
        assert encoding.may_hold_c1(data, codec_name)


def test_c1_controls_are_still_reported_for_each_encoding() -> None:
    for label, body in (("UTF-8", "\u0085".encode()), ("ISO-8859-1", b"\x85")):
        data = f'<?xml version="1.0" encoding="{label}"?><a>x'.encode() + body + b"</a>"
        with pytest.raises(XmlInputError) as caught:
            parse_xml(data)
        assert [f.code for f in caught.value.findings] == ["xml.encoding.c1-control"]


# ---------------------------------------------------------------------------------------------
# rule helpers


def _reference_later(a: Any, b: Any, slack_days: int) -> bool:
    if a.minute is not None and b.minute is not None:
        mine = dt.datetime.combine(a.date, dt.time()) + dt.timedelta(minutes=a.minute)
        theirs = dt.datetime.combine(b.date, dt.time()) + dt.timedelta(minutes=b.minute)
        return mine - theirs > dt.timedelta(days=slack_days)
    return a.date - b.date > dt.timedelta(days=slack_days)


_points = st.builds(
    Point,
    st.dates(dt.date(1, 1, 2), dt.date(9999, 12, 30)),
    st.none() | st.integers(1, 1439),
)


@given(_points, _points, st.sampled_from([0, 1]))
def test_later_than_matches_datetime_arithmetic(a: Any, b: Any, slack_days: int) -> None:
    assert a.later_than(b, slack_days) is _reference_later(a, b, slack_days)


_runs = st.sampled_from(["", " ", "\n\t", "\u00a0", "x", " tekst ", "\u2003"])
_flat = st.one_of(_runs, st.just(Break()), st.just(Space()))
_styled = st.one_of(
    st.builds(Bold, st.lists(_flat, max_size=3)), st.builds(Italic, st.lists(_flat, max_size=3))
)
_formatted = st.builds(
    FormattedText,
    st.lists(
        st.one_of(
            _flat, _styled, st.builds(FixedFont, st.lists(st.one_of(_flat, _styled), max_size=3))
        ),
        max_size=5,
    ),
)


@given(st.none() | _formatted)
def test_has_text_matches_the_plain_text(text: FormattedText | None) -> None:
    expected = text is not None and bool(text.plain().strip())
    assert has_text(text) is expected
