"""Namespace URIs of the MedCom OIOXML messages (``xml-messages.md`` §0)."""

from __future__ import annotations

__all__ = [
    "M100",
    "M102",
    "M103",
    "MC2005",
    "MUNICIPALITY",
    "PEPPOL_ENVELOPE",
    "SBDH",
    "VANS_ENVELOPE",
    "XINCLUDE",
    "XSI",
    "qname",
]

MC2005 = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/"
M100 = "urn:oio:medcom:municipality:1.0.0"
M102 = "urn:oio:medcom:municipality:1.0.2"
M103 = "urn:oio:medcom:municipality:1.0.3"
MUNICIPALITY = (M100, M102, M103)
#: The namespace of the newer (2018) MedCom letters; known, not supported.
MC2018 = "http://rep.oio.dk/medcom.dk/xml/schemas/2018/08/06/"
#: The transport envelopes (exchange-messages.md part B).
VANS_ENVELOPE = "urn:oio:medcom:vans-envelope:1.0.4"
SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
PEPPOL_ENVELOPE = "http://peppol.eu/xsd/ticc/envelope/1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XINCLUDE = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")


def qname(namespace: str, local: str) -> str:
    """Clark notation ``{namespace}local`` as lxml uses it."""
    return f"{{{namespace}}}{local}"
