"""The shapes the codecs' ``wire`` values must have when a model comes from JSON.

``wire`` dictionaries (:class:`~medbridge.model.Message`, each letter, each
:class:`~medbridge.model.FormattedText`) hold the provenance a codec recorded to write the same
bytes again. A model read by medbridge carries only what the codecs wrote; a model read from JSON
carries whatever the JSON says. :func:`check_wire` holds such a ``wire`` against the table of
known keys below: a value of the wrong shape is a problem (``from_json`` refuses the input), an
unknown key is reported and dropped, so the codecs only ever see the shapes they wrote.

Shapes say nothing about meaning: whether a stored UNB or UNA still fits the model is the EDIFACT
writer's question (:mod:`medbridge.edifact.wirecheck`). A codec that records a new key adds its
shape here; ``tests/test_json_hardening.py`` checks that every key the codecs write for the
fixtures is listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

__all__ = ["Problem", "check_wire", "wire_shapes"]

#: Where inside the value (a JSON path suffix) and what is wrong.
Problem = tuple[str, str]
#: A shape: None when the value fits, else the problem.
Shape = Callable[[Any], Problem | None]

_LAYOUT = re.compile(r"[ \t\r\n]*")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")


def _string(value: Any) -> Problem | None:
    return None if isinstance(value, str) else ("", "expected a string")


def _boolean(value: Any) -> Problem | None:
    return None if isinstance(value, bool) else ("", "expected true or false")


def _count(value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return ("", "expected a whole number of at least 0")
    return None


def _layout(value: Any) -> Problem | None:
    if not isinstance(value, str) or _LAYOUT.fullmatch(value) is None:
        return ("", "expected layout text (only spaces, tabs, CR and LF)")
    return None


def _tag(value: Any) -> Problem | None:
    if not isinstance(value, str) or _TAG.fullmatch(value) is None:
        return ("", "expected a segment tag (three upper-case letters or digits)")
    return None


def _optional(shape: Shape) -> Shape:
    def check(value: Any) -> Problem | None:
        return None if value is None else shape(value)

    return check


def _list_of(shape: Shape) -> Shape:
    def check(value: Any) -> Problem | None:
        if not isinstance(value, list):
            return ("", "expected a list")
        for index, item in enumerate(value):
            problem = shape(item)
            if problem is not None:
                return (f"[{index}]{problem[0]}", problem[1])
        return None

    return check


def _tuple(*shapes: Shape, optional_tail: int = 0) -> Shape:
    """A list of exactly ``len(shapes)`` items (the last ``optional_tail`` may be missing)."""
    lengths = range(len(shapes) - optional_tail, len(shapes) + 1)

    def check(value: Any) -> Problem | None:
        if not isinstance(value, list) or len(value) not in lengths:
            wanted = " or ".join(str(n) for n in lengths)
            return ("", f"expected a list of {wanted} items")
        for index, (item, shape) in enumerate(zip(value, shapes, strict=False)):
            problem = shape(item)
            if problem is not None:
                return (f"[{index}]{problem[0]}", problem[1])
        return None

    return check


def _record(required: Mapping[str, Shape], optional: Mapping[str, Shape] | None = None) -> Shape:
    """An object with the ``required`` keys, perhaps some ``optional`` ones, and nothing else."""
    optional = optional or {}

    def check(value: Any) -> Problem | None:
        if not isinstance(value, dict):
            return ("", "expected an object")
        for key in value:
            if key not in required and key not in optional:
                return ("", f"unexpected key {str(key)[:40]!r}")
        for key in required:
            if key not in value:
                return ("", f"missing key {key!r}")
        for key, item in value.items():
            problem = (required.get(key) or optional[key])(item)
            if problem is not None:
                return (f"[{key!r}]{problem[0]}", problem[1])
        return None

    return check


def _mapping_of(shape: Shape) -> Shape:
    def check(value: Any) -> Problem | None:
        if not isinstance(value, dict):
            return ("", "expected an object")
        for key, item in value.items():
            problem = shape(item)
            if problem is not None:
                return (f"[{str(key)[:40]!r}]{problem[0]}", problem[1])
        return None

    return check


_PAIR_OF_STRINGS = _tuple(_string, _string)
_ELEMENTS = _list_of(_list_of(_string))
#: A segment as ``medbridge.codecs.edifact.mapping`` stores it: tag, elements, layout, number,
#: offset.
_SEGMENT = _tuple(_tag, _ELEMENTS, _layout, _count, _count, optional_tail=2)
_SEGMENTS = _list_of(_SEGMENT)


@cache
def wire_shapes() -> dict[str, dict[str, Shape]]:
    """Owner (``Message``, ``Letter``, ``FormattedText``) → key → shape, for every wire key a
    codec writes."""
    from medbridge.codecs.edifact import envelope_wire, interchange, mapping
    from medbridge.codecs.xml import codec as xml_codec
    from medbridge.edifact import ftx

    message = {
        "xml.declaration": _boolean,
        "xml.encoding": _optional(_string),
        "xml.declared_encoding": _optional(_string),
        "xml.standalone": _optional(_string),
        "xml.bom": _boolean,
        "xml.namespaces": _list_of(_PAIR_OF_STRINGS),
        "xml.root_attributes": _list_of(_PAIR_OF_STRINGS),
        interchange.UNA_KEY: _optional(_string),  # whether it is a valid UNA is the writer's check
        interchange.UNA_LAYOUT_KEY: _layout,
        interchange.NEWLINE_KEY: _layout,
        interchange.UNZ_LAYOUT_KEY: _layout,
        envelope_wire.UNB_KEY: _tuple(_ELEMENTS, _layout),
        envelope_wire.UNB_CANONICAL_KEY: _ELEMENTS,
        interchange.UNB_SENDER_KEY: _string,
        interchange.UNB_RECIPIENT_KEY: _string,
        envelope_wire.UNZ_KEY: _SEGMENT,
    }
    unit = _record({"original": _SEGMENTS, "canonical": _optional(_SEGMENTS)})
    letter = {
        mapping.UNITS_KEY: _record(
            {"order": _list_of(_string), "keys": _list_of(_string), "units": _mapping_of(unit)}
        ),
        interchange.LAYOUTS_KEY: _list_of(_layout),
        xml_codec.LETTER_PATH_KEY: _string,
        envelope_wire.UNT_KEY: _SEGMENT,
    }
    text = {ftx.WIRE_KEY: _list_of(_tuple(_string, _list_of(_string)))}
    return {"Message": message, "Letter": letter, "FormattedText": text}


def check_wire(
    owner: str, wire: dict[str, Any]
) -> tuple[dict[str, Any], list[str], Problem | None]:
    """Hold the ``wire`` of an ``owner`` object against its shapes.

    Returns the wire with only known keys, the unknown keys (dropped), and the first problem
    of a known key's value as ``(['key']suffix, problem)``, or None.
    """
    shapes = wire_shapes()[owner]
    kept: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in wire.items():
        shape = shapes.get(key)
        if shape is None:
            unknown.append(key)
            continue
        problem = shape(value)
        if problem is not None:
            return kept, unknown, (f"[{key!r}]{problem[0]}", problem[1])
        kept[key] = value
    return kept, unknown, None
