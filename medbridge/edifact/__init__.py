"""EDIFACT: the syntax layer (UNA, tokenizer with byte offsets, escaping, envelope checks, FTX
text wrapping); it knows no letters (they are in :mod:`medbridge.letters`).

The syntax-level public names are re-exported here: :func:`iter_segments`, :class:`Tokenizer`,
:class:`ServiceChars`, :func:`parse_una`, :class:`Segment`, the serializer, and the whole public
envelope module (reader and writers; its ``__all__``).
"""

from medbridge.edifact import envelope
from medbridge.edifact.envelope import *  # noqa: F403 (the envelope module is public here whole)
from medbridge.edifact.segment import Segment
from medbridge.edifact.serialize import (
    encode_interchange,
    escape,
    serialize_interchange,
    serialize_segment,
)
from medbridge.edifact.syntax import (
    DEFAULT_CHARS,
    ServiceChars,
    Tokenizer,
    iter_segments,
    parse_una,
)

__all__ = [
    "DEFAULT_CHARS",
    "Segment",
    "ServiceChars",
    "Tokenizer",
    "encode_interchange",
    "escape",
    "iter_segments",
    "parse_una",
    "serialize_interchange",
    "serialize_segment",
]
__all__ += envelope.__all__
