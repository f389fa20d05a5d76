"""Transport envelopes: SBDH documents and VANS envelopes around MedCom messages (spec part B).

One job per module: :mod:`~medbridge.envelopes.decoding` (bounded base64, sniffing),
:mod:`~medbridge.envelopes.layers` (reading one layer's tree), :mod:`~medbridge.envelopes.labels`
(a layer's labels against its content), :mod:`~medbridge.envelopes.unwrap` (the peeling
algorithm), :mod:`~medbridge.envelopes.checks` (metadata against the payload) and
:mod:`~medbridge.envelopes.wrap` (writing envelopes).

>>> from medbridge.envelopes import EnvelopeIds, DocumentInfo, wrap_vans, unwrap
>>> info = DocumentInfo("5799999000010", "5799999000027", "EDIFACT", "DIS01", "D0133L", "1", "")
>>> wrapped = wrap_vans(b"UNA:+.? 'UNB+UNOC:3'", info, EnvelopeIds())
>>> unwrap(wrapped).payload
b"UNA:+.? 'UNB+UNOC:3'"
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from medbridge.envelopes.decoding import is_wrapped
from medbridge.lazy import lazy_attributes
from medbridge.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from medbridge.envelopes.unwrap import RECEIPT, Unwrapped
    from medbridge.envelopes.wrap import WRAPS, DocumentInfo, EnvelopeIds, wrap_sbdh, wrap_vans
    from medbridge.model.message import Message
    from medbridge.model.transport import TransportLayer

# Every read asks :func:`is_wrapped`; a bare letter should not pay for loading the envelope
# readers and writers, so their names load on first use.
__getattr__, __dir__ = lazy_attributes(
    __name__,
    globals(),
    {
        "RECEIPT": "medbridge.envelopes.unwrap",
        "Unwrapped": "medbridge.envelopes.unwrap",
        "WRAPS": "medbridge.envelopes.wrap",
        "DocumentInfo": "medbridge.envelopes.wrap",
        "EnvelopeIds": "medbridge.envelopes.wrap",
        "wrap_sbdh": "medbridge.envelopes.wrap",
        "wrap_vans": "medbridge.envelopes.wrap",
    },
)


__all__ = [
    "RECEIPT",
    "WRAPS",
    "DocumentInfo",
    "EnvelopeIds",
    "Unwrapped",
    "duplicate_key",
    "is_wrapped",
    "unwrap",
    "wrap_sbdh",
    "wrap_vans",
]


def unwrap(
    source: bytes | bytearray | memoryview | os.PathLike[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    strict_encoding: bool = False,
) -> Unwrapped:
    """Peel every SBDH and VANS layer off ``source`` and return the payload bytes (unchanged),
    the layers outermost first, and the findings (spec B.5).

    Input that is not wrapped comes back as its own payload with no layers. A VANS envelope
    holding an envelope-level receipt comes back with ``receipt`` set and no payload. Raises
    :class:`~medbridge.InputError` for a layer that does not parse, base64 that does not decode,
    an empty payload or too many layers; label problems are warnings in ``findings``.
    """
    from medbridge.envelopes.reading import unwrap_source

    return unwrap_source(source, limits=limits, strict_encoding=strict_encoding)


def duplicate_key(item: Message | Unwrapped | tuple[TransportLayer, ...]) -> tuple[str, str] | None:
    """The (VANS EnvelopeIdentifier, MetaInformation/Identifier) pair a receiver keeps to spot a
    duplicate (spec B.2.2): the innermost VANS layer's, or None when there is none. A resend
    has a new envelope identifier and the same message identifier."""
    from medbridge.envelopes.unwrap import Unwrapped
    from medbridge.model.message import Message

    layers = (
        item.transport
        if isinstance(item, Message)
        else (item.layers if isinstance(item, Unwrapped) else item)
    )
    for layer in reversed(layers):
        if layer.kind == "vans" and layer.envelope_id and layer.message_id:
            return layer.envelope_id, layer.message_id
    return None
