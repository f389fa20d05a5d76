"""Which codec reads these bytes, and which letter versions exist: the one list of versions.

* Format sniffing: :func:`sniff_format` looks only at the first bytes (no parsing).
* Versions: every letter kind package declares its versions (``letters/<kind>/versions.py``,
  see :mod:`medbridge.letters.declaration`); :data:`REGISTRY` collects them from the one list
  of kind packages, :data:`LETTER_KINDS`. The codecs ask it which mapping reads a letter
  element or UNH, and which newer versions are known but refused; the messages naming the
  supported versions are written from it too. Adding a letter version is its declaration
  (and its mapping module); adding a kind is a package and one line in :data:`LETTER_KINDS`.
* Codecs: :class:`LetterCodec` is what the API needs of a wire format (read, detect, write);
  :func:`codec_for` gives the codec of a format, :meth:`Registry.codec` the codec for a
  (kind, format, version) that medbridge supports.

Nothing here maps letters or parses beyond the first bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from medbridge.findings import Finding, Location, Severity
from medbridge.letters import (
    ambulant_epikrise,
    epikrise,
    henvisning,
    plejeforloebsplan,
    receipt,
)
from medbridge.letters.declaration import EdifactVersion, LetterKind, LetterVersion, XmlVersion
from medbridge.letters.known import OTHER_LETTERS
from medbridge.model.transport import TransportLayer

if TYPE_CHECKING:
    from medbridge.errors import InputError
    from medbridge.limits import Limits
    from medbridge.model.message import Message

__all__ = [
    "EDIFACT",
    "FORMATS",
    "JSON",
    "LETTER_KINDS",
    "OTHER_LETTERS",
    "REGISTRY",
    "XML",
    "Detection",
    "LetterCodec",
    "Parsed",
    "Registry",
    "codec_for",
    "sniff_format",
]

XML = "xml"
EDIFACT = "edifact"
JSON = "json"
FORMATS = (XML, EDIFACT, JSON)

#: Every letter kind medbridge knows, each declaring its own versions.
LETTER_KINDS: tuple[LetterKind, ...] = (
    epikrise.KIND,
    henvisning.KIND,
    plejeforloebsplan.KIND,
    ambulant_epikrise.KIND,
    receipt.KIND,
)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_LAYOUT = b" \t\r\n"


def _key(version: LetterVersion) -> tuple[str, str]:
    """The wire identity of a version: the XML VersionCode, or UNH ``type:version``."""
    if isinstance(version, EdifactVersion):
        return EDIFACT, f"{version.message_type}:{version.version}"
    return XML, version.version


class Registry:
    """The declared letter versions, indexed for the codecs. Built once from the kinds and the
    known MedCom letters medbridge does not map (``others``)."""

    def __init__(self, kinds: Iterable[LetterKind], others: Iterable[LetterKind] = ()) -> None:
        self.kinds = tuple(kinds)
        self.others = {kind.name: kind for kind in others}
        self._other_versions = {
            _key(version): (kind.name, version)
            for kind in self.others.values()
            for version in kind.unsupported
        }
        self._supported: dict[tuple[str, str], tuple[str, LetterVersion]] = {}
        self._unsupported: dict[tuple[str, str], tuple[str, LetterVersion]] = {}
        for kind in self.kinds:
            for version in kind.supported:
                self._supported[_key(version)] = (kind.name, version)
            for version in kind.unsupported:
                self._unsupported[_key(version)] = (kind.name, version)
        self._edifact_kinds: dict[str, str] = {}
        for name, version in [*self._supported.values(), *self._unsupported.values()]:
            if isinstance(version, EdifactVersion):  # the first kind of a message type wins
                self._edifact_kinds.setdefault(version.message_type, name)
        self._version_codes = frozenset(v.version for _, v in self._supported.values())
        # kind → its first declared XML element and EDIFACT version (reversed: first one wins)
        self._xml_of = {k: v for k, v in reversed(self.xml_versions())}
        self._elements = {k: v.element for k, v in self._xml_of.items()}
        self._edifact_of = {k: v for k, v in reversed(self.edifact_versions())}
        # (kind, variant) → its XML and EDIFACT version, for kinds with several (receipts)
        self._variants: dict[tuple[str, str, str], LetterVersion] = {
            (k, v.format, v.variant): v for k, v in self._supported.values() if v.variant
        }

    # -- supported versions

    def xml_versions(self) -> list[tuple[str, XmlVersion]]:
        """(kind, version) of every supported XML version, in declaration order."""
        return [(k, v) for k, v in self._supported.values() if isinstance(v, XmlVersion)]

    def edifact_versions(self) -> list[tuple[str, EdifactVersion]]:
        """(kind, version) of every supported EDIFACT version, in declaration order."""
        return [(k, v) for k, v in self._supported.values() if isinstance(v, EdifactVersion)]

    def edifact(self, message_type: str, version: str) -> EdifactVersion | None:
        """The supported EDIFACT version of UNH ``message_type`` … ``version``, if any."""
        found = self._supported.get((EDIFACT, f"{message_type}:{version}"))
        return found[1] if found is not None and isinstance(found[1], EdifactVersion) else None

    def element_of(self, kind: str) -> str:
        """The XML letter element of a kind (its first declared XML version's; unknown: "")."""
        return self._elements.get(kind, "")

    def xml_of(self, kind: str) -> XmlVersion | None:
        """The XML version a letter of ``kind`` is written in (its first declared); None:
        unknown kind."""
        return self._xml_of.get(kind)

    def edifact_of(self, kind: str) -> EdifactVersion | None:
        """The EDIFACT version a letter of ``kind`` is written in; None: no EDIFACT form."""
        return self._edifact_of.get(kind)

    def version_for(self, letter: object, fmt: str) -> LetterVersion | None:
        """The version ``letter`` is written in, in format ``fmt``: by its kind, and by its
        ``variant`` for a kind with several (the receipts); None: no such version."""
        kind = str(getattr(letter, "kind", ""))
        variant = getattr(letter, "variant", None)
        if variant is not None:
            return self._variants.get((kind, fmt, str(variant)))
        return self._xml_of.get(kind) if fmt == XML else self._edifact_of.get(kind)

    def document_name(self, kind: str, version: XmlVersion) -> str:
        """The name an envelope gives an XML letter of ``kind`` in ``version``: its TypeCode,
        or for a letter without one (a receipt) its StatisticalCode, ``X`` + the EDIFACT letter
        type of the same variant."""
        if version.type_code:
            return version.type_code
        edifact = self._variants.get((kind, EDIFACT, version.variant))
        if isinstance(edifact, EdifactVersion) and edifact.letter_type:
            return "X" + edifact.letter_type
        return ""

    def element_for(self, letter: object) -> str:
        """The XML letter element of ``letter`` (by kind and variant; unknown: "")."""
        version = self.version_for(letter, XML)
        return version.element if isinstance(version, XmlVersion) else ""

    def is_supported_code(self, version: str | None) -> bool:
        """True for the version code of any supported version, in any format."""
        return version in self._version_codes

    def codec(self, kind: str, fmt: str, version: str) -> LetterCodec | None:
        """The codec for a supported (kind, format, version); ``version`` is the XML
        VersionCode or the EDIFACT UNH version (E2.5)."""
        for name, declared in self._supported.values():
            if (name, declared.format, declared.version) == (kind, fmt, version):
                return codec_for(fmt)
        return None

    # -- known, unsupported versions

    def xml_unsupported(self, version: str | None) -> tuple[str, XmlVersion] | None:
        """(kind, version) of a known newer XML VersionCode that medbridge refuses."""
        found = self._unsupported.get((XML, version or ""))
        if found is None or not isinstance(found[1], XmlVersion):
            return None
        return found[0], found[1]

    def edifact_unsupported(self, message_type: str, version: str) -> bool:
        """True for a known newer EDIFACT version that medbridge refuses."""
        return (EDIFACT, f"{message_type}:{version}") in self._unsupported

    def edifact_kind(self, message_type: str, version: str = "") -> str | None:
        """The kind of UNH ``message_type`` … ``version``: the kind (or known letter) that
        declares the pair, else the first kind of the message type (UNH E2.1)."""
        key = (EDIFACT, f"{message_type}:{version}")
        found = (
            self._supported.get(key) or self._unsupported.get(key) or self._other_versions.get(key)
        )
        return found[0] if found is not None else self._edifact_kinds.get(message_type)

    # -- known MedCom letters that are not medbridge's kinds

    def other_letter(self, fmt: str, version: str | None) -> LetterKind | None:
        """The known, out-of-scope MedCom letter of an XML VersionCode (``fmt`` ``xml``) or an
        EDIFACT UNH ``type:version``; None when the version is not one."""
        found = self._other_versions.get((fmt, version or ""))
        return self.others[found[0]] if found is not None else None

    def other_xml(self, version: str | None, element: str) -> str | None:
        """The name of the known, out-of-scope letter of an XML VersionCode and letter element."""
        found = self._other_versions.get((XML, version or ""))
        if found is None or not isinstance(found[1], XmlVersion) or found[1].element != element:
            return None
        return found[0]

    # -- the supported versions named in messages

    def describe_xml(self, with_elements: bool = False) -> str:
        """``XD0133L, XH0130R, XD2134C`` (or ``DischargeLetter XD0133L, …``)."""
        return ", ".join(
            f"{v.element} {v.version}" if with_elements else v.version
            for _, v in self.xml_versions()
        )

    def describe_edifact(self) -> str:
        """``MEDDIS D0133L (DIS01) and MEDREF H0130R (REF01)``."""
        return _and(
            f"{v.message_type} {v.version} ({v.letter_type})" for _, v in self.edifact_versions()
        )

    def edifact_version_codes(self) -> str:
        """``D0133L/H0130R``."""
        return "/".join(v.version for _, v in self.edifact_versions())

    def describe_kinds(self) -> str:
        """``XD0133L/D0133L, XH0130R/H0130R and XD2134C``: each kind's versions."""
        return _and("/".join(v.version for v in kind.supported) for kind in self.kinds)


def _and(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]


#: The versions of :data:`LETTER_KINDS`, and the known letters of :data:`OTHER_LETTERS`.
REGISTRY = Registry(LETTER_KINDS, OTHER_LETTERS)


@cache
def mapping_module(name: str) -> object:
    """The mapping module a version declaration names (imported on first use)."""
    return import_module(name)


def xml_mapping(version: XmlVersion) -> object:
    """The ``MAPPING`` of an XML version's mapping module (``module:NAME``: that attribute)."""
    module, _, attr = version.mapping.partition(":")
    return getattr(mapping_module(module), attr or "MAPPING")


# ---------------------------------------------------------------------------------------------
# detection results and the codec protocol


@dataclass(slots=True)
class Detection:
    """What an input is. Fields are None when they could not be determined."""

    format: str | None = None
    kind: str | None = None
    version: str | None = None
    encoding: str | None = None
    identifier: str | None = None
    findings: list[Finding] = field(default_factory=list)
    #: The transport envelopes (SBDH, VANS) around the payload, outermost first.
    layers: tuple[TransportLayer, ...] = ()

    @property
    def supported(self) -> bool:
        return REGISTRY.is_supported_code(self.version)

    def as_dict(self) -> dict[str, object]:
        """Every field but ``findings``, in field order; ``layers`` only when there are some
        (each without its BusinessScope values, which may name the patient)."""
        out = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("findings", "layers")
        }
        if self.layers:
            out["layers"] = [
                {k: v for k, v in layer.as_dict().items() if k != "scopes"} for layer in self.layers
            ]
        return out


@dataclass(slots=True)
class Parsed:
    """One input read as far as it goes: its detection, message (if mapped) and findings."""

    detection: Detection
    message: Message | None
    findings: list[Finding]


#: The semantic rules the API runs on a mapped message.
Rules = Callable[["Message"], list[Finding]]
#: Adds a format's position (line, segment …) to findings that name a model path.
Locate = Callable[[list[Finding]], list[Finding]]


class LetterCodec(Protocol):
    """A wire format's side of the public operations. The API runs the steps in order —
    :meth:`read` inside :meth:`reading`, cascade suppression, :meth:`positioned` — and never
    looks at the format itself."""

    @property
    def format(self) -> str:
        """``xml``, ``edifact`` or ``json``."""
        ...

    @property
    def input_error(self) -> type[InputError]:
        """The ``InputError`` subclass raised for input of this format that does not read."""
        ...

    @property
    def streams(self) -> bool:
        """True when :meth:`iter_letters` reads the input as it arrives, a letter at a time."""
        ...

    def read(self, data: bytes, *, strict_encoding: bool, limits: Limits, rules: Rules) -> Parsed:
        """Syntax, schema, mapping; then ``rules`` on the mapped message, their findings
        located in the input. Never raises for bad input."""
        ...

    def reading(self) -> AbstractContextManager[object]:
        """The context a whole :meth:`read` and its follow-up run in."""
        ...

    def positioned(self, findings: list[Finding], chunks: Iterable[bytes]) -> list[Finding]:
        """``findings`` with the positions only the input bytes (``chunks``) can give."""
        ...

    def detect(self, data: bytes, *, limits: Limits) -> Detection:
        """Kind, version, encoding and identifier, reading no further than needed."""
        ...

    def iter_letters(
        self, data: bytes | Iterable[bytes], *, limits: Limits
    ) -> Iterator[tuple[Message, list[Finding], Locate]]:
        """One message per letter as the input is read, with its findings and how to locate
        rule findings in it (only when :attr:`streams`)."""
        ...

    def write(
        self, message: Message, *, allow_loss: bool, allow_nonstandard: bool
    ) -> tuple[bytes, list[Finding]]:
        """The message in this format, and the findings of writing it."""
        ...

    def losses(self, message: Message) -> list[Finding]:
        """What the message holds that this format cannot carry (checked before writing)."""
        ...

    def notes(self, message: Message, source_format: str | None) -> list[Finding]:
        """Normalisations worth noting when input of ``source_format`` is written here."""
        ...


@cache
def codec_for(fmt: str | None) -> LetterCodec | None:
    """The codec of a format (``xml``, ``edifact``, ``json``); None for anything else."""
    modules = {
        XML: "medbridge.codecs.xml.letter_codec",
        EDIFACT: "medbridge.codecs.edifact.letter_codec",
        JSON: "medbridge.codecs.json.letter_codec",
    }
    name = modules.get(fmt or "")
    if name is None:
        return None
    codec: LetterCodec = import_module(name).CODEC
    return codec


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


def other_letter_message(kind: LetterKind, version: str) -> str:
    """``XDIS17 NotificationOfDischarge (XD1730C) is a known MedCom letter, not supported …``."""
    name = ("X" if version.startswith("X") else "") + kind.name  # XDIS17 in XML, DIS17 in EDIFACT
    name = f"{name} {kind.title}" if kind.title else name
    return (
        f"{name} ({version}) is a known MedCom letter, not supported by medbridge (it reads "
        f"{REGISTRY.describe_kinds()})."
    )


def unknown_format_finding() -> Finding:
    return Finding(
        "input.unknown-format",
        Severity.ERROR,
        "The input is neither XML, EDIFACT (starting with UNA or UNB) nor medbridge JSON.",
        Location(offset=0),
    )
