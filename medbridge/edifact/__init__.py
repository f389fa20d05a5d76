"""EDIFACT: the syntax layer (UNA, tokenizer with byte offsets, escaping, envelope checks, FTX
text wrapping) and one mapping module per message version (MEDDIS DIS01 D0133L, MEDREF REF01
H0130R).

The syntax-level public names are re-exported here: :func:`iter_segments`, :class:`Tokenizer`,
:class:`ServiceChars`, :func:`parse_una`, :class:`Segment`, the envelope reader and writers, and
the serializer.
"""

from medbridge.edifact.envelope import (
    Interchange,
    InterchangeHeader,
    InterchangeReader,
    MessageSegments,
    read_envelope,
    unb_full_date,
    write_envelope,
    write_unb,
    write_unh,
    write_unt,
    write_unz,
)
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
    "Interchange",
    "InterchangeHeader",
    "InterchangeReader",
    "MessageSegments",
    "Segment",
    "ServiceChars",
    "Tokenizer",
    "encode_interchange",
    "escape",
    "iter_segments",
    "parse_una",
    "read_envelope",
    "serialize_interchange",
    "serialize_segment",
    "unb_full_date",
    "write_envelope",
    "write_unb",
    "write_unh",
    "write_unt",
    "write_unz",
]
