"""The envelope's own metadata checked against the payload it carries (issue 14 item 2).

Warnings, located at the envelope value that disagrees: ``wrapper.docinfo-mismatch`` (VANS
``Format``/``Name``/``Version``, SBDH ``Type``/``TypeVersion`` against the payload's format,
TypeCode and VersionCode), ``wrapper.sender-mismatch`` and ``wrapper.receiver-mismatch`` (a GLN
of the envelope against the letters' Sender/Receiver EAN), ``wrapper.message-id-mismatch``
(an envelope's message identifier that is a letter number, not a UUID, against the payload's
identifiers).

Choices where the spec is silent or says "unknown" (exchange-messages.md, What we do not know
7, 8): for an EDIFACT payload only VANS ``Format`` is compared (the Name/Version convention is
unknown); SBDH ``Type``/``TypeVersion`` are compared with the innermost payload (as Region H
wrote them, B.7.2); a VANS identifier shaped as a UUID is never compared (it names the
transport, not the letter); an identifier of the form ``EAN:number`` (B.3.2) is compared by
its number, and its EAN with the sender.
"""

from __future__ import annotations

from collections.abc import Iterable

from medbridge.envelopes.labels import UUID_SHAPE, warning
from medbridge.envelopes.layers import LayerTree
from medbridge.envelopes.unwrap import chain_of
from medbridge.findings import Finding
from medbridge.model.message import Message, letter_identifier, letter_parties
from medbridge.model.transport import SBDH, VANS
from medbridge.registry import EDIFACT, REGISTRY, XML, Detection

__all__ = ["metadata_findings"]

_GLN_PREFIX = "0088:"
_FORMAT_NAMES = {XML: "XML", EDIFACT: "EDIFACT"}


def metadata_findings(
    trees: Iterable[LayerTree], detection: Detection, message: Message | None
) -> list[Finding]:
    """Every disagreement between the layers' metadata and the payload."""
    findings: list[Finding] = []
    done: list[LayerTree] = []
    for tree in trees:
        chain = chain_of([t.layer for t in done])
        findings.extend(_docinfo(tree, chain, detection))
        if message is not None:
            findings.extend(_parties(tree, chain, message))
            findings.extend(_message_ids(tree, chain, message))
        done.append(tree)
    return findings


def _type_code(detection: Detection) -> str | None:
    """The document name of the XML payload's version (:meth:`Registry.document_name`)."""
    for kind, version in REGISTRY.xml_versions():
        if version.version == detection.version:
            return REGISTRY.document_name(kind, version) or None
    return None


def _docinfo(tree: LayerTree, chain: str | None, detection: Detection) -> list[Finding]:
    layer = tree.layer
    pairs: list[tuple[str, str | None, str | None]] = []
    if layer.kind == VANS:
        pairs.append(
            ("document_format", layer.document_format, _FORMAT_NAMES.get(detection.format or ""))
        )
        if detection.format == XML:
            pairs.append(("document_name", layer.document_name, _type_code(detection)))
            pairs.append(("document_version", layer.document_version, detection.version))
    elif layer.kind == SBDH and detection.format == XML:
        pairs.append(("document_type", layer.document_type, _type_code(detection)))
        pairs.append(("type_version", layer.type_version, detection.version))
    findings: list[Finding] = []
    for name, declared, actual in pairs:
        if declared is None or actual is None or declared == actual:
            continue
        findings.append(
            warning(
                "wrapper.docinfo-mismatch",
                f"The envelope declares {_label(name)} {declared[:40]!r}, but the payload is "
                f"{actual!r}.",
                chain,
                tree.places.get(name),
            )
        )
    return findings


def _label(name: str) -> str:
    return {
        "document_format": "Document/Format",
        "document_name": "Document/Name",
        "document_version": "Document/Version",
        "document_type": "Type",
        "type_version": "TypeVersion",
    }[name]


def _gln(tree: LayerTree, value: str | None, endpoint: str | None) -> str | None:
    if value is None:
        return None
    if tree.layer.kind == SBDH:
        return value[len(_GLN_PREFIX) :] if value.startswith(_GLN_PREFIX) else None
    return value if endpoint == "EAN" else None


def _parties(tree: LayerTree, chain: str | None, message: Message) -> list[Finding]:
    layer = tree.layer
    findings: list[Finding] = []
    sides = (
        (
            "sender",
            _gln(tree, layer.sender, layer.sender_type),
            "Sender",
            "wrapper.sender-mismatch",
        ),
        (
            "receiver",
            _gln(tree, layer.receiver, layer.receiver_type),
            "Receiver",
            "wrapper.receiver-mismatch",
        ),
    )
    parties = [letter_parties(letter) for letter in message.letters]
    for side, (name, gln, element, code) in enumerate(sides):
        eans = {pair[side] for pair in parties} - {None, ""}
        if gln is None or not eans or gln in eans:
            continue
        findings.append(
            warning(
                code,
                f"The envelope's {name} is GLN {gln}, but the payload's {element} EAN is "
                f"{', '.join(sorted(str(e) for e in eans))}.",
                chain,
                tree.places.get(name),
            )
        )
    return findings


def _message_ids(tree: LayerTree, chain: str | None, message: Message) -> list[Finding]:
    layer = tree.layer
    known = {letter_identifier(letter) for letter in message.letters} - {""}
    known.add(message.envelope.identifier)
    candidates: list[tuple[str, str | None]] = [("message_id", layer.message_id)]
    if layer.kind == SBDH:
        candidates = [("envelope_id", layer.envelope_id)]
        candidates += [(f"scope:{t}", v) for t, v in layer.scopes if t == "MESSAGEIDENTIFIER"]
    findings: list[Finding] = []
    seen: set[str] = set()
    for name, value in candidates:
        if not value or UUID_SHAPE.fullmatch(value) or value in seen:
            continue
        seen.add(value)
        number = value.rsplit(":", 1)[-1]
        if number in known:
            continue
        findings.append(
            warning(
                "wrapper.message-id-mismatch",
                f"The envelope names message {value[:40]!r}, but the payload's envelope and "
                f"letter identifiers are {', '.join(sorted(known))[:80]}.",
                chain,
                tree.places.get(name),
            )
        )
    return findings
