"""Schema validation of a parsed OIOXML tree against medbridge's own XSDs (safety §1.4).

This module owns:

- loading the packaged XSDs (``medbridge/xsd/``, next to the package's modules) once, lazily and
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

from lxml import etree

from medbridge.findings import MAX_FINDINGS, Finding, Severity
from medbridge.xml.namespaces import XSI
from medbridge.xml.paths import PathLocator, local_name, namespace_of
from medbridge.xml.schema_errors import (
    INVALID,
    LOCATION_HINT_IGNORED,
    MISSING_ELEMENT,
    NAMESPACE,
    SCHEMA_CODES,
    UNEXPECTED_ELEMENT,
    VALUE,
    bounded_errors,
    rich_findings,
    schema_finding,
)
from medbridge.xml.schema_sets import (
    MEDCOM_2005,
    MUNICIPALITY,
    SCHEMA_SETS,
    SchemaSet,
    compiled_validators,
    lazy_schema,
    schema_files,
    schema_for_namespace,
)

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
    "location_hint_findings",
    "schema_files",
    "schema_for_namespace",
    "validate_tree",
]
_TRUNCATED = "report.truncated"  # the cascade's code for a cut list (medbridge.validation.cascade)

_XSI_HINTS = (f"{{{XSI}}}schemaLocation", f"{{{XSI}}}noNamespaceSchemaLocation")


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
    findings = location_hint_findings(root, locator)
    if local_name(root) != "Emessage":
        findings.append(_wrong_document_element(root, schema_set, locator))
        return findings
    lazy = lazy_schema(schema_set)
    if lazy.fast().validate(root):
        return findings
    rich, stopped = rich_findings(lazy.rich(), root, schema_set, limit, locator)
    if not rich:
        # lxml and xmlschema disagree: keep lxml's verdict, say so without details.
        rich = [
            schema_finding(
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


def _namespace_finding(
    root: etree._Element, namespace: str | None, locator: PathLocator
) -> Finding:
    found = f"namespace {namespace}" if namespace else "no namespace"
    expected = " or ".join(f"{s.root_namespace} ({s.description})" for s in SCHEMA_SETS)
    return schema_finding(
        NAMESPACE,
        None,
        f"The document element {local_name(root)} is in {found}; expected {expected}.",
        root,
        locator,
    )


def _wrong_document_element(
    root: etree._Element, schema_set: SchemaSet, locator: PathLocator
) -> Finding:
    return schema_finding(
        UNEXPECTED_ELEMENT,
        schema_set,
        f"The document element is {local_name(root)}; expected Emessage in {schema_set.name}.",
        root,
        locator,
    )


def location_hint_findings(
    root: etree._Element, locator: PathLocator | None = None
) -> list[Finding]:
    """At most one ``xml.schema.location-hint-ignored`` info, at the first element carrying an
    ``xsi:schemaLocation`` or ``xsi:noNamespaceSchemaLocation``.

    Speed: the namespace declarations are looked at first, and the elements only when one of
    them declares the XSI namespace; the tests compare this with a plain scan of every element.
    """
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
                    schema_finding(
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
