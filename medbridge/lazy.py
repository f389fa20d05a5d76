"""Public names a package loads only when they are first used (a module ``__getattr__``, PEP 562).

``import medbridge`` runs for every command; what a plain read never needs (the renderers and
``rich``, the receipt services, the envelope readers and writers) is named in a table instead of
imported, and loaded on first access.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, namespace: Mapping[str, Any], where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``, whose globals are
    ``namespace``: each name of ``where`` (name → module) is imported from its module on first
    use (a name that is the module's own, ``package.name``, is that submodule), any other name
    is an ``AttributeError``; ``dir()`` (tab completion, ``help``) lists the lazy names too."""

    def attribute(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = import_module(module)
        return loaded if module == f"{package}.{name}" else getattr(loaded, name)

    def names() -> list[str]:
        return sorted({*namespace, *where})

    return attribute, names
