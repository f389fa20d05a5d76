"""Which elements a letter requires, read from medbridge's own XSDs (the one place that says so).

:func:`required_in_letter` answers, for an element path such as
``/Emessage/HospitalReferral/Patient/PersonSurnameName``, whether the element must be present
whenever its parent is: its ``minOccurs`` and that of every group around it inside the parent's
type is at least 1 (a ``choice`` counts as required: a value that is present is the branch
taken). A repeated element ``X[n]`` is required only while ``n`` is within its ``minOccurs``.
The letter element itself (``/Emessage/<Letter>``) is never required here: dropping a whole
letter is a separate decision. The schema set is the one of the letter's namespace (the caller
reads it off the letter's XML version); unknown paths and namespaces give False.

Conversions use it to refuse leaving out a value the target letter would need
(:mod:`medbridge.codecs.edifact.mapping`, ``convert.required-lost``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from medbridge.xml.schema import compiled_validators
from medbridge.xml.schema_sets import schema_for_namespace

__all__ = ["required_in_letter"]

_STEP = re.compile(r"([^/\[\]]+)(?:\[([0-9]+)\])?")


def _child(group: Any, name: str) -> tuple[Any, int] | None:
    """The declaration of child element ``name`` in content model ``group`` and its effective
    ``minOccurs`` (0 when any group around it is optional), or None."""
    for item in group:
        if hasattr(item, "model"):  # a nested sequence, choice or all
            found = _child(item, name)
            if found is not None:
                element, least = found
                return element, least if item.min_occurs >= 1 else 0
        elif getattr(item, "local_name", None) == name:
            return item, int(item.min_occurs or 0)
    return None


@cache
def required_in_letter(path: str, namespace: str) -> bool:
    """True when the element at ``path`` (``/Emessage/<Letter>[n]/…``) of a letter in
    ``namespace`` (its XML version's) must be present whenever its parent element is."""
    steps = [_STEP.fullmatch(part) for part in path.strip("/").split("/")]
    if len(steps) < 3 or any(step is None for step in steps) or steps[0] is None:
        return False
    if steps[0].group(1) != "Emessage" or steps[1] is None:
        return False
    schema_set = schema_for_namespace(namespace)
    if schema_set is None:
        return False
    rich = compiled_validators(schema_set)[1]
    declaration: Any = rich.elements.get("Emessage")
    required = False
    for step in steps[1:]:
        assert step is not None
        content = getattr(getattr(declaration, "type", None), "content", None)
        found = _child(content, step.group(1)) if hasattr(content, "model") else None
        if found is None:
            return False
        declaration, least = found
        index = int(step.group(2) or 1)
        required = least >= index
    return required
