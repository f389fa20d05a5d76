"""Size and count limits for untrusted input (``safety-and-validation.md`` §1.5).

The byte limit bounds an input's size; the count limits bound what a size can hold, so that any
input up to the byte limit is read within bounded time and memory or refused with a located
finding. XML counts are checked on the text before a tree is built (:mod:`medbridge.xml.budget`),
EDIFACT counts while tokenizing (:mod:`medbridge.edifact.syntax`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep memory and time finite for any input.

    - ``max_input_bytes``: bytes per input (``input.too-large``).
    - ``max_segment_bytes``, ``max_segments``: bytes per EDIFACT segment, segments per
      interchange (``edifact.limit.segment``, ``.segments``).
    - ``max_components``: component data values per EDIFACT interchange, a simple data element
      counting as one (``edifact.limit.components``): 20 MiB of ``+`` would otherwise make
      20 million values. Like ``max_segments`` it counts the whole interchange, also when
      ``iter_read`` streams it: raise both to stream a very large one.
    - ``max_xml_nodes``: elements, attributes (namespace declarations included), comments and
      processing instructions per XML document (``xml.limit.nodes``).
    - ``max_xml_attributes``: attributes and namespace declarations of one start tag
      (``xml.limit.attributes``).
    - ``max_xml_namespaces``: distinct namespace prefixes declared in one XML document, the
      default namespace counting as one (``xml.limit.namespaces``).
    - ``max_envelope_layers``: transport envelopes (SBDH, VANS) around one payload
      (``wrapper.too-deep``; spec part B.5 says 4).
    - ``max_decoded_bytes``: bytes one base64 layer of an envelope may decode to, checked from
      the length of its text before anything is decoded (``wrapper.too-large``).
    """

    max_input_bytes: int = 20 * 1024 * 1024
    max_segment_bytes: int = 64 * 1024
    max_segments: int = 100_000
    max_components: int = 1_000_000
    max_xml_nodes: int = 100_000
    max_xml_attributes: int = 256
    max_xml_namespaces: int = 32
    max_envelope_layers: int = 4
    max_decoded_bytes: int = 20 * 1024 * 1024


DEFAULT_LIMITS = Limits()
