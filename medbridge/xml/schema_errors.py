"""xmlschema's validation errors as findings, at bounded cost (see :mod:`medbridge.xml.schema`).

:func:`bounded_errors` runs xmlschema's own element validation with an error list that stops it
at the findings cap: ``iter_errors`` builds every error of an element's content before it yields
the first, each costing time in proportion to the element's children. :func:`rich_findings` maps
each error to a finding with a stable ``xml.schema.*`` code, the element's line and its path: a
missing element told apart from an unexpected one by the content model's order, values quoted
only when short and code-like.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from lxml import etree

from medbridge.findings import Finding, Location, Severity
from medbridge.xml.namespaces import XSI
from medbridge.xml.paths import PathLocator, local_name
from medbridge.xml.schema_sets import SchemaSet

__all__ = [
    "INVALID",
    "LOCATION_HINT_IGNORED",
    "MISSING_ELEMENT",
    "NAMESPACE",
    "SCHEMA_CODES",
    "UNEXPECTED_ELEMENT",
    "VALUE",
    "bounded_errors",
    "rich_findings",
    "schema_finding",
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

_QUOTE_LIMIT = 30
#: Identifier fields whose value never goes into an excerpt: a malformed CPR number (say with a
#: trailing letter) escapes the CPR-shape masking of ``Finding``.
_NO_EXCERPT = frozenset({"CivilRegistrationNumber", "AlternativeIdentifier", "PersonIdentifier"})
_LIST_LIMIT = 6


def schema_finding(
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


def rich_findings(
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
        return schema_finding(
            MISSING_ELEMENT,
            schema_set,
            f"{parent_name} is incomplete: the required {wanted} is missing at its end.",
            parent,
            locator,
        )
    child_name = local_name(child)
    order = [name for name, _ in _particles(_iter_model(error.validator))]
    if _is_missing_before(child, error.index, required, order, locator):
        return schema_finding(
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
    return schema_finding(UNEXPECTED_ELEMENT, schema_set, message, child, locator)


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
    return schema_finding(VALUE, schema_set, message, element, locator, excerpt=excerpt)


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
    return schema_finding(INVALID, schema_set, message, element, locator)


def _attribute_name(name: Any) -> str:
    text = str(name)
    if text.startswith("{"):
        namespace, _, local = text[1:].partition("}")
        return f"{local} (namespace {namespace})"
    return text
