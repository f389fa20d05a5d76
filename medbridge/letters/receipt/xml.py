"""XCTL01–03 ``NegativeVansReceipt`` / ``NegativeReceipt`` / ``PositiveReceipt`` ⇄
:class:`~medbridge.model.receipt.Receipt` (``exchange-messages.md`` §A.2).

Three tables, one per element, in wire order: :data:`NEGATIVE_VANS` (XC0130Q), :data:`NEGATIVE`
(XC0230Q), :data:`POSITIVE` (XC0330Q). The two negatives are identical apart from the element and
the VersionCode; the positive one has no ``RefuseCode``/``RefuseText`` anywhere, so a positive
receipt holding a refusal is refused on writing (``convert.unsupported-field``).

The model is flat where the XML nests: ``Letter`` (Identifier, VersionCode, StatisticalCode)
and ``OriginalEmessage`` are :class:`~medbridge.codecs.xml.mapping.Nested` wrappers around the
receipt's own fields; every party is one ``EANIdentifier``. ``StatisticalCode`` is kept in the
model only when it differs from the receipt's ``XCTL0x`` (which the writer puts back), so a
receipt read from XML equals the same receipt read from EDIFACT. ``RefuseText`` is MedCom's
BreakableText: text, ``Break`` and ``Space`` only (:data:`BREAKABLE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medbridge.codecs.xml.converters import BaseConverter
from medbridge.codecs.xml.mapping import (
    TEXT,
    Code,
    Constant,
    Entry,
    Fixed,
    Flat,
    Formatted,
    Leaf,
    LetterMapping,
    Nested,
    ReadContext,
    Struct,
    Wrap,
    WriteContext,
    struct,
    text_of,
)
from medbridge.letters.declaration import XmlVersion
from medbridge.letters.receipt.versions import STATISTICAL_CODES, XC0130Q, XC0230Q, XC0330Q
from medbridge.letters.shared.xml import letter_mapping
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from medbridge.model.text import Break, FormattedText, Space

__all__ = ["BREAKABLE", "NEGATIVE", "NEGATIVE_VANS", "POSITIVE"]


@dataclass(frozen=True, slots=True)
class _Breakable(BaseConverter):
    """BreakableText: FormattedText holding text, ``Break`` and ``Space`` only; a styled
    text (Bold, Center …) is refused on writing (the schema refuses it on reading)."""

    def read(self, element: Any, ctx: ReadContext) -> Any:
        return _FORMATTED.read(element, ctx)

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        if isinstance(value, FormattedText) and any(
            not isinstance(item, str | Break | Space) for item in value.content
        ):
            raise ctx.fail(
                "convert.unsupported-value",
                "RefuseText is BreakableText: text, Break and Space only, no styles",
            )
        _FORMATTED.write(element, value, ctx)


@dataclass(frozen=True, slots=True)
class _Defaulted(BaseConverter):
    """A required text element with a usual value: the model holds None for it (so formats
    without the element agree), and None is written as ``usual``."""

    usual: str

    def absent(self, value: Any) -> bool:
        return False

    def read(self, element: Any, ctx: ReadContext) -> Any:
        value = text_of(element, ctx)
        return None if value == self.usual else value

    def write(self, element: Any, value: Any, ctx: WriteContext) -> None:
        TEXT.write(element, self.usual if value is None else value, ctx)


_FORMATTED = Formatted()
#: RefuseText's converter.
BREAKABLE = _Breakable()
#: One ``EANIdentifier`` in a wrapper (``Sender``, ``OriginalReceiver`` …): the value itself.
_EAN = Wrap(Leaf("EANIdentifier", "", required=True))

#: ``RefuseCode`` + ``RefuseText`` (negatives only), both optional: a :class:`Refusal`.
REFUSAL = struct(
    Refusal,
    Leaf("RefuseCode", "code", Code(RefuseCode)),
    Leaf("RefuseText", "text", BREAKABLE),
)


def _original_letter(refusal: tuple[Entry, ...]) -> Struct:
    """``OriginalLetter``: the answered letter's identifier and version code, then ``refusal``
    (the optional :data:`REFUSAL` in a negative receipt, nothing in a positive one)."""
    return struct(
        OriginalLetter,
        Leaf("OriginalLetterIdentifier", "identifier", required=True),
        Leaf("OriginalVersionCode", "version_code", required=True),
        *refusal,
    )


def _receipt(version: XmlVersion) -> LetterMapping:
    """The table of one receipt element (§A.2)."""
    variant = ReceiptVariant(version.variant)
    negative = variant is not ReceiptVariant.POSITIVE
    refusal: tuple[Entry, ...] = (Flat("refusal", REFUSAL, required=False),) if negative else ()
    return letter_mapping(
        version,
        Receipt,
        Constant("variant", variant),
        Nested(
            "Letter",
            (
                Leaf("Identifier", "identifier", required=True),
                Fixed("VersionCode", version.version),
                Leaf(
                    "StatisticalCode",
                    "statistical_code",
                    _Defaulted(STATISTICAL_CODES[variant]),
                    required=True,
                ),
            ),
        ),
        Leaf("Sender", "sender", _EAN, required=True),
        Leaf("Receiver", "receiver", _EAN, required=True),
        Nested(
            "OriginalEmessage",
            (
                Leaf("OriginalEnvelopeIdentifier", "original_envelope", required=True),
                Leaf("OriginalSender", "original_sender", _EAN, required=True),
                Leaf("OriginalReceiver", "original_receiver", _EAN, required=True),
                *refusal,
                Leaf("OriginalLetter", "letters", _original_letter(refusal), many=True, max=99),
            ),
        ),
    )


NEGATIVE_VANS = _receipt(XC0130Q)
NEGATIVE = _receipt(XC0230Q)
POSITIVE = _receipt(XC0330Q)
