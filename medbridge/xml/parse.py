"""Hardened XML parsing: the only module that may create an lxml parser.

Owns the parser settings of ``safety-and-validation.md`` §1.2.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["SAFE_OPTIONS", "new_parser"]

SAFE_OPTIONS: dict[str, Any] = dict(
    resolve_entities=False,
    load_dtd=False,
    dtd_validation=False,
    attribute_defaults=False,
    no_network=True,
    huge_tree=False,
    recover=False,
    remove_comments=False,
    remove_pis=False,
    remove_blank_text=False,
    strip_cdata=True,
)


def new_parser(encoding: str | None = None) -> etree.XMLParser:
    """A fresh parser with the safe options. Parsers are never shared between threads."""
    return etree.XMLParser(encoding=encoding, **SAFE_OPTIONS)
