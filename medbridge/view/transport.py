"""The "Forsendelse" block of the view: how a wrapped letter arrived (issue 14, spec part B).

A letter read from an SBDH document or a VANS envelope keeps the layers in
``Message.transport`` (outermost first). :func:`transport_view` turns them into a short,
secondary block: per layer its kind, identifiers, sender → receiver and what it declares it
carries (format, document name and version, MIME type, charset), then the ``wrapper.*``
warnings of the input (labels that contradict the content, metadata that disagrees with the
letter). A bare letter has no block (None), so its view is unchanged.

Every value shown here is written by the sender of the envelope, not checked by it: a
CPR-shaped number standing alone in a value (``DDMMYY-XXXX`` or ten digits, not part of a
longer word such as the letter number ``HEN2501140002``) is masked as in finding excerpts, so a
CPR number written into an envelope field never reaches the block. Warnings are findings,
which never quote a CPR.

JSON (the optional top-level ``transport`` key of ``medbridge-view/1``)::

    {"title": "Forsendelse", "note": "...",
     "layers": [{"kind": "sbdh"|"vans", "title": "1. SBDH", "rows": [{"label", "value"}]}],
     "warnings": [{"code", "message", "where"}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from medbridge.findings import Finding, Location, Severity, mask_standalone_identifiers
from medbridge.model.transport import SBDH, TransportLayer

__all__ = [
    "TITLE",
    "LayerBlock",
    "TransportView",
    "TransportWarning",
    "transport_dict",
    "transport_view",
]

TITLE = "Forsendelse"
_NOTE = (
    "Brevet ankom pakket i forsendelseslag, det yderste først. "
    "Værdierne er som afsenderen har angivet dem."
)
_MAX_VALUE = 120


@dataclass(frozen=True, slots=True)
class LayerBlock:
    """One layer: ``kind`` (``sbdh``/``vans``), a numbered title and label–value rows."""

    kind: str
    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TransportWarning:
    """A ``wrapper.*`` finding as shown: its code, sentence and where (layer chain, line)."""

    code: str
    message: str
    where: str


@dataclass(frozen=True, slots=True)
class TransportView:
    title: str
    note: str
    layers: tuple[LayerBlock, ...]
    warnings: tuple[TransportWarning, ...]


def transport_view(
    layers: tuple[TransportLayer, ...], findings: Iterable[Finding] = ()
) -> TransportView | None:
    """The block for ``layers`` and the ``wrapper.*`` findings among ``findings``; None when
    the letter came bare."""
    if not layers:
        return None
    blocks = tuple(
        LayerBlock(layer.kind, f"{number}. {_kind_name(layer)}", tuple(_rows(layer)))
        for number, layer in enumerate(layers, start=1)
    )
    warnings = tuple(
        TransportWarning(f.code, _clean(f.message, 400), _where(f.location, layers[0]))
        for f in findings
        if f.code.startswith("wrapper.") and f.severity is not Severity.INFO
    )
    return TransportView(TITLE, _NOTE, blocks, warnings)


def _kind_name(layer: TransportLayer) -> str:
    return "SBDH" if layer.kind == SBDH else "VANS-kuvert"


def _clean(text: str | None, limit: int = _MAX_VALUE) -> str:
    """A sender-written value as shown: one line, CPR-shaped numbers masked, bounded."""
    value = mask_standalone_identifiers(" ".join((text or "").split()))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _where(location: Location, outermost: TransportLayer) -> str:
    """``VANS Data: Identifier, linje 7``: the layer chain (the outermost layer's name when the
    finding is in the outer file), the element and the line."""
    parts = []
    if location.path:
        parts.append(location.path.rstrip("/").rsplit("/", 1)[-1])
    if location.line is not None:
        parts.append(f"linje {location.line}")
    return f"{location.layers or _kind_name(outermost)}: {', '.join(parts) or '–'}"


def _party(value: str | None, kind: str | None) -> str:
    shown = _clean(value) or "–"
    return f"{shown} ({_clean(kind, 40)})" if kind else shown


def _joined(*parts: str | None) -> str:
    return " ".join(_clean(p) for p in parts if p)


def _rows(layer: TransportLayer) -> list[tuple[str, str]]:
    route = (
        f"{_party(layer.sender, layer.sender_type)} → {_party(layer.receiver, layer.receiver_type)}"
    )
    rows = [("Forsendelses-id", _clean(layer.envelope_id) or "–")]
    if layer.message_id:
        rows.append(("Meddelelses-id", _clean(layer.message_id)))
    if layer.sent:
        rows.append(("Afsendt", _clean(layer.sent)))
    rows.append(("Afsender → modtager", route))
    if layer.kind == SBDH:
        rows += _sbdh_rows(layer)
    else:
        rows += _vans_rows(layer)
    return rows


def _sbdh_rows(layer: TransportLayer) -> list[tuple[str, str]]:
    rows = []
    declared = _joined(layer.document_type, layer.type_version)
    if declared:
        rows.append(("Erklæret dokument", declared))
    if layer.standard:
        rows.append(("Standard", _clean(layer.standard)))
    content = _joined(layer.mime_type, f"({layer.encoding})" if layer.encoding else None)
    if content:
        rows.append(("Erklæret indhold", content))
    return rows


def _vans_rows(layer: TransportLayer) -> list[tuple[str, str]]:
    rows = []
    declared = _joined(layer.document_format, layer.document_name, layer.document_version)
    if declared:
        rows.append(("Erklæret dokument", declared))
    if layer.size is not None:
        rows.append(("Erklæret størrelse", f"{layer.size} byte"))
    if layer.transport:
        rows.append(("Transport", _clean(layer.transport)))
    return rows


def transport_dict(view: TransportView) -> dict[str, Any]:
    """The block as JSON-ready data (shape in the module docstring)."""
    return {
        "title": view.title,
        "note": view.note,
        "layers": [
            {
                "kind": block.kind,
                "title": block.title,
                "rows": [{"label": label, "value": value} for label, value in block.rows],
            }
            for block in view.layers
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "where": w.where} for w in view.warnings
        ],
    }
