"""How a letter kind declares its versions: the facts detection and dispatch need, as data.

Each kind package (``medbridge/letters/<kind>/versions.py``) states, once, which versions it
maps — the XML letter element, namespace, ``VersionCode`` and ``TypeCode``; the EDIFACT message
type (UNH E2.1), version (UNH E2.5) and letter type (UNH E3) — and which newer MedCom versions
it knows but does not map. :mod:`medbridge.registry` collects the declarations; the codecs look
versions up there and import the named mapping module when a letter of that version is read or
written. Nothing here imports a codec, so declaring a version costs no parsing machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from medbridge.xml.namespaces import MC2005

__all__ = [
    "EdifactVersion",
    "LetterKind",
    "LetterVersion",
    "XmlVersion",
    "medcom_2005_kind",
    "paired",
]


@dataclass(frozen=True, slots=True)
class XmlVersion:
    """One OIOXML letter version: ``<element>`` in ``namespace`` with ``Letter/VersionCode``
    ``version`` and ``Letter/TypeCode`` ``type_code`` (empty: the letter has no TypeCode, as a
    receipt). ``mapping`` names the module whose ``MAPPING`` reads and writes it (``module:NAME``
    for another attribute than ``MAPPING``); empty for a known version medbridge does not map.
    ``variant`` is the model's ``variant`` value this version carries, for a kind whose one model
    class has several wire forms (the receipts); empty for the others."""

    format: ClassVar[str] = "xml"
    version: str
    element: str
    type_code: str = ""
    namespace: str = ""
    mapping: str = ""
    variant: str = ""


@dataclass(frozen=True, slots=True)
class EdifactVersion:
    """One EDIFACT letter version: UNH ``message_type:D:93A:UN:version`` and letter type
    ``letter_type``. ``mapping`` names the module with ``read_letter``/``build_letter``; empty
    for a known version medbridge does not map. ``variant`` as for :class:`XmlVersion`."""

    format: ClassVar[str] = "edifact"
    message_type: str
    version: str
    letter_type: str = ""
    mapping: str = ""
    variant: str = ""


LetterVersion = XmlVersion | EdifactVersion


def paired(
    element: str,
    message_type: str,
    version: str,
    letter_type: str = "",
    *,
    namespace: str = "",
    package: str = "",
) -> tuple[XmlVersion, EdifactVersion]:
    """One MedCom letter version in its two forms: the EDIFACT ``message_type`` ``version`` with
    letter type ``letter_type``, and the XML ``<element>`` whose VersionCode and TypeCode are
    ``X`` + the EDIFACT ones (``edifact-messages.md`` §1: ``XD0133L``/``D0133L``, ``XDIS01``/
    ``DIS01``). ``package`` is the kind package whose ``xml`` and ``edifact`` modules map them;
    empty for a known version medbridge does not map."""
    mapped = (f"{package}.xml", f"{package}.edifact") if package else ("", "")
    xml_type = "X" + letter_type if letter_type else ""
    return (
        XmlVersion("X" + version, element, xml_type, namespace, mapped[0]),
        EdifactVersion(message_type, version, letter_type, mapped[1]),
    )


@dataclass(frozen=True, slots=True)
class LetterKind:
    """A letter kind (``epikrise``…) and its versions: ``supported`` are mapped, ``unsupported``
    are newer MedCom versions that are recognised and refused (never read with an older map);
    ``rules`` names the module of the kind's own semantic rules."""

    name: str
    supported: tuple[LetterVersion, ...]
    unsupported: tuple[LetterVersion, ...] = ()
    #: The module whose ``RULES`` (:class:`~medbridge.validation.kinds.LetterRules`) checks
    #: letters of this kind; empty for a kind with no rules of its own.
    rules: str = ""
    #: What the letter is called besides its name (a known letter's XML element), for messages.
    title: str = ""


def medcom_2005_kind(
    package: str,
    name: str,
    element: str,
    message_type: str,
    version: str,
    letter_type: str,
    *,
    newer: str,
) -> tuple[XmlVersion, EdifactVersion, LetterKind]:
    """The kind ``name`` of the 2005/08/07 MedCom letters that ``package`` maps in one version:
    that version in its two forms (:func:`paired`, the XML one in the 2005 namespace, both read
    by ``package``'s ``xml`` and ``edifact`` modules), the ``newer`` version it knows and refuses
    and its rules in ``package.rules``. Returns the XML version, the EDIFACT version and the
    kind."""
    xml, edifact = paired(
        element, message_type, version, letter_type, namespace=MC2005, package=package
    )
    kind = LetterKind(
        name,
        supported=(xml, edifact),
        unsupported=paired(element, message_type, newer),
        rules=f"{package}.rules",
    )
    return xml, edifact, kind
