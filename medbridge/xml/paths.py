"""Element paths for findings: ``/Emessage/DischargeLetter[2]/Patient`` (safety §4.1).

Local names only, with a 1-based ``[n]`` where an element has same-named siblings. Iterative, so
no input depth can cause a ``RecursionError``.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["element_path", "local_name"]


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


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
