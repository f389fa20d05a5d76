"""Reading one envelope layer's tree: the SBDH document or the VANS envelope (spec B.2, B.3).

:func:`read_layer` turns the parsed root of one layer into a
:class:`~medbridge.model.transport.TransportLayer` (what the sender declared), the base64 text
it carries and where (element line and path, for findings), or the VANS receipt it holds
instead. Values are trimmed of surrounding whitespace (MedCom's own sample pads them, D7).
``BinaryContent`` is matched by local name in any namespace (D6). Nothing is decided from the
labels here; :mod:`medbridge.envelopes.labels` compares them with the content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbridge.model.transport import SBDH, VANS, TransportLayer, VansReceipt
from medbridge.xml.namespaces import SBDH as SBDH_NS
from medbridge.xml.namespaces import VANS_ENVELOPE
from medbridge.xml.paths import element_path, local_name, namespace_of

__all__ = ["ENVELOPE_ROOTS", "LayerTree", "Place", "is_envelope_root", "read_layer"]

#: (namespace, local name) of the roots that are envelopes.
ENVELOPE_ROOTS = {
    (SBDH_NS, "StandardBusinessDocument"): SBDH,
    (VANS_ENVELOPE, "VANSEnvelope"): VANS,
}
_RECEIPTS = ("NegativeVans", "NegativeMessage", "PositiveMessage")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value sits in its layer: the element's line and path."""

    line: int | None
    path: str


@dataclass(slots=True)
class LayerTree:
    """One layer as read: its metadata, the base64 ``content`` it carries (None for a VANS
    receipt or when the element is missing) and the places of its values by field name
    (``content`` is the place of the base64 element itself)."""

    layer: TransportLayer
    content: str | None
    places: dict[str, Place] = field(default_factory=dict)
    #: Names of values written with whitespace around them (trimmed here; B.3.1, D7).
    padded: tuple[str, ...] = ()


def is_envelope_root(root: Any) -> str | None:
    """The envelope kind (``sbdh``/``vans``) of a parsed root, or None."""
    return ENVELOPE_ROOTS.get((namespace_of(root) or "", local_name(root)))


class _Reader:
    """Looks up child elements by local-name path, remembering where each value was."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.places: dict[str, Place] = {}
        self.padded: list[str] = []

    def element(self, path: str, parent: Any = None) -> Any:
        node = self.root if parent is None else parent
        for step in path.split("/"):
            node = next((c for c in node if isinstance(c.tag, str) and local_name(c) == step), None)
            if node is None:
                return None
        return node

    def text(self, name: str, path: str, parent: Any = None) -> str | None:
        node = self.element(path, parent)
        if node is None:
            return None
        self.places[name] = Place(node.sourceline, element_path(node))
        raw = node.text or ""
        if raw.strip() and raw != raw.strip():
            self.padded.append(name)
        return raw.strip()

    def attribute(self, path: str, attribute: str) -> str | None:
        node = self.element(path)
        value = node.get(attribute) if node is not None else None
        return value.strip() if value is not None else None


def read_layer(kind: str, root: Any) -> LayerTree:
    """The layer of ``kind`` (:data:`~medbridge.model.transport.SBDH` or ``VANS``) rooted at
    ``root``."""
    return _read_sbdh(root) if kind == SBDH else _read_vans(root)


def _read_vans(root: Any) -> LayerTree:
    r = _Reader(root)
    meta = "Message/MetaInformation"
    size_text = r.text("size", f"{meta}/Document/SizeInBytes")
    layer = TransportLayer(
        VANS,
        sender=r.text("sender", "SenderID"),
        receiver=r.text("receiver", "ReceiverID"),
        sender_type=r.attribute("SenderID", "EndPointType"),
        receiver_type=r.attribute("ReceiverID", "EndPointType"),
        envelope_id=r.text("envelope_id", "EnvelopeIdentifier"),
        sent=r.text("sent", "SentDateTime"),
        message_id=r.text("message_id", f"{meta}/Identifier"),
        document_format=r.text("document_format", f"{meta}/Document/Format"),
        document_name=r.text("document_name", f"{meta}/Document/Name"),
        document_version=r.text("document_version", f"{meta}/Document/Version"),
        size=int(size_text) if size_text is not None and size_text.isdigit() else None,
        transport=r.text("transport", f"{meta}/Transport/Type"),
        receipt=_receipt(r),
    )
    content = r.text("content", "Message/Data")
    return LayerTree(layer, content, r.places, tuple(n for n in r.padded if n != "content"))


def _receipt(r: _Reader) -> VansReceipt | None:
    receipt = r.element("Receipt")
    if receipt is None:
        return None
    r.places["receipt"] = Place(receipt.sourceline, element_path(receipt))
    for name in _RECEIPTS:
        node = r.element(name, receipt)
        if node is not None:
            code = r.text("receipt_code", "Error/Code", node)
            return VansReceipt(
                name,
                original_envelope_id=r.text(
                    "original_envelope", "OriginalEnvelopeIdentifier", node
                ),
                original_message_id=r.text("original_message", "OriginalMessage/Identifier", node),
                error_code=code or None,
                error=r.text("receipt_error", "Error/Description", node),
            )
    return VansReceipt("Receipt")


def _read_sbdh(root: Any) -> LayerTree:
    r = _Reader(root)
    head = "StandardBusinessDocumentHeader"
    ident = f"{head}/DocumentIdentification"
    binary = next(
        (c for c in root if isinstance(c.tag, str) and local_name(c) == "BinaryContent"), None
    )
    layer = TransportLayer(
        SBDH,
        sender=r.text("sender", f"{head}/Sender/Identifier"),
        receiver=r.text("receiver", f"{head}/Receiver/Identifier"),
        sender_type=r.attribute(f"{head}/Sender/Identifier", "Authority"),
        receiver_type=r.attribute(f"{head}/Receiver/Identifier", "Authority"),
        envelope_id=r.text("envelope_id", f"{ident}/InstanceIdentifier"),
        sent=r.text("sent", f"{ident}/CreationDateAndTime"),
        standard=r.text("standard", f"{ident}/Standard"),
        document_type=r.text("document_type", f"{ident}/Type"),
        type_version=r.text("type_version", f"{ident}/TypeVersion"),
        mime_type=_attribute(binary, "mimeType"),
        encoding=_attribute(binary, "encoding"),
        scopes=_scopes(r),
    )
    content = None
    if binary is not None:
        r.places["content"] = Place(binary.sourceline, element_path(binary))
        content = binary.text or ""
    return LayerTree(layer, content, r.places, tuple(r.padded))


def _attribute(node: Any, name: str) -> str | None:
    value = node.get(name) if node is not None else None
    return value.strip() if value is not None else None


def _scopes(r: _Reader) -> tuple[tuple[str, str], ...]:
    scope_parent = r.element("StandardBusinessDocumentHeader/BusinessScope")
    if scope_parent is None:
        return ()
    found: list[tuple[str, str]] = []
    for scope in scope_parent:
        if not isinstance(scope.tag, str) or local_name(scope) != "Scope":
            continue
        kind = r.element("Type", scope)
        value = r.element("InstanceIdentifier", scope)
        if kind is not None and value is not None:
            scope_type = (kind.text or "").strip()
            found.append((scope_type, (value.text or "").strip()))
            r.places.setdefault(f"scope:{scope_type}", Place(value.sourceline, element_path(value)))
    return tuple(found)
