"""Reading wrapped input transparently: what ``read``, ``validate``, ``convert`` and ``detect``
do with an SBDH document or a VANS envelope (issue 14 item 2).

The layers are peeled (:func:`~medbridge.envelopes.unwrap.peel`), the payload is read as if it
had come bare (the caller's reader), and then:

- every finding inside the payload carries the layer chain in its location
  (``Location.layers``), after the envelope's own findings;
- the layers are kept on the message (``Message.transport``) and the detection;
- the envelope metadata is checked against the payload (:mod:`medbridge.envelopes.checks`);
- a VANS envelope-level receipt holds no letter: an error ``wrapper.vans-receipt`` that names it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from medbridge.envelopes.checks import metadata_findings
from medbridge.envelopes.decoding import XML
from medbridge.envelopes.labels import at_layer
from medbridge.envelopes.layers import Place
from medbridge.envelopes.unwrap import RECEIPT, Unwrapped, peel, raise_if_broken
from medbridge.errors import XmlInputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.transport import VansReceipt
from medbridge.registry import Detection, Parsed, codec_for, sniff_format
from medbridge.source import load_bytes

#: The payload findings :func:`unwrap_source` reports (B.5 step 5 and the hardening rules).
_HARDENING = ("xml.encoding.", "xml.security.", "xml.limit.")

__all__ = ["detect_wrapped", "parse_wrapped", "receipt_finding", "unwrap_source"]


def receipt_finding(receipt: VansReceipt, chain: str | None, place: Place | None) -> Finding:
    """The error for a VANS envelope that holds a receipt, not a letter."""
    about = receipt.original_envelope_id or "an unnamed envelope"
    line = place.line if place is not None else None
    return Finding(
        "wrapper.vans-receipt",
        Severity.ERROR,
        f"The input is a VANS receipt ({receipt.kind} for envelope {about[:40]}), an "
        "envelope-level acknowledgement that holds no letter; use medbridge.unwrap to read it.",
        Location(line=line, path="/VANSEnvelope/Receipt", layers=chain),
    )


def _outer_chain(unwrapped: Unwrapped) -> str | None:
    """The chain of the layer that holds the receipt (all layers but the last)."""
    return " > ".join(layer.describe() for layer in unwrapped.layers[:-1]) or None


def parse_wrapped(
    data: bytes,
    strict_encoding: bool,
    limits: Limits,
    parse_bare: Callable[[bytes], Parsed],
) -> Parsed:
    """Read wrapped ``data``: its payload with ``parse_bare``, findings located by layer."""
    unwrapped = peel(data, limits=limits, strict_encoding=strict_encoding)
    layers = unwrapped.layers
    if unwrapped.kind == RECEIPT and unwrapped.receipt is not None:
        findings = [
            *unwrapped.findings,
            receipt_finding(
                unwrapped.receipt,
                _outer_chain(unwrapped),
                unwrapped.trees[-1].places.get("receipt"),
            ),
        ]
        return Parsed(Detection(format=XML, kind=RECEIPT, layers=layers), None, findings)
    if not unwrapped.ok:
        return Parsed(Detection(layers=layers), None, unwrapped.findings)
    parsed = parse_bare(unwrapped.payload)
    chain = unwrapped.chain
    parsed.detection.layers = layers
    if parsed.message is not None:
        parsed.message.transport = layers
    checks = metadata_findings(unwrapped.trees, parsed.detection, parsed.message)
    parsed.findings = [*unwrapped.findings, *checks, *at_layer(parsed.findings, chain)]
    return parsed


def detect_wrapped(data: bytes, limits: Limits) -> Detection:
    """:func:`medbridge.detect` of wrapped ``data``: the payload's detection with the layers."""
    unwrapped = peel(data, limits=limits)
    if unwrapped.kind == RECEIPT:
        return Detection(
            format=XML, kind=RECEIPT, layers=unwrapped.layers, findings=unwrapped.findings
        )
    if not unwrapped.ok:
        return Detection(layers=unwrapped.layers, findings=unwrapped.findings)
    codec = codec_for(sniff_format(unwrapped.payload))
    if codec is None:
        return Detection(layers=unwrapped.layers, findings=unwrapped.findings)
    det = codec.detect(unwrapped.payload, limits=limits)
    det.layers = unwrapped.layers
    det.findings = [*unwrapped.findings, *at_layer(det.findings, unwrapped.chain)]
    return det


def unwrap_source(
    source: bytes | bytearray | memoryview | os.PathLike[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    strict_encoding: bool = False,
) -> Unwrapped:
    """:func:`medbridge.unwrap`: peel, the payload's own charset finding, the metadata checks."""
    if isinstance(source, str):
        raise TypeError("pass bytes, or a pathlib.Path")
    data = load_bytes(source, limits)
    unwrapped = peel(data, limits=limits, strict_encoding=strict_encoding)
    raise_if_broken(unwrapped)
    if not unwrapped.layers or unwrapped.kind == RECEIPT:
        return unwrapped
    payload = unwrapped.payload
    codec = codec_for(sniff_format(payload))
    detection = Detection()
    if codec is not None:
        detection = codec.detect(payload, limits=limits)
    if unwrapped.kind == XML:
        found = _payload_xml_findings(payload, strict_encoding, limits)
        unwrapped.findings.extend(at_layer(found, unwrapped.chain))
        raise_if_broken(unwrapped)
    unwrapped.findings.extend(metadata_findings(unwrapped.trees, detection, None))
    return unwrapped


def _payload_xml_findings(payload: bytes, strict_encoding: bool, limits: Limits) -> list[Finding]:
    """The XML payload under the hardened parser: its encoding findings (B.5 step 5) and the
    security and limit errors (a DOCTYPE, an entity, too many nodes): every layer gets the same
    hardening. Whether the payload is a well-formed letter is the letter reader's to say."""
    from medbridge.xml.parse import parse_xml

    try:
        parsed = parse_xml(payload, strict_encoding=strict_encoding, limits=limits)
    except XmlInputError as exc:
        return [f for f in exc.findings if f.code.startswith(_HARDENING)]
    return [f for f in parsed.findings if f.code.startswith(_HARDENING)]
