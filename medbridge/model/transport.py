"""The transport envelopes a message arrived in: SBDH and VANS layers, outermost first.

These are facts about how a letter travelled (spec ``exchange-messages.md`` part B), not about
the letter: a :class:`~medbridge.model.message.Message` keeps them in ``transport``, which takes
no part in equality (like ``wire``), and the JSON form carries them. Nothing here knows how an
envelope is written; :mod:`medbridge.envelopes` reads and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["SBDH", "VANS", "TransportLayer", "VansReceipt"]

#: ``TransportLayer.kind`` of a ``StandardBusinessDocument``.
SBDH = "sbdh"
#: ``TransportLayer.kind`` of a ``VANSEnvelope`` 1.0.4.
VANS = "vans"


@dataclass(frozen=True, slots=True)
class VansReceipt:
    """A VANS envelope-level receipt (``Receipt/NegativeVans|NegativeMessage|PositiveMessage``).

    ``kind`` is the element name; ``original_envelope_id`` and ``original_message_id`` name the
    acknowledged envelope and message; ``error_code``/``error`` the ``Error`` block, if any.
    """

    kind: str
    original_envelope_id: str | None = None
    original_message_id: str | None = None
    error_code: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TransportLayer:
    """One envelope layer, as declared by its sender (labels are never trusted for decisions).

    Common: ``kind`` (:data:`SBDH` or :data:`VANS`), ``sender``/``receiver`` (the identifier as
    written: a GLN, or ``0088:``-prefixed in SBDH), ``sender_type``/``receiver_type`` (VANS
    ``EndPointType``, SBDH ``Authority``), ``envelope_id`` (VANS EnvelopeIdentifier, SBDH
    InstanceIdentifier) and ``sent`` (VANS SentDateTime, SBDH CreationDateAndTime, as written).

    VANS: ``message_id`` (MetaInformation/Identifier), ``document_format``, ``document_name``,
    ``document_version``, ``size`` (Document/SizeInBytes), ``transport`` (reliable or
    unreliable, when written) and ``receipt`` (an envelope-level receipt instead of a message).

    SBDH: ``standard``, ``document_type`` and ``type_version`` (DocumentIdentification), the
    ``mime_type`` and ``encoding`` labels of ``BinaryContent``, and ``scopes`` (BusinessScope
    ``Type`` → value, in order).
    """

    kind: str
    sender: str | None = None
    receiver: str | None = None
    sender_type: str | None = None
    receiver_type: str | None = None
    envelope_id: str | None = None
    sent: str | None = None
    message_id: str | None = None
    document_format: str | None = None
    document_name: str | None = None
    document_version: str | None = None
    size: int | None = None
    transport: str | None = None
    receipt: VansReceipt | None = None
    standard: str | None = None
    document_type: str | None = None
    type_version: str | None = None
    mime_type: str | None = None
    encoding: str | None = None
    scopes: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The fields that are set, in field order (for JSON and ``detect``)."""
        out: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or value == ():
                continue
            if isinstance(value, VansReceipt):
                value = {f.name: getattr(value, f.name) for f in fields(value)}
            elif item.name == "scopes":
                value = [list(pair) for pair in value]
            out[item.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> TransportLayer:
        """The inverse of :meth:`as_dict` (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        receipt = values.get("receipt")
        if isinstance(receipt, dict):
            values["receipt"] = VansReceipt(**receipt)
        scopes = values.get("scopes")
        if isinstance(scopes, list):
            values["scopes"] = tuple((str(a), str(b)) for a, b in scopes)
        return cls(**values)  # type: ignore[arg-type]

    def describe(self) -> str:
        """The layer's name in a location chain: ``SBDH BinaryContent`` or ``VANS Data``."""
        return "SBDH BinaryContent" if self.kind == SBDH else "VANS Data"
