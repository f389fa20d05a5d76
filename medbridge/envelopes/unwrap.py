"""Peeling transport envelopes off a message: the algorithm of spec B.5.

:func:`peel` follows SBDH ``BinaryContent`` and VANS ``Data`` as deep as they go (at most
``Limits.max_envelope_layers``), parsing every layer with the hardened XML parser (no DOCTYPE, no
entities, the XML count limits) and decoding every base64 layer with a size bound checked
before decoding. It returns the innermost payload bytes **unchanged** (never transcoded), the
layers outermost first, and the findings: the label checks of :mod:`medbridge.envelopes.labels`
as warnings, and a located error for a layer that does not parse, base64 that does not decode,
an empty payload or too many layers. It never raises for bad input.

:func:`unwrap` is the public entry point: ``peel`` plus the payload's own charset finding
(``xml.encoding.undeclared-latin1``, B.5 step 5) and the envelope metadata checked against the
payload (:mod:`medbridge.envelopes.checks`); it raises ``InputError`` when a layer is broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medbridge.envelopes.decoding import (
    EDIFACT,
    XML,
    Base64Problem,
    decode_base64,
    is_wrapped,
)
from medbridge.envelopes.labels import (
    at_layer,
    charset_of,
    content_kind,
    id_findings,
    label_findings,
    schema_findings,
    size_finding,
)
from medbridge.envelopes.layers import LayerTree, is_envelope_root, read_layer
from medbridge.errors import InputError, XmlInputError
from medbridge.findings import Finding, Location, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.transport import TransportLayer, VansReceipt
from medbridge.xml.parse import parse_xml

__all__ = ["RECEIPT", "Unwrapped", "chain_of", "is_wrapped", "peel"]

#: ``Unwrapped.kind`` of a VANS envelope that holds a receipt instead of a message.
RECEIPT = "vans-receipt"


@dataclass(slots=True)
class Unwrapped:
    """What :func:`~medbridge.unwrap` found.

    ``payload``: the innermost bytes, unchanged (empty for a VANS receipt or a broken layer).
    ``layers``: the envelopes, outermost first. ``kind``: what the payload is, from its bytes
    (``xml``, ``edifact``, ``fhir-xml``, ``fhir-json``, ``json``, ``binary``, ``unknown``, or
    ``vans-receipt``). ``charset``: the payload's charset when it can be told. ``receipt``: the
    VANS envelope-level receipt, if that is what the envelope holds. ``findings``: every
    finding, located by layer chain.
    """

    payload: bytes
    layers: tuple[TransportLayer, ...]
    findings: list[Finding] = field(default_factory=list)
    kind: str = ""
    charset: str | None = None
    receipt: VansReceipt | None = None
    trees: tuple[LayerTree, ...] = field(default=(), repr=False, compare=False)

    @property
    def chain(self) -> str | None:
        """The layer chain to the payload (``SBDH BinaryContent > VANS Data``)."""
        return chain_of(self.layers)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.is_error for f in self.findings)


def chain_of(layers: tuple[TransportLayer, ...] | list[TransportLayer]) -> str | None:
    """The location chain through ``layers`` (None when there are none)."""
    return " > ".join(layer.describe() for layer in layers) or None


def _error(code: str, message: str, location: Location) -> Finding:
    return Finding(code, Severity.ERROR, message, location)


class _Peeler:
    """The state of one :func:`peel`: the layers so far and their findings."""

    def __init__(self, limits: Limits, strict_encoding: bool) -> None:
        self.limits = limits
        self.strict_encoding = strict_encoding
        self.trees: list[LayerTree] = []
        self.carried: list[bytes] = []
        self.findings: list[Finding] = []

    @property
    def chain(self) -> str | None:
        return chain_of([t.layer for t in self.trees])

    def result(self, payload: bytes, kind: str, receipt: VansReceipt | None = None) -> Unwrapped:
        for index, tree in enumerate(self.trees):
            chain = chain_of([t.layer for t in self.trees[:index]])
            if index < len(self.carried):
                self.findings.extend(label_findings(tree, chain, self.carried[index]))
        return Unwrapped(
            payload,
            tuple(t.layer for t in self.trees),
            self.findings,
            kind,
            charset_of(payload) if payload else None,
            receipt,
            tuple(self.trees),
        )

    def failed(self, finding: Finding) -> Unwrapped:
        self.findings.append(finding)
        return self.result(b"", "")

    def step(self, data: bytes) -> bytes | Unwrapped | None:
        """Peel one layer off ``data``: the bytes inside, the final result, or None when
        ``data`` is not an envelope after all (it is the payload)."""
        chain = self.chain
        if len(self.trees) >= self.limits.max_envelope_layers:
            return self.failed(
                _error(
                    "wrapper.too-deep",
                    f"The envelopes are nested deeper than the limit of "
                    f"{self.limits.max_envelope_layers} layers.",
                    Location(layers=chain),
                )
            )
        try:
            parsed = parse_xml(data, strict_encoding=self.strict_encoding, limits=self.limits)
        except XmlInputError as exc:
            self.findings.extend(at_layer(exc.findings, chain))
            return self.result(b"", "")
        kind = is_envelope_root(parsed.root)
        if kind is None:
            return None
        self.findings.extend(at_layer(parsed.findings, chain))
        tree = read_layer(kind, parsed.root)
        self.findings.extend(schema_findings(tree, parsed.root, chain))
        self.findings.extend(id_findings(tree, chain))
        self.trees.append(tree)
        if tree.layer.receipt is not None:
            return self.result(b"", RECEIPT, tree.layer.receipt)
        return self.decode(tree, chain)

    def decode(self, tree: LayerTree, chain: str | None) -> bytes | Unwrapped:
        place = tree.places.get("content")
        where = Location(layers=chain)
        if place is not None:
            where = Location(line=place.line, path=place.path, layers=chain)
        element = "BinaryContent" if tree.layer.kind == "sbdh" else "Data"
        if tree.content is None:
            return self.failed(
                _error("wrapper.empty-payload", f"The envelope has no {element}.", where)
            )
        limit = min(self.limits.max_decoded_bytes, self.limits.max_input_bytes)
        try:
            decoded = decode_base64(tree.content, limit)
        except Base64Problem as problem:
            detail = problem.detail[0].lower() + problem.detail[1:]
            return self.failed(_error(problem.code, f"{element}: {detail}", where))
        if not decoded.strip():
            return self.failed(
                _error(
                    "wrapper.empty-payload",
                    f"{element} is empty: the envelope carries no message.",
                    where,
                )
            )
        self.findings.extend(size_finding(tree, chain, len(decoded)))
        self.carried.append(decoded)
        return decoded


def peel(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, strict_encoding: bool = False
) -> Unwrapped:
    """Every envelope layer off ``data``; never raises for bad input (see the module doc)."""
    peeler = _Peeler(limits, strict_encoding)
    current = data
    while is_wrapped(current):
        outcome = peeler.step(current)
        if outcome is None:
            break
        if isinstance(outcome, Unwrapped):
            return outcome
        current = outcome
    kind = content_kind(current)
    if peeler.trees and kind not in (XML, EDIFACT):
        peeler.findings.append(_unknown_payload(kind, peeler.chain))
    return peeler.result(current, kind)


def _unknown_payload(kind: str, chain: str | None) -> Finding:
    what = {"fhir-xml": "a FHIR Bundle", "fhir-json": "FHIR JSON", "json": "JSON"}.get(
        kind, "binary data" if kind == "binary" else "not a message medbridge knows"
    )
    return Finding(
        "wrapper.unknown-payload",
        Severity.WARNING,
        f"The envelope carries {what}, not an OIOXML or EDIFACT letter; it is returned as it is.",
        Location(layers=chain),
    )


def raise_if_broken(unwrapped: Unwrapped) -> None:
    """Raise the ``InputError`` of an unwrap that found an error."""
    errors = [f for f in unwrapped.findings if f.is_error]
    if errors:
        raise InputError(errors[0].format(), unwrapped.findings)
