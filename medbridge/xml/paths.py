"""Element paths for findings: ``/Emessage/DischargeLetter[2]/Patient`` (safety §4.1), and the
local name and namespace of an element's Clark-notation tag.

Local names only, with a 1-based ``[n]`` where an element has same-named siblings. Iterative, so
no input depth can cause a ``RecursionError``.

:class:`PathLocator` serves many paths in one tree: it indexes each parent's children once, so
locating every one of 50 000 siblings costs 50 000 child visits in all, not 50 000 each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

__all__ = ["PathLocator", "element_path", "find_by_path", "local_name", "namespace_of"]


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
    """The path of ``element`` from the document root: one path, looking at the siblings of each
    step once. Use a :class:`PathLocator` for many paths in one tree."""
    return _walk_up(element, _sibling_step)


def _sibling_step(node: etree._Element, parent: etree._Element) -> str:
    name = local_name(node)
    same = [c for c in parent if c.tag == node.tag]
    return f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name


def _walk_up(element: etree._Element, step: Callable[[etree._Element, etree._Element], str]) -> str:
    """The path from the root down to ``element``; ``step`` names a node below its parent."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        steps.append(local_name(node) if parent is None else step(node, parent))
        node = parent
    return "/" + "/".join(reversed(steps))


class PathLocator:
    """Element paths for many elements of one tree, each parent's children indexed once.

    ``visits`` counts the children looked at so far: the work done, for tests. The locator holds
    references to the elements it indexed, so use one per tree and drop it with the tree.
    """

    __slots__ = ("_children", "visits")

    def __init__(self) -> None:
        self._children: dict[Any, _Children] = {}
        self.visits = 0

    def path(self, element: etree._Element) -> str:
        """The path of ``element`` from the document root."""
        return _walk_up(element, self._step)

    def _step(self, node: etree._Element, parent: etree._Element) -> str:
        children = self._index(parent)
        name = local_name(node)
        return f"{name}[{children.positions[node]}]" if children.counts[node.tag] > 1 else name

    def last_index(self, parent: etree._Element, tag: Any) -> int:
        """The 0-based index among all of ``parent``'s child nodes of its last child with
        ``tag``; -1 if there is none."""
        return self._index(parent).last.get(tag, -1)

    def _index(self, parent: Any) -> _Children:
        children = self._children.get(parent)
        if children is None:
            children = self._children[parent] = _Children(parent)
            self.visits += len(children.positions)
        return children


class _Children:
    """One parent's children: each child's 1-based position among its same-tag siblings, the
    number of children per tag, and the index of the last child per tag."""

    __slots__ = ("counts", "last", "positions")

    def __init__(self, parent: Any) -> None:
        self.positions: dict[Any, int] = {}
        self.counts: dict[Any, int] = {}
        self.last: dict[Any, int] = {}
        for index, child in enumerate(parent):
            tag = child.tag
            self.counts[tag] = self.positions[child] = self.counts.get(tag, 0) + 1
            self.last[tag] = index


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
