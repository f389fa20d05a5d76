"""Bounded cost on any input (issue 11, points 8 and 10): work is counted, never timed.

- Schema findings: each parent's children are indexed once for all the findings located in it
  (``PathLocator.visits``), and xmlschema stops at the findings cap (the errors it built).
- XML count limits: millions of tiny nodes under the byte limit are refused from the text, before
  lxml builds a tree, with a located ``xml.limit.*`` finding; ``tracemalloc`` shows the peak of
  Python memory stays a small multiple of the input.
- EDIFACT: 20 MiB of tiny segments or of empty data elements is refused with a located
  ``edifact.limit.*`` finding, the component count the same on every tokenizer path.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import medbridge
from medbridge import Limits
from medbridge.edifact.syntax import Tokenizer
from medbridge.errors import EdifactInputError, XmlInputError
from medbridge.findings import MAX_FINDINGS, Finding
from medbridge.xml.budget import count_nodes
from medbridge.xml.parse import parse_xml
from medbridge.xml.paths import PathLocator, element_path
from medbridge.xml.schema import (
    MEDCOM_2005,
    MUNICIPALITY,
    bounded_errors,
    compiled_validators,
    schema_for_namespace,
    validate_tree,
)

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
LETTER = (VALID / "epikrise" / "apopleksi.xml").read_bytes()
CARE_PLAN = (VALID / "plejeforloebsplan" / "formatering-utf8.xml").read_bytes()
EDI = (VALID / "epikrise" / "medcom-example-6-5.edi").read_bytes()
SIZE = 20 * 1024 * 1024 - 64 * 1024  # just under the default byte limit


def _insert(base: bytes, marker: bytes, filler: bytes, *, before: bool = False) -> bytes:
    head, sep, tail = base.partition(marker)
    assert sep, marker
    return head + filler + sep + tail if before else head + sep + filler + tail


def _siblings(count: int, element: bytes = b"<X/>") -> bytes:
    """The letter with ``count`` copies of ``element`` at the end of DischargeLetter."""
    return _insert(LETTER, b"</DischargeLetter>", element * count, before=True)


def _fill(marker: bytes, unit: bytes, *, before: bool = False) -> bytes:
    """The letter with ``unit`` repeated after ``marker`` up to about 20 MiB."""
    return _insert(LETTER, marker, unit * ((SIZE - len(LETTER)) // len(unit)), before=before)


def _numbered(pattern: bytes) -> bytes:
    """``pattern % n`` for n = 0, 1, … up to about 20 MiB in all."""
    parts: list[bytes] = []
    size = len(LETTER)
    n = 0
    while size < SIZE:
        part = pattern % n
        parts.append(part)
        size += len(part)
        n += 1
    return b"".join(parts)


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------------------------
# point 8: schema findings cost linear work


def test_path_locator_indexes_each_parent_once() -> None:
    root = parse_xml(_siblings(50_000)).root
    letter = root[1]
    unknown = [child for child in letter if etree.QName(child).localname == "X"]
    locator = PathLocator()
    paths = [locator.path(child) for child in unknown]
    assert paths[0] == "/Emessage/DischargeLetter/X[1]"
    assert paths[-1] == "/Emessage/DischargeLetter/X[50000]"
    # DischargeLetter's children (about 50 000) and Emessage's two, each looked at once.
    assert locator.visits == len(letter) + len(root)
    assert paths[123] == element_path(unknown[123])  # the one-shot path agrees


def test_path_locator_counts_same_named_siblings_only() -> None:
    root = etree.fromstring(b"<r><a/><b/><a/><!--c--><b/><c/></r>")  # noqa: TID251 - our own bytes
    locator = PathLocator()
    assert [locator.path(e) for e in root.iter(etree.Element)] == [
        "/r",
        "/r/a[1]",
        "/r/b[1]",
        "/r/a[2]",
        "/r/b[2]",
        "/r/c",
    ]
    assert locator.last_index(root, "a") == 2
    assert locator.last_index(root, "c") == 5
    assert locator.last_index(root, "missing") == -1


def test_xmlschema_stops_at_the_cap() -> None:
    rich = compiled_validators(MEDCOM_2005)[1]
    root = parse_xml(_siblings(50_000)).root
    errors, stopped = bounded_errors(rich, root, MAX_FINDINGS)
    # xmlschema builds an element's content errors one by one, each looking at the children;
    # it stopped after the cap instead of building 50 000.
    assert stopped
    assert len(errors) == MAX_FINDINGS
    assert all(isinstance(e, xmlschema.XMLSchemaChildrenValidationError) for e in errors)


def _invalid_xml_fixtures() -> list[Path]:
    paths = sorted((ROOT / "fixtures" / "invalid").rglob("*.xml"))
    out = []
    for path in paths:
        try:
            root = parse_xml(path.read_bytes()).root
        except XmlInputError:
            continue
        schema_set = schema_for_namespace(etree.QName(root).namespace)
        if schema_set is not None and not compiled_validators(schema_set)[0].validate(root):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _invalid_xml_fixtures(), ids=lambda p: p.name)
def test_bounded_errors_agree_with_iter_errors(path: Path) -> None:
    """Canary: our bounded run of xmlschema reports what ``iter_errors`` does below the cap."""
    root = parse_xml(path.read_bytes()).root
    schema_set = schema_for_namespace(etree.QName(root).namespace)
    assert schema_set is not None
    rich = compiled_validators(schema_set)[1]
    expected = list(rich.iter_errors(root, use_location_hints=False))  # canary
    errors, stopped = bounded_errors(rich, root, 10_000)
    assert not stopped
    assert expected
    assert [(type(e), e.elem, e.reason) for e in errors] == [
        (type(e), e.elem, e.reason) for e in expected
    ]


def test_schema_findings_for_50000_unknown_siblings_are_linear_work() -> None:
    def run(count: int) -> tuple[list[Finding], int, int]:
        root = parse_xml(_siblings(count)).root
        locator = PathLocator()
        return validate_tree(root, locator=locator), locator.visits, len(root[1])

    findings, visits, children = run(50_000)
    assert [f.code for f in findings].count("xml.schema.unexpected-element") == MAX_FINDINGS
    assert findings[-1].code == "report.truncated"
    assert "stopped after 100 findings" in findings[-1].message
    first = findings[0]
    assert first.location.path == "/Emessage/DischargeLetter/X[1]"
    assert first.location.line is not None
    # Locating 100 findings among 50 000 siblings looked at each sibling once (not 100 times):
    # one index of DischargeLetter's children, one of Emessage's.
    assert visits <= children + 10
    # Ten times the siblings, ten times the visits (a rescan per finding would not scale so).
    _, small_visits, small_children = run(5_000)
    assert small_visits <= small_children + 10
    assert visits / small_visits < 11


def test_repeated_known_elements_are_located_with_one_index() -> None:
    """Out-of-order siblings take the "missing before" check, which looks at later siblings:
    answered from the same index, not by scanning the following siblings per finding."""
    root = parse_xml(_siblings(20_000, b"<Letter/>")).root
    locator = PathLocator()
    findings = validate_tree(root, locator=locator)
    assert findings[-1].code == "report.truncated"
    assert all(f.code.startswith(("xml.schema.", "report.")) for f in findings)
    assert locator.visits <= len(root[1]) + len(root) + 10


def test_validate_reports_the_cap_and_stays_invalid() -> None:
    report = medbridge.validate(_siblings(50_000))
    assert not report.ok
    codes = [f.code for f in report.findings]
    assert codes.count("xml.schema.unexpected-element") == MAX_FINDINGS
    assert codes[-1] == "report.truncated"


def test_municipality_findings_are_capped_too() -> None:
    data = _insert(CARE_PLAN, b"</plan:ProgressOfCarePlan>", b"<X/>" * 30_000, before=True)
    root = parse_xml(data).root
    assert schema_for_namespace(etree.QName(root).namespace) is MUNICIPALITY
    locator = PathLocator()
    findings = validate_tree(root, locator=locator)
    assert sum(f.code == "xml.schema.unexpected-element" for f in findings) == MAX_FINDINGS
    assert locator.visits <= 30_000 + 200


# ---------------------------------------------------------------------------------------------
# point 10: XML count limits, checked on the text before parsing


HOSTILE = {
    # class: (document of about 20 MiB, expected code)
    "empty-elements": (lambda: _fill(b"<Text01>", b"<Break/>"), "xml.limit.nodes"),
    "nested-inline": (lambda: _fill(b"<Text01>", b"<Bold>a<Break/></Bold>"), "xml.limit.nodes"),
    "empty-comments": (lambda: _fill(b"<Text01>", b"<!---->"), "xml.limit.nodes"),
    "processing-instructions": (lambda: _fill(b"<Text01>", b"<?a?>"), "xml.limit.nodes"),
    "unknown-siblings": (
        lambda: _fill(b"</DischargeLetter>", b"<X/>", before=True),
        "xml.limit.nodes",
    ),
    "namespace-per-element": (
        lambda: _fill(b"<Text01>", b'<Break xmlns:a="u"/>'),
        "xml.limit.nodes",
    ),
    "namespace-prefixes": (
        lambda: _insert(LETTER, b"<Letter", _numbered(b' xmlns:p%d="urn:u"')),
        "xml.limit.namespaces",
    ),
    "attributes": (
        lambda: _insert(LETTER, b"<Letter", _numbered(b' a%d=""')),
        "xml.limit.attributes",
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_20_mib_xml_is_refused_before_parsing(kind: str) -> None:
    make, code = HOSTILE[kind]
    data = make()
    assert SIZE - 2_000_000 < len(data) < medbridge.Limits().max_input_bytes
    report = medbridge.Report([])

    def run() -> None:
        nonlocal report
        report = medbridge.validate(data)

    peak = _peak(run)
    assert [f.code for f in report.findings if f.is_error] == [code]
    finding = report.findings[0]
    assert finding.location.line is not None
    assert finding.location.column is not None
    assert finding.location.offset is not None
    # The decoded text and transient copies of the input, and no model: before the limits, the
    # model of the empty elements alone took more than 1 GB.
    assert peak < 4 * len(data), f"{kind}: {peak / 1e6:.0f} MB"


def test_limit_is_checked_before_lxml_parses() -> None:
    """Malformed markup after the node over the limit: lxml would report the mismatched tag,
    so the node finding shows that lxml never ran."""
    data = _insert(LETTER, b"<Text01>", b"<Break/>" * 10 + b"<a></b>")
    with pytest.raises(XmlInputError) as caught:
        parse_xml(data)
    assert caught.value.findings[-1].code == "xml.syntax.mismatched-tag"
    limits = Limits(max_xml_nodes=count_nodes(LETTER.decode("cp1252"), Limits()).nodes + 5)
    with pytest.raises(XmlInputError) as caught:
        parse_xml(data, limits=limits)
    assert [f.code for f in caught.value.findings] == ["xml.limit.nodes"]


def test_node_limit_finding_points_at_the_first_node_over_it() -> None:
    text = '<?xml version="1.0"?>\n<r>\n  <a/><b x="1"/>\n  <c/><!--n--><d/>\n</r>\n'
    # nodes: declaration PI, r, a, b, x, c, comment, d
    assert count_nodes(text, Limits()).nodes == 8
    with pytest.raises(XmlInputError) as caught:
        parse_xml(text.encode(), limits=Limits(max_xml_nodes=6))
    (finding,) = caught.value.findings
    assert finding.code == "xml.limit.nodes"
    assert (finding.location.line, finding.location.column) == (4, 7)  # the comment
    assert finding.location.offset == text.index("<!--")
    assert "6" in finding.message


def test_markup_inside_comments_cdata_pis_and_values_is_not_counted() -> None:
    text = (
        "<r a='x>y' b=\"<\"><!-- <a/><b/> --><![CDATA[<c/><d/>]]><?pi <e/> ?>"
        '<s xmlns="u" xmlns:p="v"/><t xmlns="u"/></r>'
    )
    budget = count_nodes(text, Limits())
    # r, a, b, comment, PI, s, two declarations, t, one declaration
    assert budget.nodes == 10
    assert budget.namespaces == 2  # "" and "p"; the redeclared default counts once
    assert budget.over is None


def test_attribute_and_prefix_limits_are_located() -> None:
    attributes = b'<r><e a="1" b="2" c="3"/></r>'
    with pytest.raises(XmlInputError) as caught:
        parse_xml(attributes, limits=Limits(max_xml_attributes=2))
    (finding,) = caught.value.findings
    assert finding.code == "xml.limit.attributes"
    assert finding.location.offset == attributes.index(b'c="3"')
    prefixes = (
        b'<r xmlns="urn:u"><e xmlns:a="urn:a"/>'
        b'<f xmlns="urn:u" xmlns:a="urn:a" xmlns:b="urn:b"/></r>'
    )
    assert parse_xml(prefixes, limits=Limits(max_xml_namespaces=3)).root is not None
    with pytest.raises(XmlInputError) as caught:
        parse_xml(prefixes, limits=Limits(max_xml_namespaces=2))
    assert caught.value.findings[0].location.offset == prefixes.index(b'xmlns:b="urn:b"')


def test_every_valid_fixture_passes_the_limits_without_an_exact_count() -> None:
    from medbridge.xml.budget import bounds_within

    for path in sorted(VALID.rglob("*.xml")):
        data = path.read_bytes()
        text = data.decode(parse_xml(data).encoding)
        assert bounds_within(text, Limits()), path.name


def test_limits_reach_validate_read_and_detect() -> None:
    small = Limits(max_xml_nodes=50)
    assert [f.code for f in medbridge.validate(LETTER, limits=small).findings] == [
        "xml.limit.nodes"
    ]
    with pytest.raises(medbridge.InputError):
        medbridge.read(LETTER, limits=small)
    assert [f.code for f in medbridge.detect(LETTER, limits=small).findings] == ["xml.limit.nodes"]
    assert medbridge.validate(LETTER).ok


# ---------------------------------------------------------------------------------------------
# EDIFACT: tiny segments and empty data elements


def _edifact_fill(unit: bytes) -> bytes:
    cut = EDI.index(b"UNT+")
    return EDI[:cut] + unit * ((SIZE - len(EDI)) // len(unit)) + EDI[cut:]


@pytest.mark.parametrize(
    "unit",
    [b"FTX+AAA" + b"+" * 60_000 + b"'", b"FTX+AAA+++" + b":" * 60_000 + b"'"],
    ids=["empty-elements", "empty-components"],
)
def test_hostile_20_mib_edifact_of_empty_values_is_bounded(unit: bytes) -> None:
    data = _edifact_fill(unit)
    report = medbridge.Report([])

    def run() -> None:
        nonlocal report
        report = medbridge.validate(data)

    peak = _peak(run)
    assert [f.code for f in report.findings if f.is_error] == ["edifact.limit.components"]
    location = report.findings[0].location
    # The filler goes where UNT was; the segment named is the first whose values pass the limit.
    before = list(Tokenizer(EDI))
    unt = next(segment for segment in before if segment.tag == "UNT")
    values = _components(before[: unt.number - 1])
    per_segment = unit.count(b"+") + unit.count(b":")
    assert location.segment == unt.number + (Limits().max_components - values) // per_segment
    assert location.offset is not None
    # Before the components limit, 20 MiB of "+" took 1.2 GB.
    assert peak < 4 * len(data), f"{peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("unit", "code", "limit"),
    [
        (b"FTX+AAA'", "edifact.limit.segments", Limits().max_segments),
        (
            b"FTX+AAA+" + b"+".join(b"%02d" % (n % 100) for n in range(9_000)) + b"'",
            "edifact.limit.components",
            Limits().max_components,
        ),
    ],
    ids=["tiny-segments", "short-elements"],
)
def test_hostile_20_mib_edifact_stops_at_the_limit(unit: bytes, code: str, limit: int) -> None:
    """Segments are built up to the limit only: the tokenizer yields no more than it allows."""
    data = _edifact_fill(unit)
    tokenizer = Tokenizer(data)
    built = 0
    values = 0
    with pytest.raises(EdifactInputError) as caught:
        for segment in tokenizer:
            built += 1
            values += sum(map(len, segment.elements))
    assert caught.value.findings[-1].code == code
    assert (built if code == "edifact.limit.segments" else values) <= limit
    assert caught.value.findings[-1].location.segment == built + 1


def _components(segments: list[medbridge.edifact.Segment]) -> int:
    return sum(len(element) for segment in segments for element in segment.elements)


def test_component_count_is_exact_on_every_tokenizer_path() -> None:
    """The window fast path counts separators in bytes; the exact path counts values. With
    escaped separators and any chunking, the limit is hit at the same segment."""
    body = b"".join(b"FTX+AAA+++a?+b:c?:d:e+f'" for _ in range(400))
    cut = EDI.index(b"UNT+")
    data = EDI[:cut] + body + EDI[cut:]
    segments = list(Tokenizer(data))
    total = _components(segments)
    assert list(Tokenizer(data, limits=Limits(max_components=total)))
    where = []
    for limit in (total - 1, total // 2):
        limits = Limits(max_components=limit)
        with pytest.raises(EdifactInputError) as whole:
            list(Tokenizer(data, limits=limits))
        for size in (7, 4096):
            chunks = [data[i : i + size] for i in range(0, len(data), size)]
            with pytest.raises(EdifactInputError) as chunked:
                list(Tokenizer.from_chunks(chunks, limits=limits))
            assert chunked.value.findings[-1].location == whole.value.findings[-1].location
        where.append(whole.value.findings[-1].location.segment)
        # The segment named is the first one whose values pass the limit.
        number = whole.value.findings[-1].location.segment
        assert number is not None
        assert _components(segments[: number - 1]) <= limit < _components(segments[:number])
    assert where[0] == len(segments)


_NAMES = st.sampled_from(["a", "b", "Break", "p:c"])
_TEXT = st.text(alphabet="x<>&=' \"\n", max_size=6)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """A document serialized by lxml: elements (some declaring a namespace), attributes whose
    values hold markup characters, comments, processing instructions and text."""
    root = etree.Element("r", nsmap={"p": "urn:p"})
    stack = [(root, 0)]
    for _ in range(draw(st.integers(0, 25))):
        parent, depth = stack[draw(st.integers(0, len(stack) - 1))]
        kind = draw(st.sampled_from(["element", "comment", "pi", "text"]))
        if kind == "element" and depth < 6:
            name = draw(_NAMES)
            tag = "{urn:p}c" if name == "p:c" else name
            nsmap = {draw(st.sampled_from(["q", "s"])): "urn:q"} if draw(st.booleans()) else None
            child = etree.SubElement(parent, tag, nsmap=nsmap)
            for attribute in draw(st.lists(st.sampled_from(["k", "v", "w"]), unique=True)):
                child.set(attribute, draw(_TEXT))
            stack.append((child, depth + 1))
        elif kind == "comment":
            parent.append(etree.Comment(draw(_TEXT).replace("-", "")))
        elif kind == "pi":
            parent.append(etree.ProcessingInstruction("t", draw(_TEXT).replace("?", "")))
        else:
            last = parent[-1] if len(parent) else None
            if last is None:
                parent.text = (parent.text or "") + draw(_TEXT)
            else:
                last.tail = (last.tail or "") + draw(_TEXT)
    return str(etree.tostring(root, encoding="unicode"))


@given(_documents())
def test_count_nodes_agrees_with_the_tree_lxml_builds(text: str) -> None:
    root = parse_xml(text.encode()).root
    declarations = sum(1 for _ in etree.iterwalk(root, events=("start-ns",)))
    nodes = sum(1 + len(n.attrib) if isinstance(n.tag, str) else 1 for n in root.iter())
    expected = nodes + declarations
    assert count_nodes(text, Limits()).nodes == expected
    # The bound the fast path relies on: every node takes at least four characters.
    assert 4 * expected <= len(text)
    # At the count the document is read; one below, it is refused.
    assert parse_xml(text.encode(), limits=Limits(max_xml_nodes=expected)).root is not None
    with pytest.raises(XmlInputError):
        parse_xml(text.encode(), limits=Limits(max_xml_nodes=expected - 1))
