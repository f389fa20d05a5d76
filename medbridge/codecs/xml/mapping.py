"""The table-driven engine behind the XML mappings (XDIS01, XREF01, XDIS21).

A version's mapping is data: a :class:`Struct` per model class, holding an ordered list of entries
in wire order. Each entry names a wire element (local name, optional namespace), the model
attribute it fills and a converter. The same engine reads (element → model) and writes
(model → element) every table, so the three versions share one mechanism:

* :class:`Leaf` — one element (or a repeated run, ``many=True``) ↔ one attribute;
* :class:`Fixed` — an element with a literal value that is no model attribute (VersionCode);
* :class:`Flat` — a model object whose elements are siblings in the parent (``Identifier`` +
  ``IdentifierCode`` → :class:`~medbridge.model.PartyId`);
* :class:`Choice` — one attribute, written as one of several elements (CPR or replacement CPR);
* :class:`Nested` — a wrapper element whose children are fields of the enclosing object (a
  receipt's ``Letter`` and ``OriginalEmessage``); :class:`Constant` — no element, one value per
  table (a receipt's variant).

Converters turn an element into a value and back: :data:`TEXT`, :class:`Code`,
:class:`MomentOf` (``Date`` + ``Time``), :class:`Flag01`, :data:`POSITIVE_INT`, :data:`SUP_TRUE`,
:class:`Formatted` (mixed content, :mod:`medbridge.codecs.xml.text`), :class:`Wrap` (an element
holding one
entry) and :class:`Struct` itself.

Namespaces: an entry without ``ns`` lives in the namespace of its parent element, so 2005 tables
name no namespace at all and XDIS21 tables name one only where the standard switches (§4.3.1).

Reading is the hot path of ``validate`` and ``read``, so a table is *compiled* before it reads:
interpreting the entries afresh for every element cost about five Python calls per element (entry,
cursor, converter, namespace and tag look-ups). On its first read in a namespace a
:class:`Struct` turns each entry into one *step*, a closure with everything the entry can work
out in advance bound as plain locals: the Clark-notation tag it matches, the model attribute, the
converter's own read function for the namespace the element will be in (known, since the tag
fixes it). A step has one signature, ``step(elements, tags, pos, parent, out, ctx) -> pos``: it
looks at the child at ``pos``, stores what it read in ``out`` and returns the position after
what it consumed. The compiled struct reads its element's children from lxml once into two lists
(elements and their tags, the tags ending in a ``None`` sentinel so that no step needs a bounds
check), runs its steps in order and builds the model object. A plain text leaf costs one Python
call: its step reads the text itself when the element has no children and no attributes (the
valid case) and leaves everything else to :func:`text_of`. Converters offer the same through
``reader(ns)`` (:func:`reader_of`): :class:`Code` looks the text up in its value → member map,
:class:`MomentOf` and :class:`Wrap` compile their inner tags, a nested :class:`Struct` hands out
its compiled reader. Compiled steps are cached per namespace on the table (a table meets one to
three namespaces); the tables themselves stay the plain data above, and writing walks them
directly (writing is not the hot path).

The engine lives in four modules, re-exported here (the tables import from this front):
:mod:`~medbridge.codecs.xml.context` (contexts, step signature, children and text of an
element), :mod:`~medbridge.codecs.xml.converters`, :mod:`~medbridge.codecs.xml.entries` and
:mod:`~medbridge.codecs.xml.struct`.

Reading never raises a built-in exception: what cannot be placed becomes an error finding
(``xml.mapping.unexpected``, ``xml.mapping.missing``, ``xml.mapping.value``) collected in the
:class:`ReadContext`; the codec raises :class:`~medbridge.errors.XmlInputError` at the end.
Writing refuses what the version cannot carry with :class:`~medbridge.errors.ConversionError` and a
finding naming the model path (``convert.missing-required``, ``convert.unsupported-value``,
``convert.unsupported-field``, ``convert.too-many``, ``convert.unrepresentable``).
"""

from __future__ import annotations

from medbridge.codecs.xml.context import (
    ReadContext,
    ReadFn,
    Step,
    WriteContext,
    check_xml_chars,
    dropped_node_finding,
    element_children,
    is_dropped_node,
    split_children,
    text_of,
)
from medbridge.codecs.xml.converters import (
    POSITIVE_INT,
    SUP_TRUE,
    TEXT,
    Code,
    Converter,
    Flag01,
    Formatted,
    MomentOf,
    reader_of,
)
from medbridge.codecs.xml.entries import Choice, Constant, Entry, Fixed, Flat, Leaf, Nested
from medbridge.codecs.xml.struct import LetterMapping, Struct, Wrap, struct

__all__ = [
    "POSITIVE_INT",
    "SUP_TRUE",
    "TEXT",
    "Choice",
    "Code",
    "Constant",
    "Converter",
    "Entry",
    "Fixed",
    "Flag01",
    "Flat",
    "Formatted",
    "Leaf",
    "LetterMapping",
    "MomentOf",
    "Nested",
    "ReadContext",
    "ReadFn",
    "Step",
    "Struct",
    "Wrap",
    "WriteContext",
    "check_xml_chars",
    "dropped_node_finding",
    "element_children",
    "is_dropped_node",
    "reader_of",
    "split_children",
    "struct",
    "text_of",
]
