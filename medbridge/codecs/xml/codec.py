"""The OIOXML codec: an ``Emessage`` tree ⇄ :class:`~medbridge.model.Message`.

Owns the Emessage level — the envelope, the sequence of (letter, optional ``Local_Elements``),
which letter version a tree holds — and the XML facts a round trip needs, and hands each letter
to its version's table (:mod:`~medbridge.letters.epikrise.xml`,
:mod:`~medbridge.letters.henvisning.xml`,
:mod:`~medbridge.letters.plejeforloebsplan.xml`), run by :mod:`~medbridge.codecs.xml.mapping`.

* :func:`read_tree` takes a tree from the hardened parser (:mod:`medbridge.xml.parse`). Schema
  validation has normally run before; the reader still never raises a built-in exception:
  what it cannot map is an :class:`~medbridge.errors.XmlInputError` with findings
  (``xml.mapping.unsupported-letter``, ``xml.mapping.unsupported-version``,
  ``xml.mapping.unexpected``, ``xml.mapping.missing``, ``xml.mapping.value``). Comments and
  processing instructions are not carried; each one dropped is an info ``xml.comment-dropped``.
* :func:`detect_tree` names kind, version and letter identifier from the first letter.
* :func:`write_xml` writes deterministic bytes. ``Message.wire`` keys prefixed ``xml.`` record
  the declaration, encoding label, standalone, BOM, the namespace→prefix map (``""`` is the
  default namespace) and unknown root attributes (``xsi:schemaLocation`` …); the writer reuses
  them, so XML → model → XML keeps them. Without them: 2005 letters get a windows-1252
  declaration and the 2005 namespace as default; XDIS21 gets a UTF-8 declaration, 1.0.3 as
  default, ``ns1`` = 1.0.0 and ``ep2`` = 1.0.2 (``xml-messages.md`` §6.5).
* ``Local_Elements`` is kept as its C14N 2.0 text (comments included) and written back verbatim.

Writing indents element-only content by two spaces per level (whitespace that normalisation X3
allows to differ); mixed content (formatted text) and ``Local_Elements`` are never touched.
Characters the output encoding lacks become character references; characters XML 1.0 cannot
hold are refused (``convert.unrepresentable``).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from medbridge.codecs.xml.mapping import (
    LetterMapping,
    ReadContext,
    WriteContext,
    check_xml_chars,
    element_children,
    is_dropped_node,
)
from medbridge.errors import MedbridgeError, XmlInputError
from medbridge.findings import Finding
from medbridge.letters.declaration import XmlVersion
from medbridge.model.common import Envelope, LocalElements
from medbridge.model.message import Letter, Message
from medbridge.registry import REGISTRY, XML, xml_mapping
from medbridge.xml.namespaces import M100, M102, M103, MC2005, MC2018
from medbridge.xml.paths import element_path, local_name, namespace_of

if TYPE_CHECKING:
    from medbridge.xml.parse import ParsedXml

__all__ = [
    "HEADER_FIELDS",
    "LETTER_PATH_KEY",
    "build_xml",
    "declared_namespaces",
    "detect_tree",
    "header_fields",
    "mapping_of",
    "mappings",
    "read_tree",
    "serialise_xml",
    "write_xml",
]

#: ``letter.wire`` key: the element path of a letter read from XML (``/Emessage/DischargeLetter``),
#: so the view can name the element a statement came from. Provenance only; never written.
LETTER_PATH_KEY = "xml.letter_path"
#: (namespace, letter element) → (kind, version), from the declarations alone: a version's
#: mapping (its tables) is loaded when a letter of it is first read or written.
_BY_ELEMENT: dict[tuple[str, str], tuple[str, XmlVersion]] = {
    (version.namespace, version.element): (kind, version)
    for kind, version in REGISTRY.xml_versions()
}
#: Emessage namespace → the version whose mapping's Envelope table reads that generation's
#: envelope (the first one declared in the namespace).
_ENVELOPES: dict[str, XmlVersion] = {
    version.namespace: version for _, version in reversed(REGISTRY.xml_versions())
}
_UNSUPPORTED_NAMESPACES = (MC2018,)
_LOCAL_ELEMENTS = "Local_Elements"
_INDENT = "  "

#: Encoding label (lower case) → (canonical name, Python codec), from each canonical name and
#: codec with the labels that name it.
_ENCODINGS: dict[str, tuple[str, str]] = {
    label: (canonical, codec)
    for canonical, codec, labels in (
        ("utf-8", "utf-8", ("utf-8", "utf8")),
        ("utf-16", "utf-16-le", ("utf-16", "utf-16le")),
        ("utf-16", "utf-16-be", ("utf-16be",)),
        ("iso-8859-1", "latin-1", ("iso-8859-1", "iso_8859-1", "latin1")),
        ("windows-1252", "cp1252", ("windows-1252", "cp1252")),
        ("us-ascii", "ascii", ("us-ascii", "ascii")),
    )
    for label in labels
}
_BOMS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


@cache
def mapping_of(version: XmlVersion) -> LetterMapping:
    """The mapping (tables) of a supported XML version, loaded on first use."""
    return xml_mapping(version)  # type: ignore[return-value]


def mappings() -> tuple[LetterMapping, ...]:
    """Every supported letter version's mapping, in the registry's order (loads them all)."""
    return tuple(mapping_of(version) for _, version in REGISTRY.xml_versions())


# ---------------------------------------------------------------------------------------------
# detection


def detect_tree(root: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(kind, version, letter identifier) of the first letter in an Emessage tree.

    From the letter element's namespace and local name and ``Letter/VersionCode``, cross-checked
    with ``Letter/TypeCode``. Known newer versions (XD0134L, XH0131R) name their kind, known
    MedCom letters medbridge does not map (XDIS17 …) their letter type; anything else unknown
    gives kind None with the VersionCode as found (or None).
    """
    try:
        return _detect(root)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - defensive
        return None, None, None


def _detect(root: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(root.tag, str) or local_name(root) != "Emessage":
        return None, None, None
    root_ns = namespace_of(root)
    envelopes = {_q(ns, "Envelope") for ns in (root_ns, M100)}
    letter = next((c for c in root if isinstance(c.tag, str) and c.tag not in envelopes), None)
    if letter is None:
        return None, None, None
    letter_name = local_name(letter)
    header = header_fields(letter)
    version = header.get("VersionCode")
    type_code = header.get("TypeCode")
    identifier = header.get("Identifier")
    found = _BY_ELEMENT.get((namespace_of(letter) or "", letter_name))
    if found is not None:
        declared = found[1]
        if (version, type_code or "", root_ns) == (
            declared.version,
            declared.type_code,
            declared.namespace,
        ):
            return found[0], version, identifier
    known = REGISTRY.xml_unsupported(version)
    if known is not None and known[1].element == letter_name:
        return known[0], version, identifier
    return REGISTRY.other_xml(version, letter_name), version, identifier


#: The Letter header fields detection and reading look at.
HEADER_FIELDS = ("Identifier", "VersionCode", "TypeCode")


def header_fields(letter: Any) -> dict[str, str]:
    """The text of the first ``Identifier``, ``VersionCode`` and ``TypeCode`` in the letter's
    ``Letter`` header; absent fields are left out."""
    ns = namespace_of(letter)
    # iterchildren(tag) matches in C; find() would run lxml's Python ElementPath.
    header = next(letter.iterchildren(_q(ns, "Letter")), None)
    found: dict[str, str] = {}
    if header is None:
        return found
    wanted = {_q(ns, name): name for name in HEADER_FIELDS}
    for child in header:
        name = wanted.get(child.tag)
        if name is None or name in found:
            continue
        # Without child nodes the text is all there is (itertext costs several times more).
        found[name] = "".join(child.itertext()) if len(child) else child.text or ""
        if len(found) == len(HEADER_FIELDS):
            break
    return found


def _q(ns: str | None, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


# ---------------------------------------------------------------------------------------------
# reading


def read_tree(
    root: etree._Element, *, syntax: ParsedXml | None = None
) -> tuple[Message, list[Finding]]:
    """Map a parsed Emessage tree to a :class:`Message`, with info findings.

    ``syntax`` may be the :class:`~medbridge.xml.parse.ParsedXml` the tree came from; then the
    declaration, exact encoding label and BOM are recorded too (without it only what lxml's
    docinfo knows: encoding and standalone). Raises :class:`XmlInputError` for anything the
    mapping cannot place.
    """
    ctx = ReadContext()
    message = _read(root, ctx)
    if ctx.errors or message is None:
        raise XmlInputError.from_findings(ctx.findings)
    message.wire.update(_syntax_wire(root, syntax))
    return message, ctx.findings


def _read(root: Any, ctx: ReadContext) -> Message | None:
    for sibling in _prolog_and_epilog(root):
        ctx.dropped(sibling)
    namespace = namespace_of(root) or ""
    if local_name(root) != "Emessage" or namespace not in _ENVELOPES:
        if namespace in _UNSUPPORTED_NAMESPACES:
            _unsupported_version(ctx, root, f"the namespace {namespace}")
        else:
            ctx.unexpected(root, root)
        return None
    children = element_children(root, ctx, attributes_allowed=True)
    if children is None:
        return None
    envelope_mapping = mapping_of(_ENVELOPES[namespace])
    envelope_tag = _q(envelope_mapping.envelope_ns, "Envelope")
    if not children or children[0].tag != envelope_tag:
        ctx.missing("Envelope", root)
        return None
    envelope = envelope_mapping.envelope.read(children.pop(0), ctx)
    letters: list[Letter] = []
    while children:
        element = children.pop(0)
        letter = _read_letter(element, namespace, ctx)
        if children and children[0].tag == _q(namespace, _LOCAL_ELEMENTS):
            kept = _keep_local_elements(children.pop(0))
            if letter is not None:
                letter.local_elements = kept
        if letter is not None:
            letters.append(letter)
    if not letters and not ctx.errors:
        ctx.missing("a letter", root)
    if not isinstance(envelope, Envelope) or ctx.errors:
        return None
    message = Message(envelope, letters)
    message.wire.update(_document_wire(root))
    return message


def _prolog_and_epilog(root: Any) -> list[Any]:
    before: list[Any] = []
    node = root.getprevious()
    while node is not None:
        before.append(node)
        node = node.getprevious()
    after: list[Any] = []
    node = root.getnext()
    while node is not None:
        after.append(node)
        node = node.getnext()
    return [n for n in [*reversed(before), *after] if is_dropped_node(n)]


def _read_letter(element: Any, emessage_ns: str, ctx: ReadContext) -> Letter | None:
    namespace, name = namespace_of(element), local_name(element)
    found = _BY_ELEMENT.get((namespace or "", name))
    if found is None or found[1].namespace != emessage_ns:
        header = element.find(_q(namespace, "Letter"))
        if name == _LOCAL_ELEMENTS and namespace == emessage_ns:
            ctx.error(
                "xml.mapping.unexpected",
                "Local_Elements must follow a letter; this one follows no letter it could "
                "belong to.",
                element,
            )
        elif header is not None and namespace == emessage_ns:
            ctx.error(
                "xml.mapping.unsupported-letter",
                f"The letter kind {name} is not supported by medbridge (supported: "
                f"{REGISTRY.describe_xml(with_elements=True)}).",
                element,
            )
        elif namespace in _UNSUPPORTED_NAMESPACES:
            _unsupported_version(ctx, element, f"the namespace {namespace}")
        else:
            ctx.unexpected(element, element.getparent())
        return None
    version = header_fields(element).get("VersionCode")
    if REGISTRY.xml_unsupported(version) is not None:
        _unsupported_version(ctx, element, f"version {version}")
        return None
    letter = mapping_of(found[1]).letter.read(element, ctx)
    if letter is not None:
        letter.wire[LETTER_PATH_KEY] = element_path(element)
    return letter  # type: ignore[no-any-return]


def _unsupported_version(ctx: ReadContext, element: Any, what: str) -> None:
    ctx.error(
        "xml.mapping.unsupported-version",
        f"This letter uses {what}, a known MedCom version medbridge does not support "
        f"(supported: {REGISTRY.describe_xml()}); it is not read with an older mapping.",
        element,
    )


def _keep_local_elements(element: Any) -> LocalElements:
    detached = copy.deepcopy(element)
    detached.tail = None
    text = etree.tostring(detached, method="c14n2", with_comments=True).decode("utf-8")
    return LocalElements(xml=text)


def _document_wire(root: Any) -> dict[str, Any]:
    wire: dict[str, Any] = {"xml.namespaces": declared_namespaces(root)}
    attributes = [[name, value] for name, value in root.attrib.items()]
    if attributes:
        wire["xml.root_attributes"] = attributes
    return wire


def declared_namespaces(root: Any) -> list[list[str]]:
    """(prefix, URI) pairs as declared in the document, first binding of each prefix; ``""``
    is the default namespace. Local_Elements content is left out (it keeps its own)."""
    # lxml's iterwalk reports each element's own xmlns declarations ("start-ns", in document
    # order, before the element's "start") straight from libxml2; reading ``nsmap`` per element
    # instead rebuilds every ancestor's map in Python. A redeclaration of an already seen
    # prefix never changes the result (the first binding wins), so no inherited map is needed.
    # Only Local_Elements (in any namespace) raise "start" events, so Python sees little more
    # than the declarations themselves.
    seen: dict[str, str] = {}
    walker = etree.iterwalk(root, events=("start", "start-ns"), tag=f"{{*}}{_LOCAL_ELEMENTS}")
    for event, item in walker:
        if event == "start-ns":
            prefix, uri = item
            seen.setdefault(prefix, uri)
        else:  # a Local_Elements: its own declarations (reported above) count, not its content
            walker.skip_subtree()
    return [[prefix, uri] for prefix, uri in seen.items()]


def _syntax_wire(root: Any, syntax: ParsedXml | None) -> dict[str, Any]:
    if syntax is not None:
        return {
            "xml.declaration": bool(syntax.has_declaration),
            "xml.encoding": syntax.encoding,
            "xml.declared_encoding": syntax.declared_encoding,
            "xml.standalone": syntax.standalone,
            "xml.bom": bool(syntax.bom),
        }
    docinfo = root.getroottree().docinfo
    wire: dict[str, Any] = {}
    known = _ENCODINGS.get((docinfo.encoding or "").lower())
    if known is not None:
        wire["xml.encoding"] = known[0]
    if docinfo.standalone is not None:
        wire["xml.standalone"] = "yes" if docinfo.standalone else "no"
    return wire


# ---------------------------------------------------------------------------------------------
# writing


def write_xml(message: Message) -> bytes:
    """The message as OIOXML bytes (deterministic). Raises :class:`ConversionError` naming the
    model path when a value cannot be written in the letter's XML version."""
    return serialise_xml(build_xml(message), message)


def serialise_xml(root: etree._Element, message: Message) -> bytes:
    """The bytes of a tree :func:`build_xml` made of ``message`` (its declaration, encoding
    and byte-order mark as ``message.wire`` recorded them)."""
    return _serialise(root, message, namespace_of(root) or "")


def build_xml(message: Message) -> etree._Element:
    """The Emessage element of ``message``, not yet serialised (for a check of the tree before
    it is written; :func:`write_xml` builds and serialises)."""
    if not isinstance(message, Message):
        raise TypeError("write_xml needs a medbridge Message")
    mappings = _letter_mappings(message)
    first = mappings[0]
    emessage_ns = first.version.namespace
    ctx = WriteContext(version=_version_label(first))
    root = etree.Element(_q(emessage_ns, "Emessage"), nsmap=_nsmap(message, emessage_ns))
    for name, value in _root_attributes(message, ctx):
        root.set(name, value)
    ctx.element_only.append(root)
    ctx.path[:] = ["envelope"]
    envelope = etree.SubElement(root, _q(first.envelope_ns, "Envelope"))
    first.envelope.write(envelope, message.envelope, ctx)
    for index, (letter, mapping) in enumerate(zip(message.letters, mappings, strict=True)):
        ctx.path[:] = ["letters", f"[{index}]"]
        ctx.version = _version_label(mapping)
        element = etree.SubElement(root, _q(mapping.version.namespace, mapping.version.element))
        mapping.letter.write(element, letter, ctx)
        if letter.local_elements is not None:
            root.append(_local_elements(letter.local_elements, emessage_ns, ctx))
    _indent(ctx.element_only)
    return root


def _letter_mappings(message: Message) -> list[LetterMapping]:
    ctx = WriteContext(version="XML", path=["letters"])
    if not message.letters:
        raise ctx.fail("convert.missing-required", "An Emessage needs at least one letter")
    mappings: list[LetterMapping] = []
    for index, letter in enumerate(message.letters):
        version = REGISTRY.version_for(letter, XML)
        mapping = mapping_of(version) if isinstance(version, XmlVersion) else None
        if mapping is None or not isinstance(letter, mapping.letter.cls):
            raise ctx.fail(
                "convert.unsupported-value", "Not a letter medbridge can write", f"[{index}]"
            )
        if mappings and mapping.version.namespace != mappings[0].version.namespace:
            raise ctx.fail(
                "convert.unsupported-value",
                "One Emessage cannot mix 2005 letters with a municipality care plan",
                f"[{index}]",
            )
        mappings.append(mapping)
    return mappings


def _version_label(mapping: LetterMapping) -> str:
    """``XDIS01 XD0133L``: the version named in write findings."""
    return f"{mapping.version.type_code} {mapping.version.version}".strip()


def _nsmap(message: Message, emessage_ns: str) -> dict[str | None, str]:
    needed = [M103, M100, M102] if emessage_ns == M103 else [MC2005]
    defaults: dict[str | None, str] = (
        {None: M103, "ns1": M100, "ep2": M102} if emessage_ns == M103 else {None: MC2005}
    )
    nsmap: dict[str | None, str] = {}
    recorded = message.wire.get("xml.namespaces")
    if isinstance(recorded, list | tuple):
        for pair in recorded:
            if (
                isinstance(pair, list | tuple)
                and len(pair) == 2
                and all(isinstance(p, str) for p in pair)
                and pair[1]
            ):
                prefix = pair[0] or None
                if prefix not in nsmap and (prefix is None or _valid_prefix(prefix)):
                    nsmap[prefix] = pair[1]
    bound = set(nsmap.values())
    counter = 0
    for uri in needed:
        if uri in bound:
            continue
        prefix = next((p for p, u in defaults.items() if u == uri), "ns")
        while prefix in nsmap:
            counter += 1
            prefix = f"ns{counter}"
        nsmap[prefix] = uri
    return nsmap


def _valid_prefix(prefix: str) -> bool:
    try:
        etree.QName(f"{prefix}_x")
    except ValueError:
        return False
    return not prefix.lower().startswith("xml") and ":" not in prefix


def _root_attributes(message: Message, ctx: WriteContext) -> list[tuple[str, str]]:
    recorded = message.wire.get("xml.root_attributes")
    out: list[tuple[str, str]] = []
    if not isinstance(recorded, list | tuple):
        return out
    for pair in recorded:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            name, value = pair
            if isinstance(name, str) and isinstance(value, str):
                out.append((name, check_xml_chars(value, ctx, "wire")))
    return out


def _local_elements(kept: LocalElements, emessage_ns: str, ctx: WriteContext) -> Any:
    from medbridge.xml.parse import parse_trusted

    ctx.path.append("local_elements")
    try:
        element = parse_trusted(kept.xml.encode("utf-8"))
    except MedbridgeError:
        raise ctx.fail(
            "convert.unsupported-value", "Local_Elements does not hold well-formed XML"
        ) from None
    if element.tag != _q(emessage_ns, _LOCAL_ELEMENTS):
        raise ctx.fail(
            "convert.unsupported-value",
            f"Local_Elements must be a {_LOCAL_ELEMENTS} element in the letter's namespace",
        )
    ctx.path.pop()
    return element


def _indent(elements: list[Any]) -> None:
    for element in elements:
        if not len(element):
            continue
        depth = sum(1 for _ in element.iterancestors())
        inner = "\n" + _INDENT * (depth + 1)
        element.text = inner
        for child in element:
            child.tail = inner
        element[-1].tail = "\n" + _INDENT * depth


def _serialise(root: Any, message: Message, emessage_ns: str) -> bytes:
    wire = message.wire
    default_label = "windows-1252" if emessage_ns == MC2005 else "UTF-8"
    label = wire.get("xml.declared_encoding") or wire.get("xml.encoding") or default_label
    if not isinstance(label, str) or label.lower() not in _ENCODINGS:
        label = default_label
    _, codec = _ENCODINGS[label.lower()]
    declaration = wire.get("xml.declaration", True) is not False
    standalone = wire.get("xml.standalone")
    head = ""
    if declaration:
        extra = f' standalone="{standalone}"' if standalone in ("yes", "no") else ""
        head = f'<?xml version="1.0" encoding="{label}"{extra}?>\n'
    body: str = etree.tostring(root, encoding="unicode")
    data = (head + body + "\n").encode(codec, errors="xmlcharrefreplace")
    bom = _BOMS.get(codec) if (wire.get("xml.bom") or codec.startswith("utf-16")) else None
    return (bom or b"") + data
