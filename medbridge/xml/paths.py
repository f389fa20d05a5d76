"""Element paths for findings: ``/Emessage/DischargeLetter[2]/Patient`` (safety §4.1), and the
local name and namespace of an element's Clark-notation tag.

Local names only, with a 1-based ``[n]`` where an element has same-named siblings. Iterative, so
no input depth can cause a ``RecursionError``.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["element_path", "local_name", "namespace_of"]


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace_of(element: etree._Element) -> str | None:
    """The namespace URI of an element, or None: ``etree.QName(element).namespace`` without
    building a QName object (several times dearer) on the read path."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return tag[1 : tag.index("}")]


def element_path(element: etree._Element) -> str:
    """The path of ``element`` from the document root."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def find_by_path(root: etree._Element, path: str) -> etree._Element | None:
    """The element at ``path`` (as produced by :func:`element_path`) below ``root``, or None.

    Walks children by local name and 1-based index; never evaluates XPath on input.
    """
    steps = [s for s in path.split("/") if s]
    if not steps:
        return None
    first, *rest = steps
    if _split_step(first)[0] != local_name(root):
        return None
    node = root
    for step in rest:
        name, index = _split_step(step)
        matches = [c for c in node if isinstance(c.tag, str) and local_name(c) == name]
        if len(matches) < index:
            return None
        node = matches[index - 1]
    return node


def _split_step(step: str) -> tuple[str, int]:
    if step.endswith("]") and "[" in step:
        name, _, rest = step.partition("[")
        try:
            return name, int(rest[:-1])
        except ValueError:
            return name, 1
    return step, 1
