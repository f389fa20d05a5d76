"""Schema validation of a parsed OIOXML tree against medbridge's own XSDs (safety §1.4).

This module owns:

- loading the packaged XSDs (``medbridge/xsd/``, via :mod:`importlib.resources`) once, lazily and
  under a lock, into two validators: lxml's ``XMLSchema`` for the fast yes/no verdict, compiled
  from trees parsed with :func:`medbridge.xml.parse.parse_trusted`, and ``xmlschema.XMLSchema``
  (``allow="sandbox"``, ``defuse="always"``, import/include warnings turned into errors) for rich
  errors. Each is built on its first use; xmlschema is imported and compiled only when lxml
  has found a letter invalid, so valid letters never pay for it. A schema that does not build,
  is not ``valid`` or lacks an expected namespace is our bug and raises
  :class:`~medbridge.errors.InternalError`;
- :func:`validate_tree`: picks the schema from the root namespace, runs lxml first and, only when
  lxml says invalid, xmlschema's validation (never following location hints), and maps each
  error to a :class:`~medbridge.findings.Finding` with a stable ``xml.schema.*`` code, the
  element's line and its path;
- bounded cost (:func:`bounded_errors`): xmlschema builds every error of an element's content
  before it yields the first, each costing time in proportion to the element's children, so
  50 000 unknown siblings took minutes. We run xmlschema's own element validation with an error
  list that stops it at the findings cap (:data:`~medbridge.findings.MAX_FINDINGS`), and locate
  findings with one :class:`~medbridge.xml.paths.PathLocator` per tree, which looks at each
  parent's children once. A validation stopped at the cap ends with a ``report.truncated`` info;
- :func:`schema_files`, the list of packaged XSD files (for tests).

Choices made here:

- The municipality schemas (XDIS21) encode guesses from one observed instance
  (xml-messages.md §4.3, Appendix A), so *every* finding against them is a ``warning``: a missing
  or unexpected element as much as a bad value. The mapping layer decides what it cannot read.
- A wrong document element (not ``Emessage``) in a known namespace is one
  ``xml.schema.unexpected-element`` at the root and nothing else, like a wrong namespace.
- A required element that is absent is reported as ``xml.schema.missing-element`` at its parent
  (xmlschema reports many such cases as an "unexpected" later sibling; we tell them apart by the
  content model's order and by whether the expected element turns up later).
- Columns are ``None``: neither validator knows the start tag's column.
- Messages never quote clinical text. Only short code-like values (enumerations, times, dates,
  numbers) are quoted; the value otherwise goes to the excerpt, which ``Finding`` masks and cuts.
- lxml's compiled schema is shared by threads: each ``validate`` call makes its own libxml2
  validation context; only the validator's error log is shared, and it is never read here.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any

from lxml import etree

from medbridge.errors import InternalError, MedbridgeError
from medbridge.findings import MAX_FINDINGS, Finding, Location, Severity
from medbridge.xml.namespaces import M100, M102, M103, MC2005, XSI
from medbridge.xml.parse import parse_trusted
from medbridge.xml.paths import PathLocator, local_name, namespace_of

__all__ = [
    "INVALID",
    "LOCATION_HINT_IGNORED",
    "MEDCOM_2005",
    "MISSING_ELEMENT",
    "MUNICIPALITY",
    "NAMESPACE",
    "SCHEMA_CODES",
    "UNEXPECTED_ELEMENT",
    "VALUE",
    "SchemaSet",
    "bounded_errors",
    "compiled_validators",
    "schema_files",
    "schema_for_namespace",
    "validate_tree",
]

NAMESPACE = "xml.schema.namespace"
MISSING_ELEMENT = "xml.schema.missing-element"
UNEXPECTED_ELEMENT = "xml.schema.unexpected-element"
VALUE = "xml.schema.value"
INVALID = "xml.schema.invalid"
LOCATION_HINT_IGNORED = "xml.schema.location-hint-ignored"
#: Every code this module emits.
SCHEMA_CODES = (
    NAMESPACE,
    MISSING_ELEMENT,
    UNEXPECTED_ELEMENT,
    VALUE,
    INVALID,
    LOCATION_HINT_IGNORED,
)
_TRUNCATED = "report.truncated"  # the cascade's code for a cut list (medbridge.validation.cascade)

_XSI_HINTS = (f"{{{XSI}}}schemaLocation", f"{{{XSI}}}noNamespaceSchemaLocation")
_QUOTE_LIMIT = 30
#: Identifier fields whose value never goes into an excerpt: a malformed CPR number (say with a
#: trailing letter) escapes the CPR-shape masking of ``Finding``.
_NO_EXCERPT = frozenset({"CivilRegistrationNumber", "AlternativeIdentifier", "PersonIdentifier"})
_LIST_LIMIT = 6


@dataclass(frozen=True, slots=True)
class SchemaSet:
    """One compiled schema: its entry file, the namespaces it must define, how it reports."""

    name: str
    entry: str  # path below medbridge/xsd/
    root_namespace: str
    namespaces: frozenset[str]
    severity: Severity
    description: str


MEDCOM_2005 = SchemaSet(
    name="MedCom 2005/08/07",
    entry="2005-08-07/medcom.xsd",
    root_namespace=MC2005,
    namespaces=frozenset({MC2005}),
    severity=Severity.ERROR,
    description="epikrise XDIS01 and henvisning XREF01",
)
MUNICIPALITY = SchemaSet(
    name="municipality 1.0.3",
    entry="municipality.xsd",
    root_namespace=M103,
    namespaces=frozenset({M100, M102, M103}),
    severity=Severity.WARNING,
    description="plejeforløbsplan XDIS21",
)
_SETS = (MEDCOM_2005, MUNICIPALITY)


def schema_for_namespace(namespace: str | None) -> SchemaSet | None:
    """The schema set for a document whose root is in ``namespace``, or None."""
    for schema_set in _SETS:
        if schema_set.root_namespace == namespace:
            return schema_set
    return None


# ---------------------------------------------------------------------------------------------
# loading


def _xsd_root() -> Path:
    try:
        root: object = resources.files("medbridge").joinpath("xsd")
    except (OSError, TypeError, ValueError):
        # An editable install made before medbridge/__init__.py existed maps medbridge as a
        # namespace package, which importlib.resources cannot serve in 3.11; the package data
        # is then still next to this module.
        root = Path(__file__).resolve().parent.parent / "xsd"
    if not isinstance(root, Path) or not root.is_dir():
        raise InternalError("medbridge's XSDs must be installed as files (medbridge/xsd/)")
    return root.resolve()


def schema_files() -> list[Path]:
    """Every packaged XSD file, sorted."""
    return sorted(_xsd_root().rglob("*.xsd"))


def _compile_fast(schema_set: SchemaSet) -> Any:
    """lxml's ``XMLSchema`` for the verdict."""
    path = _xsd_root() / schema_set.entry
    try:
        root = parse_trusted(path.read_bytes())
        tree = root.getroottree()
        tree.docinfo.URL = path.as_uri()  # base URL: relative imports resolve inside xsd/
        return etree.XMLSchema(tree)
    except (OSError, MedbridgeError, etree.Error) as exc:
        raise InternalError(f"the packaged schema {schema_set.entry} does not load") from exc


def _compile_rich(schema_set: SchemaSet) -> Any:
    """xmlschema's ``XMLSchema`` for the detailed errors (imported here: it costs about 0.5 s
    of CPU to import and build, which only an invalid letter needs)."""
    import xmlschema

    path = _xsd_root() / schema_set.entry
    try:
        with warnings.catch_warnings():  # local; never a process-wide filter
            warnings.simplefilter("error", xmlschema.XMLSchemaImportWarning)
            warnings.simplefilter("error", xmlschema.XMLSchemaIncludeWarning)
            rich = xmlschema.XMLSchema(
                str(path),
                base_url=str(path.parent),
                allow="sandbox",
                defuse="always",
            )
    except (OSError, Warning, xmlschema.XMLSchemaException) as exc:
        raise InternalError(f"the packaged schema {schema_set.entry} does not build") from exc
    if rich.validity != "valid" or not schema_set.namespaces <= set(rich.maps.namespaces):
        raise InternalError(f"the packaged schema {schema_set.entry} is incomplete")
    return rich


class _LazySchema:
    """A schema set's two validators, each compiled on first use, exactly once, under a lock;
    never changed afterwards. The xmlschema one is built only when a letter is invalid."""

    __slots__ = ("_fast", "_lock", "_rich", "schema_set")

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set
        self._lock = threading.Lock()
        self._fast: Any = None
        self._rich: Any = None

    def fast(self) -> Any:
        fast = self._fast
        if fast is None:
            with self._lock:
                if self._fast is None:
                    self._fast = _compile_fast(self.schema_set)
                fast = self._fast
        return fast

    def rich(self) -> Any:
        rich = self._rich
        if rich is None:
            with self._lock:
                if self._rich is None:
                    self._rich = _compile_rich(self.schema_set)
                rich = self._rich
        return rich


_SCHEMAS: dict[str, _LazySchema] = {s.root_namespace: _LazySchema(s) for s in _SETS}


def compiled_validators(schema_set: SchemaSet) -> tuple[Any, Any]:
    """The (lxml, xmlschema) validators of ``schema_set``, compiled on first use (for tests)."""
    lazy = _SCHEMAS[schema_set.root_namespace]
    return lazy.fast(), lazy.rich()


# ---------------------------------------------------------------------------------------------
# validation


def validate_tree(
    root: etree._Element, *, limit: int = MAX_FINDINGS, locator: PathLocator | None = None
) -> list[Finding]:
    """Schema findings for the document whose element is ``root`` (in document order).

    2005/08/07 documents are checked against our MedCom 2005 schema (errors); municipality 1.0.3
    documents against our municipality schemas (warnings). Any other root namespace yields
    exactly one ``xml.schema.namespace`` error. An ``xsi:schemaLocation`` is never followed; it
    yields at most one ``xml.schema.location-hint-ignored`` info. Validation stops after
    ``limit`` schema findings and then says so (``report.truncated``). ``locator`` (for tests,
    to count its visits) locates the findings; a fresh one by default.
    """
    locator = PathLocator() if locator is None else locator
    namespace = namespace_of(root)
    schema_set = schema_for_namespace(namespace)
    if schema_set is None:
        return [_namespace_finding(root, namespace, locator)]
    findings = _location_hints(root, locator)
    if local_name(root) != "Emessage":
        findings.append(_wrong_document_element(root, schema_set, locator))
        return findings
    lazy = _SCHEMAS[schema_set.root_namespace]
    if lazy.fast().validate(root):
        return findings
    rich, stopped = _rich_findings(lazy.rich(), root, schema_set, limit, locator)
    if not rich:
        # lxml and xmlschema disagree: keep lxml's verdict, say so without details.
        rich = [
            _finding(
                INVALID,
                schema_set,
                f"The message does not conform to medbridge's {schema_set.name} schema.",
                root,
                locator,
            )
        ]
    rich.sort(key=lambda f: f.location.line or 0)
    findings.extend(rich)
    if stopped:
        findings.append(
            Finding(
                _TRUNCATED,
                Severity.INFO,
                f"Schema validation stopped after {len(rich)} findings; further problems were "
                "not looked for. Fix the ones above first.",
            )
        )
    return findings


def _finding(
    code: str,
    schema_set: SchemaSet | None,
    message: str,
    element: etree._Element,
    locator: PathLocator,
    excerpt: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    if severity is None:
        severity = schema_set.severity if schema_set is not None else Severity.ERROR
    location = Location(line=element.sourceline, path=locator.path(element))
    return Finding(code, severity, message, location, excerpt)


def _namespace_finding(
    root: etree._Element, namespace: str | None, locator: PathLocator
) -> Finding:
    found = f"namespace {namespace}" if namespace else "no namespace"
    expected = " or ".join(f"{s.root_namespace} ({s.description})" for s in _SETS)
    return _finding(
        NAMESPACE,
        None,
        f"The document element {local_name(root)} is in {found}; expected {expected}.",
        root,
        locator,
    )


def _wrong_document_element(
    root: etree._Element, schema_set: SchemaSet, locator: PathLocator
) -> Finding:
    return _finding(
        UNEXPECTED_ELEMENT,
        schema_set,
        f"The document element is {local_name(root)}; expected Emessage in {schema_set.name}.",
        root,
        locator,
    )


def _location_hints(root: etree._Element, locator: PathLocator | None = None) -> list[Finding]:
    # An xsi:* attribute needs a declaration of the XSI namespace, in scope at ``root`` (nsmap)
    # or made below it. libxml2 lists declarations (iterwalk "start-ns") far cheaper than we can
    # look into every element's attributes, so without one there is nothing to look for.
    below = (uri for _, (_, uri) in etree.iterwalk(root, events=("start-ns",)))
    if XSI not in root.nsmap.values() and XSI not in below:
        return []
    for element in root.iter(etree.Element):  # elements only: comments and PIs are skipped
        for hint in _XSI_HINTS:
            if hint in element.attrib:
                name = hint.rpartition("}")[2]
                return [
                    _finding(
                        LOCATION_HINT_IGNORED,
                        None,
                        f"xsi:{name} was ignored: medbridge validates only against its own "
                        "packaged schemas and never reads a schema named by the message.",
                        element,
                        locator or PathLocator(),
                        severity=Severity.INFO,
                    )
                ]
    return []


class _CappedErrors(list[Any]):
    """xmlschema's error list for one validation: it stops the validation (by raising
    ``XMLSchemaStopValidation`` from ``append``) once it holds ``cap`` errors."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def append(self, error: Any) -> None:
        super().append(error)
        if len(self) >= self.cap:
            import xmlschema

            raise xmlschema.XMLSchemaStopValidation()


def bounded_errors(schema: Any, root: etree._Element, cap: int) -> tuple[list[Any], bool]:
    """xmlschema's validation errors for the document element ``root``, at most ``cap``, and
    whether validation stopped at the cap.

    What ``schema.iter_errors(root, use_location_hints=False)`` does for a whole document (a
    canary test keeps the two equal below the cap), with an error list that ends the validation
    when full: ``iter_errors`` builds all errors of an element's content before it yields one.
    Our XSDs declare no identity constraints or IDs, so no reference check follows.
    """
    import xmlschema
    from xmlschema import validators as xsd
    from xmlschema.namespaces import NamespaceMapper

    resource = schema.maps.settings.get_xml_resource(root)
    errors = _CappedErrors(max(cap, 1))
    context = xsd.ValidationContext(
        source=resource,
        converter=NamespaceMapper(source=resource),
        errors=errors,
        check_identities=True,
        use_location_hints=False,
    )
    namespace = resource.namespace or context.namespaces.get("", "")
    try:
        target = schema.get_schema(namespace)
    except KeyError:
        target = schema
    element = target.get_element(root.tag, resource.get_absolute_path(), context.namespaces)
    if element is None:  # an undeclared document element: nothing of it to bound
        return list(islice(schema.iter_errors(root, use_location_hints=False), cap)), False
    try:
        element.raw_decode(root, "lax", context)
    except xmlschema.XMLSchemaStopValidation:
        return list(errors), True
    return list(errors), False


def _rich_findings(
    schema: Any, root: etree._Element, schema_set: SchemaSet, limit: int, locator: PathLocator
) -> tuple[list[Finding], bool]:
    """The mapped findings (at most ``limit``) and whether more were left unexamined."""
    import xmlschema

    try:
        errors, stopped = bounded_errors(schema, root, limit)
    except (
        xmlschema.XMLSchemaException,
        ValueError,
        TypeError,
        LookupError,
        RecursionError,
        ArithmeticError,  # elementpath: OverflowError("year overflow") for a 20-digit year
    ):
        return [], False  # lxml's verdict stands; validate_tree reports it without details
    findings: list[Finding] = []
    for error in errors:
        finding = _map_error(error, schema_set, locator)
        if finding is not None:
            findings.append(finding)
    return findings, stopped


def _map_error(error: Any, schema_set: SchemaSet, locator: PathLocator) -> Finding | None:
    import xmlschema
    from xmlschema import validators as xsd

    element = getattr(error, "elem", None)
    if not isinstance(element, etree._Element) or not isinstance(element.tag, str):
        return None
    if isinstance(error, xmlschema.XMLSchemaChildrenValidationError):
        return _children_finding(error, element, schema_set, locator)
    validator = error.validator
    if isinstance(validator, xsd.XsdFacet | xsd.XsdSimpleType):
        return _value_finding(validator, element, schema_set, locator)
    return _invalid_finding(error, validator, element, schema_set, locator)


# -- content model errors ---------------------------------------------------------------------


def _children_finding(
    error: Any, parent: etree._Element, schema_set: SchemaSet, locator: PathLocator
) -> Finding:
    expected = _particles(getattr(error, "expected", None) or ())
    required = [name for name, needed in expected if needed] or [name for name, _ in expected]
    child = getattr(error, "invalid_child", None)
    parent_name = local_name(parent)
    if not isinstance(child, etree._Element):
        wanted = f"{_alternatives(required)} element" if required else "child element"
        return _finding(
            MISSING_ELEMENT,
            schema_set,
            f"{parent_name} is incomplete: the required {wanted} is missing at its end.",
            parent,
            locator,
        )
    child_name = local_name(child)
    order = [name for name, _ in _particles(_iter_model(error.validator))]
    if _is_missing_before(child, error.index, required, order, locator):
        return _finding(
            MISSING_ELEMENT,
            schema_set,
            f"{parent_name} is missing the required {_alternatives(required)} element; "
            f"found {child_name} where it should be.",
            parent,
            locator,
        )
    if child.tag not in order:
        allowed = f"may contain only {_alternatives(order)}" if order else "takes no child elements"
        message = f"{child_name} is not allowed in {parent_name}, which {allowed}."
    elif expected:
        message = (
            f"{child_name} is not allowed at this place in {parent_name}; "
            f"expected {_alternatives([name for name, _ in expected])}."
        )
    else:
        message = (
            f"{child_name} is not allowed at this place in {parent_name} "
            "(out of order or repeated too often)."
        )
    return _finding(UNEXPECTED_ELEMENT, schema_set, message, child, locator)


def _particles(particles: Iterable[Any]) -> list[tuple[str, bool]]:
    """(Clark name, required) of element particles; wildcards and unnamed groups are skipped."""
    out: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for particle in particles:
        name = getattr(particle, "name", None)
        if isinstance(name, str) and name not in seen:
            seen.add(name)
            out.append((name, int(getattr(particle, "min_occurs", 0) or 0) > 0))
    return out


def _iter_model(group: Any) -> Iterable[Any]:
    """The element declarations of a content model, in declaration order."""
    iter_elements = getattr(group, "iter_elements", None)
    return iter_elements() if iter_elements is not None else ()


def _is_missing_before(
    child: etree._Element, index: int, expected: list[str], order: list[str], locator: PathLocator
) -> bool:
    """True when ``child`` (child node ``index`` of its parent) stands where a required, absent
    element should be.

    That is: ``child`` is declared in the content model *after* every expected element, and none
    of the expected elements turns up among the following siblings (else ``child`` is merely out
    of order).
    """
    if not expected or child.tag not in order:
        return False
    position = order.index(str(child.tag))
    positions = [order.index(name) for name in expected if name in order]
    if not positions or max(positions) >= position:
        return False
    parent = child.getparent()
    if parent is None:
        return True
    return all(locator.last_index(parent, name) <= index for name in expected)


def _alternatives(names: Sequence[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``; long lists end in ``… or N others``."""
    local = [name.rpartition("}")[2] for name in names]
    if len(local) > _LIST_LIMIT:
        rest = len(names) - _LIST_LIMIT
        local = [*local[:_LIST_LIMIT], f"{rest} other" + ("s" if rest > 1 else "")]
    if len(local) <= 1:
        return "".join(local)
    return ", ".join(local[:-1]) + " or " + local[-1]


# -- value errors -----------------------------------------------------------------------------

_PATTERN_TEXT = {
    "([01][0-9]|2[0-3]):[0-5][0-9]": ("hh:mm (hours 00-23, minutes 00-59)", True),
    "[0-9]{10}": ("exactly 10 digits without a hyphen", False),
    "true": ("the literal true", True),
    "[01]": ("0 or 1", True),
}
_BUILTIN_TEXT = {
    "date": "a calendar date YYYY-MM-DD",
    "positiveInteger": "a whole number of at least 1",
    "int": "a whole number",
    "integer": "a whole number",
    "boolean": "true",
    "string": "text",
}


def _value_finding(
    validator: Any, element: etree._Element, schema_set: SchemaSet, locator: PathLocator
) -> Finding:
    from xmlschema import validators as xsd

    name = local_name(element)
    value = element.text or ""
    length = len(value)
    if isinstance(validator, xsd.XsdEnumerationFacets):
        allowed = [str(v) for v in validator.enumeration]
        type_name = getattr(validator.parent, "local_name", None) or name
        if len(allowed) <= _LIST_LIMIT:
            listed = ", ".join(repr(v) for v in allowed)
            wanted = f"one of the {len(allowed)} {type_name} values ({listed})"
        else:
            wanted = f"one of the {len(allowed)} {type_name} values of the standard"
        if len(allowed) == 1:
            wanted = f"exactly {allowed[0]!r}"
        message = f"{name} must be {wanted}; found {_quote(value)}."
    elif isinstance(validator, xsd.XsdPatternFacets):
        patterns = [str(p) for p in getattr(validator, "regexps", [])]
        text, quotable = _PATTERN_TEXT.get(
            patterns[0] if patterns else "", (f"the pattern {' | '.join(patterns)}", False)
        )
        found = _quote(value) if quotable else f"{length} characters"
        message = f"{name} must be {text}; found {found}."
    elif isinstance(validator, xsd.XsdMaxLengthFacet):
        message = f"{name} may have at most {validator.value} characters; found {length}."
    elif isinstance(validator, xsd.XsdMinLengthFacet):
        message = f"{name} must have at least {validator.value} character(s); found {length}."
    elif isinstance(validator, xsd.XsdLengthFacet):
        message = f"{name} must have exactly {validator.value} characters; found {length}."
    elif isinstance(validator, xsd.XsdFacet):
        bound = getattr(validator, "value", None)
        message = f"{name} is out of range (limit {bound}); found {_quote(value)}."
    else:
        primitive = _primitive_name(validator)
        wanted = _BUILTIN_TEXT.get(primitive, f"a valid {primitive} value")
        message = f"{name} must be {wanted}; found {_quote(value)}."
    excerpt = None if name in _NO_EXCERPT else (value or None)
    return _finding(VALUE, schema_set, message, element, locator, excerpt=excerpt)


def _primitive_name(simple_type: Any) -> str:
    """The local name of the nearest XSD built-in type of ``simple_type``."""
    node = simple_type
    for _ in range(20):  # bounded walk up the derivation chain
        if node is None:
            break
        name = getattr(node, "name", None)
        if isinstance(name, str) and name.startswith("{http://www.w3.org/2001/XMLSchema}"):
            return name.rpartition("}")[2]
        node = getattr(node, "base_type", None)
    return "simple type"


def _quote(value: str) -> str:
    """A short quote of a code-like value; longer values are described by length only."""
    if not value:
        return "an empty value"
    if len(value) > _QUOTE_LIMIT or "\n" in value or "\r" in value:
        return f"a value of {len(value)} characters"
    return repr(value)


# -- everything else --------------------------------------------------------------------------


def _invalid_finding(
    error: Any,
    validator: Any,
    element: etree._Element,
    schema_set: SchemaSet,
    locator: PathLocator,
) -> Finding:
    from xmlschema import validators as xsd

    name = local_name(element)
    if isinstance(validator, xsd.XsdAttributeGroup | xsd.XsdAttribute | xsd.XsdAnyAttribute):
        names = (a for a in element.attrib if not str(a).startswith(f"{{{XSI}}}"))
        attributes = list(islice(names, 3))
        listed = ", ".join(_attribute_name(a) for a in attributes[:3]) or "an attribute"
        message = (
            f"{name} carries {listed}; MedCom elements take no attributes (only xsi:* is allowed)."
        )
    elif isinstance(validator, xsd.XsdGroup):
        message = f"{name} holds text between its child elements; only child elements belong there."
    elif isinstance(validator, xsd.XsdElement) and len(element) == 0 and element.text:
        message = f"{name} must be empty; found text in it."
    else:
        message = f"{name} does not conform to medbridge's {schema_set.name} schema."
    return _finding(INVALID, schema_set, message, element, locator)


def _attribute_name(name: Any) -> str:
    text = str(name)
    if text.startswith("{"):
        namespace, _, local = text[1:].partition("}")
        return f"{local} (namespace {namespace})"
    return text
