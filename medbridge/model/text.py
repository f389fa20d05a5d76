"""Formatted text: the small inline tree MedCom letters use for clinical narrative.

``FormattedText`` holds text runs (``str``), ``Break``, ``Space`` and the style wrappers
``Bold``, ``Italic``, ``Underline``, ``Center``, ``Right`` and ``FixedFont``, nested exactly as
``xml-messages.md`` §3.11 allows:

* a FormattedText element may hold everything;
* ``FixedFont`` may hold everything except another ``FixedFont``;
* ``Bold``, ``Italic``, ``Underline``, ``Center`` and ``Right`` hold text, ``Break`` and
  ``Space`` only.

Constructing a node with a child it may not hold raises ``ValueError``. Adjacent text runs are
merged and empty runs dropped on construction, so two trees that serialise to the same XML compare
equal. Text is never stripped or otherwise normalised: whitespace is content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias

__all__ = [
    "Bold",
    "Break",
    "Center",
    "FixedFont",
    "FormattedText",
    "Inline",
    "Italic",
    "Right",
    "Space",
    "Underline",
]


@dataclass(slots=True, frozen=True)
class Break:
    """A hard line break (``<Break/>``)."""


@dataclass(slots=True, frozen=True)
class Space:
    """An explicit space element (``<Space/>``); kept as an element, not turned into a blank."""


def _normalise(items: list[Any], allowed: tuple[type, ...], owner: str) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + item
            else:
                out.append(item)
            continue
        if not isinstance(item, allowed):
            raise ValueError(f"{owner} may not contain {type(item).__name__}")
        out.append(item)
    return out


@dataclass(slots=True)
class _Styled:
    content: list[Any] = field(default_factory=list)
    allowed: ClassVar[tuple[type, ...]] = (Break, Space)

    def __post_init__(self) -> None:
        self.content = _normalise(list(self.content), self.allowed, type(self).__name__)

    def plain(self) -> str:
        return plain_text(self.content)


@dataclass(slots=True)
class _Breakable(_Styled):
    """A style wrapper that holds text, ``Break`` and ``Space`` only."""

    content: list[str | Break | Space] = field(default_factory=list)


@dataclass(slots=True)
class Bold(_Breakable):
    """Bold run; holds text, ``Break`` and ``Space``."""


@dataclass(slots=True)
class Italic(_Breakable):
    """Italic run; holds text, ``Break`` and ``Space``."""


@dataclass(slots=True)
class Underline(_Breakable):
    """Underlined run; holds text, ``Break`` and ``Space``."""


@dataclass(slots=True)
class Center(_Breakable):
    """Centred paragraph; holds text, ``Break`` and ``Space``."""


@dataclass(slots=True)
class Right(_Breakable):
    """Right-aligned paragraph; holds text, ``Break`` and ``Space``."""


BreakableText: TypeAlias = Bold | Italic | Underline | Center | Right


@dataclass(slots=True)
class FixedFont(_Styled):
    """Monospaced block; holds everything but another ``FixedFont``."""

    content: list[str | Break | Space | BreakableText] = field(default_factory=list)
    allowed: ClassVar[tuple[type, ...]] = (Break, Space, Bold, Italic, Underline, Center, Right)


Inline: TypeAlias = str | Break | Space | Bold | Italic | Underline | Center | Right | FixedFont


@dataclass(slots=True)
class FormattedText:
    """A FormattedText element's content (``Text01``, ``Cave``, ``ProblemArea`` …).

    ``wire`` holds optional, non-clinical facts about how a codec found the text on the wire
    (for EDIFACT: the original FTX segments and wrap points). It never takes part in equality.
    """

    content: list[Inline] = field(default_factory=list)
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    allowed: ClassVar[tuple[type, ...]] = (
        Break,
        Space,
        Bold,
        Italic,
        Underline,
        Center,
        Right,
        FixedFont,
    )

    def __post_init__(self) -> None:
        self.content = _normalise(list(self.content), self.allowed, "FormattedText")

    @classmethod
    def of(cls, *lines: str) -> FormattedText:
        """Plain text, one ``Break`` after each given line."""
        items: list[Inline] = []
        for line in lines:
            items.extend([line, Break()])
        return cls(items)

    def plain(self) -> str:
        """The visible text: ``Break`` as a newline, ``Space`` as a blank, styles dropped."""
        return plain_text(self.content)

    def is_empty(self) -> bool:
        return not self.content


def plain_text(items: Iterable[Any], run: Callable[[str], str] | None = None) -> str:
    """The visible text of inline ``items``: ``Break`` a newline, ``Space`` a blank, styles
    dropped, each text run passed through ``run`` when given. Iterative (no recursion on input
    depth)."""
    parts: list[str] = []
    stack: list[Iterator[Any]] = [iter(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, str):
                parts.append(item if run is None else run(item))
            elif isinstance(item, Break):
                parts.append("\n")
            elif isinstance(item, Space):
                parts.append(" ")
            else:
                stack.append(iter(item.content))
                break
        else:
            stack.pop()
    return "".join(parts)
