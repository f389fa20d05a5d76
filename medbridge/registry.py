"""Which codec reads these bytes: format sniffing and detection of kind and version.

``sniff_format`` looks only at the first bytes (no parsing); ``detect`` goes as far as needed to
name the kind, version, encoding and letter identifier: the XML root and ``Letter`` block, or the
EDIFACT UNB and first UNH. Nothing here maps letters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medbridge.findings import Finding, Location, Severity

__all__ = ["EDIFACT", "FORMATS", "JSON", "XML", "Detection", "detect_edifact", "sniff_format"]

XML = "xml"
EDIFACT = "edifact"
JSON = "json"
FORMATS = (XML, EDIFACT, JSON)

#: EDIFACT (UNH E2.1, E2.5) and XML VersionCode → kind, for the supported versions.
SUPPORTED_VERSIONS: dict[str, str] = {
    "XD0133L": "epikrise",
    "XH0130R": "henvisning",
    "XD2134C": "plejeforloebsplan",
    "D0133L": "epikrise",
    "H0130R": "henvisning",
}
#: Newer versions MedCom lists, recognised and refused ("known, unsupported version").
KNOWN_UNSUPPORTED_VERSIONS: dict[str, str] = {
    "XD0134L": "epikrise",
    "XH0131R": "henvisning",
    "D0134L": "epikrise",
    "H0131R": "henvisning",
}

#: EDIFACT message type (UNH element 2, component 1) → kind.
_EDIFACT_KINDS = {"MEDDIS": "epikrise", "MEDREF": "henvisning"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_LAYOUT = b" \t\r\n"


@dataclass(slots=True)
class Detection:
    """What an input is. Fields are None when they could not be determined."""

    format: str | None = None
    kind: str | None = None
    version: str | None = None
    encoding: str | None = None
    identifier: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return self.version in SUPPORTED_VERSIONS

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "kind": self.kind,
            "version": self.version,
            "encoding": self.encoding,
            "identifier": self.identifier,
        }


def sniff_format(data: bytes) -> str | None:
    """``xml``, ``edifact`` or ``json`` from the first significant bytes; None if none fits."""
    head = data[:64]
    for bom in _BOMS:
        if head.startswith(bom):
            rest = head[len(bom) :]
            if rest.startswith((b"UNA", b"UNB")):
                return EDIFACT
            return XML
    stripped = head.lstrip(_LAYOUT)
    if stripped.startswith((b"UNA", b"UNB")):
        return EDIFACT
    if stripped.startswith(b"<") or head.startswith(b"\x00<") or head.startswith(b"<\x00"):
        return XML
    if stripped.startswith((b"{", b"[")):
        return JSON
    return None


def detect_edifact(data: bytes, detection: Detection) -> None:
    """Fill kind, version, identifier and encoding from UNB and the first UNH, if reachable.

    Only the head of the interchange, up to the first UNH, is tokenized
    (:func:`medbridge.edifact.head.head_end`); the rest of ``data`` is never looked at.
    """
    from medbridge.edifact.head import head_end
    from medbridge.edifact.syntax import iter_segments
    from medbridge.errors import EdifactInputError

    try:
        for segment in iter_segments(data[: head_end(data)]):
            if segment.tag == "UNB":
                detection.encoding = segment.value(1, 1) or None
            elif segment.tag == "UNH":
                version = segment.value(2, 5) or None
                detection.version = version
                detection.identifier = segment.value(1) or None
                if version is not None:
                    detection.kind = _EDIFACT_KINDS.get(segment.value(2, 1))
                return
    except EdifactInputError:
        return


def unknown_format_finding() -> Finding:
    return Finding(
        "input.unknown-format",
        Severity.ERROR,
        "The input is neither XML, EDIFACT (starting with UNA or UNB) nor medbridge JSON.",
        Location(offset=0),
    )
