"""The node budget of an XML document, checked on its text before lxml builds a tree.

Owns the XML count limits of :class:`~medbridge.limits.Limits` (``safety-and-validation.md``
§1.5): the byte limit alone lets 20 MiB hold millions of tiny nodes (``<Break/>``, ``<!---->``,
attributes, namespace declarations), which took up to 1.7 GB and a minute to read. Counted:

- **nodes** (``max_xml_nodes``, ``xml.limit.nodes``): elements, attributes (namespace
  declarations included), comments and processing instructions in the document, everything
  libxml2 and then the mapping allocate one object for (text runs are bounded by the elements);
- **attributes of one element** (``max_xml_attributes``, ``xml.limit.attributes``): attributes
  and namespace declarations of one start tag; libxml2, lxml and xmlschema each spend time in
  proportion to them for every one;
- **namespace prefixes** (``max_xml_namespaces``, ``xml.limit.namespaces``): distinct prefixes
  declared in the document (the default namespace is the prefix ""; a redeclared prefix counts
  once). They bound the in-scope namespace map, which lxml and xmlschema build per element.

:func:`check_budget` runs after decoding and before parsing, so a refused input never becomes a
tree, let alone a model. First the length and a C-level ``str.count`` or two give upper bounds
(every node takes four characters, every attribute holds ``=``); only when a bound exceeds its
limit does an exact scan walk the markup (skipping comment, CDATA and processing-instruction
bodies and quoted attribute values) and stop at the first node over a limit, which is the
finding's location. A normal letter costs a few microseconds (one ``str.count``); a refused
20 MiB input, one scan up to the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from medbridge.findings import Finding, Location, Severity
from medbridge.limits import Limits

__all__ = [
    "ATTRIBUTES",
    "NAMESPACES",
    "NODES",
    "Budget",
    "bounds_within",
    "check_budget",
    "count_nodes",
]

NODES = "xml.limit.nodes"
ATTRIBUTES = "xml.limit.attributes"
NAMESPACES = "xml.limit.namespaces"

_NAME = re.compile(r"[^ \t\r\n/>]*")
_ATTRIBUTE = re.compile(r"""[ \t\r\n]+([^ \t\r\n=/>]+)[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*')""")
#: Where each kind of markup ends: comment, CDATA section, processing instruction.
_ENDS = (("<!--", "-->", True), ("<![CDATA[", "]]>", False), ("<?", "?>", True))


@dataclass(slots=True)
class Budget:
    """What an exact scan counted (up to where it stopped)."""

    nodes: int = 0
    namespaces: int = 0
    #: index of the node over a limit, and that limit's finding code; None when all were within.
    over_at: int | None = None
    over: str | None = None


def bounds_within(text: str, limits: Limits) -> bool:
    """True when cheap upper bounds already prove every limit holds (one pass for a letter).

    Every attribute and namespace declaration holds a ``=``; every node takes at least four
    characters of the text (``<a/>``, `` a=""``, ``<?a?>``, ``<!---->``), and begins with ``<``
    unless it is an attribute.
    """
    equals = text.count("=")
    if equals > limits.max_xml_attributes:
        return False
    if equals > limits.max_xml_namespaces and text.count("xmlns") > limits.max_xml_namespaces:
        return False
    if len(text) <= 4 * limits.max_xml_nodes:
        return True
    return text.count("<") + equals <= limits.max_xml_nodes


def count_nodes(text: str, limits: Limits) -> Budget:
    """Walk the markup of ``text`` and count until the first limit is exceeded.

    Exact for well-formed XML; a malformed document is counted as far as it goes (lxml then
    reports it). The walk visits markup only, so its cost is bounded by the limits.
    """
    budget = Budget()
    prefixes: set[str] = set()
    find = text.find
    max_nodes = limits.max_xml_nodes
    pos = 0
    while True:
        lt = find("<", pos)
        if lt < 0:
            return budget
        kind = text[lt + 1 : lt + 2]
        if kind == "/":
            pos = lt + 2
            continue
        if kind == "?" or kind == "!":
            skipped = _skipped(text, lt)
            if skipped is None:  # "<!" of anything else: no node (a DOCTYPE was refused before)
                pos = lt + 2
                continue
            opener, closer, is_node = skipped
            if is_node and _over(budget, budget.nodes + 1, max_nodes, lt, NODES):
                return budget
            end = find(closer, lt + len(opener))
            if end < 0:
                return budget
            pos = end + len(closer)
            continue
        if _over(budget, budget.nodes + 1, max_nodes, lt, NODES):
            return budget
        name = _NAME.match(text, lt + 1)
        pos = name.end() if name is not None else lt + 1
        pos = _attributes(text, pos, budget, prefixes, limits)
        if budget.over is not None:
            return budget


def _skipped(text: str, lt: int) -> tuple[str, str, bool] | None:
    """The comment, CDATA section or processing instruction starting at ``lt``, if any."""
    for markup in _ENDS:
        if text.startswith(markup[0], lt):
            return markup
    return None


def _attributes(text: str, pos: int, budget: Budget, prefixes: set[str], limits: Limits) -> int:
    """Count the attributes of the start tag whose name ends at ``pos``; return where they end."""
    match: Callable[[str, int], re.Match[str] | None] = _ATTRIBUTE.match
    count = 0
    while (attribute := match(text, pos)) is not None:
        at = attribute.start(1)
        count += 1
        if _over(budget, count, limits.max_xml_attributes, at, ATTRIBUTES):
            break
        if _over(budget, budget.nodes + 1, limits.max_xml_nodes, at, NODES):
            break
        name = attribute.group(1)
        if name == "xmlns" or name.startswith("xmlns:"):
            prefix = name[6:]
            if prefix not in prefixes:
                prefixes.add(prefix)
                budget.namespaces = len(prefixes)
                if _over(budget, len(prefixes), limits.max_xml_namespaces, at, NAMESPACES):
                    break
        pos = attribute.end()
    return pos


def _over(budget: Budget, count: int, limit: int, index: int, what: str) -> bool:
    """Record ``count`` (nodes are kept in the budget); True, with the place, when over."""
    if what == NODES:
        budget.nodes = count
    if count <= limit:
        return False
    budget.over_at = index
    budget.over = what
    return True


_MESSAGES = {
    NODES: (
        "The document holds more than {limit} elements, attributes, comments and processing "
        "instructions (the limit, Limits.max_xml_nodes); this is the first one over it. No "
        "letter needs that many: the file is broken or hostile."
    ),
    ATTRIBUTES: (
        "This start tag has more than {limit} attributes and namespace declarations (the limit, "
        "Limits.max_xml_attributes); MedCom elements carry none but xsi:* and xmlns."
    ),
    NAMESPACES: (
        "The document declares more than {limit} distinct namespace prefixes (the limit, "
        "Limits.max_xml_namespaces); this declaration is the first one over it. MedCom letters "
        "need one to three."
    ),
}
_LIMITS: dict[str, Callable[[Limits], int]] = {
    NODES: lambda limits: limits.max_xml_nodes,
    ATTRIBUTES: lambda limits: limits.max_xml_attributes,
    NAMESPACES: lambda limits: limits.max_xml_namespaces,
}


def check_budget(
    text: str, limits: Limits, locate: Callable[[int], tuple[Location, str | None]]
) -> Finding | None:
    """The ``xml.limit.*`` error for the first node of ``text`` over a limit, else None.

    ``locate`` turns a character index into the finding's location and excerpt.
    """
    if bounds_within(text, limits):
        return None
    budget = count_nodes(text, limits)
    if budget.over is None or budget.over_at is None:
        return None
    location, excerpt = locate(budget.over_at)
    limit = f"{_LIMITS[budget.over](limits):,}".replace(",", " ")
    message = _MESSAGES[budget.over].format(limit=limit)
    return Finding(budget.over, Severity.ERROR, message, location, excerpt)
