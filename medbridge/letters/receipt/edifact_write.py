"""Writing a receipt as CONTRL CTL01–03 (``exchange-messages.md`` §A.3, §A.6, §A.8).

The body is flat — UNH, UCI, an optional FTX, then per answered letter a UCM and an optional
FTX — with MedCom's constants: UNH ``CONTRL:D:93A:ZZ:C0x30Q`` + ``CTL0x``, the ``:14``
qualifiers, the receipt's action code (``4``/``7``) on the UCI and every UCM, UCM
``<type>:D:93A:UN:<version>``, FTX ``<code>+P00++<lines>``.

* UCM E2.1 (the answered letter's message type) is the one the receipt was read with (kept in
  the unit provenance); for a receipt built from a received interchange, the UNH E2.1 the original
  carried (``ORIGINAL_MESSAGE_TYPES`` in ``wire``, §A.6.2 rule 1); else
  :func:`~medbridge.letters.receipt.versions.message_type_of` (rule 2). A version code that gives
  none is refused (``receipt.unknown-message-type``): medbridge never writes MedCom's ``Ukendt``
  or ``????``.
* A refusal: a text without a code is written with ``NC``, a code without a text as
  ``FTX+<code>+P00'`` [POL]. A text of more than five lines (one FTX) is refused
  (``receipt.refuse-text-too-long``); with allow-loss it is cut after five lines (a
  ``convert.loss``). MedCom's own writer emits a second FTX, which its reader then drops; reading
  keeps such input as it is.
* What EDIFACT has no place for is an issue: a StatisticalCode other than ``XCTL0x``, a receipt
  envelope asking for a receipt, a text with styles (only ``Break``/``Space`` are BreakableText).
  ``Local_Elements`` is reported by the codec, as for every letter.

Unit keys: ``UNH``, ``UCI``, ``UCI/FTX``, ``UCM#n`` and ``UCM#n/FTX`` (n from 1).
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder, fail
from medbridge.edifact.ftx import LINES_PER_FTX, FtxBlock
from medbridge.letters.receipt.versions import (
    ACTION_CODES,
    C0130Q,
    C0230Q,
    C0330Q,
    ORIGINAL_MESSAGE_TYPES,
    STATISTICAL_CODES,
    message_type_of,
)
from medbridge.letters.shared.edifact_codes import CodeTable, table
from medbridge.model.receipt import Receipt, Refusal, RefuseCode
from medbridge.model.text import Break, Space

__all__ = [
    "ORIGINAL",
    "ORIGINAL_LETTER",
    "PARTY_QUALIFIER",
    "REFUSE_CODE",
    "S009",
    "TEXT_FORMAT",
    "UCM_S009",
    "VERSIONS",
    "build_letter",
]

#: UNH S009 after CONTRL: version, release, agency (§A.3.2; the letters use ``UN``).
S009 = ("D", "93A", "ZZ")
#: UCM E2.2–E2.4 (§A.3.4).
UCM_S009 = ("D", "93A", "UN")
#: The ``:14`` after every party on UCI (and UNB) (§A.3.3).
PARTY_QUALIFIER = "14"
#: FTX E2: the one format code of a refuse text (§A.8).
TEXT_FORMAT = "P00"
#: The EDIFACT version of each receipt.
VERSIONS = {version.variant: version for version in (C0130Q, C0230Q, C0330Q)}
#: §A.4: FTX E1.1 ⇄ RefuseCode, exact and case-sensitive.
REFUSE_CODE: CodeTable[RefuseCode] = table(
    "RefuseCode",
    RefuseCode,
    """
NC   UNSPECIFIED
LOK  UNKNOWN_LOCATION
MID  RECEIVER_ID
VER  VERSION
SYN  SYNTAX
""",
)
#: Model paths below the receipt element (the XML tree of §A.2).
ORIGINAL = "/OriginalEmessage"
ORIGINAL_LETTER = ORIGINAL + "/OriginalLetter"


def build_letter(letter: Receipt, b: Builder, base: str) -> None:
    """UNH, UCI (+ FTX), UCM (+ FTX) … of one receipt; UNT is the codec's."""
    version = VERSIONS[letter.variant]
    action = ACTION_CODES[letter.variant]
    if not letter.identifier:
        raise fail("convert.missing-required", "The receipt has no Identifier.", base + "/Letter")
    ident = b.value(letter.identifier, base + "/Letter/Identifier", "UNH", "UNH", 1)
    head = (version.message_type, *S009, version.version)
    b.add("UNH", "UNH", (ident,), head, (version.letter_type,))
    if letter.statistical_code is not None:
        b.unmapped(
            f"StatisticalCode {letter.statistical_code[:20]!r} differs from "
            f"{STATISTICAL_CODES[letter.variant]}; EDIFACT regenerates it from UNH element 3.",
            base + "/Letter/StatisticalCode",
            "-",
            lost=None,
        )
    original = base + ORIGINAL
    b.add(
        "UCI",
        "UCI",
        (
            b.value(
                letter.original_envelope, original + "/OriginalEnvelopeIdentifier", "UCI", "UCI", 1
            ),
        ),
        (
            b.value(
                letter.original_sender, original + "/OriginalSender/EANIdentifier", "UCI", "UCI", 2
            ),
            PARTY_QUALIFIER,
        ),
        (
            b.value(
                letter.original_receiver,
                original + "/OriginalReceiver/EANIdentifier",
                "UCI",
                "UCI",
                3,
            ),
            PARTY_QUALIFIER,
        ),
        (action,),
    )
    _refusal(b, letter.refusal, original, "UCI/FTX")
    count = len(letter.letters)
    copied = _copied_types(letter, count)
    for n, answered in enumerate(letter.letters, start=1):
        path = ORIGINAL_LETTER if count == 1 else f"{ORIGINAL_LETTER}[{n}]"
        path = base + path
        key = f"UCM#{n}"
        message_type = copied[n - 1] or message_type_of(answered.version_code)
        if message_type is None:
            raise fail(
                "receipt.unknown-message-type",
                f"OriginalVersionCode {answered.version_code[:10]!r} names no known message "
                "type for the UCM (MEDDIS, MEDREF, MEDRPT, MEDREQ, MEDBIN, PRODAT); medbridge "
                "never writes MedCom's 'Ukendt'.",
                path + "/OriginalVersionCode",
            )
        b.add(
            key,
            "UCM",
            (b.value(answered.identifier, path + "/OriginalLetterIdentifier", key, "UCM", 1),),
            (
                message_type,
                *UCM_S009,
                b.value(answered.version_code, path + "/OriginalVersionCode", key, "UCM", 2, 5),
            ),
            (action,),
        )
        _refusal(b, answered.refusal, path, key + "/FTX")
    if letter.local_elements is not None:
        b.unmapped(f"{base}/Local_Elements has no EDIFACT form.", base + "/Local_Elements", "-")


def _refusal(b: Builder, refusal: Refusal | None, path: str, key: str) -> None:
    """``FTX+<code>+P00++<lines>`` after the UCI or a UCM (§A.3.5, §A.8)."""
    if refusal is None or (refusal.code is None and refusal.text is None):
        return
    code = _wire_code(refusal.code)
    text = refusal.text
    if text is not None and any(not isinstance(i, str | Break | Space) for i in text.content):
        b.unmapped(
            f"{path}/RefuseText holds styles; a refuse text is text, Break and Space only.",
            path + "/RefuseText",
            key,
            "FTX",
        )
        if b.lossy:
            text = None
    blocks: list[FtxBlock] | None = None
    if text is not None and not text.is_empty():
        blocks = b.text_blocks(text, path + "/RefuseText", key)
    if not blocks:
        b.add(key, "FTX", (code,), (TEXT_FORMAT,))
        return
    for block in _one_ftx(b, blocks, path, key):
        b.add(key, "FTX", (code,), (TEXT_FORMAT,), ("",), block.lines)


def _wire_code(code: RefuseCode | str | None) -> str:
    """FTX E1: the code's wire form; none → ``NC`` [POL]; a code outside §A.4 as it was read."""
    if code is None:
        return "NC"
    return REFUSE_CODE.encode(code) or str(code)


def _one_ftx(b: Builder, blocks: list[FtxBlock], path: str, key: str) -> list[FtxBlock]:
    """The FTX a level holds: one, of at most five lines (the blocks of a text read from two
    FTX are joined into one while they fit). More is an issue; writing MedCom's nonstandard way
    (reading, to compare with the input) writes every FTX, allow-loss only the first five lines."""
    lines = tuple(line for block in blocks for line in block.lines)
    if len(lines) <= LINES_PER_FTX:
        return [FtxBlock(TEXT_FORMAT, lines)]
    if b.nonstandard:
        return blocks
    b.issue(
        "receipt.refuse-text-too-long",
        f"{path}/RefuseText needs {len(lines)} FTX lines; a receipt carries one FTX of "
        f"{LINES_PER_FTX} lines per level (MedCom's reader drops a second FTX).",
        path + "/RefuseText",
        key,
        "FTX",
        4,
        lost=None,
    )
    return [FtxBlock(TEXT_FORMAT, lines[:LINES_PER_FTX])] if b.lossy else blocks


def _copied_types(letter: Receipt, count: int) -> list[str | None]:
    """Per answered letter, the UNH E2.1 its original carried, when the receipt was built from
    a received interchange (:data:`ORIGINAL_MESSAGE_TYPES`); only plausible values (an..6, upper
    case letters and digits) are copied, anything else is derived as if it were absent."""
    given = letter.wire.get(ORIGINAL_MESSAGE_TYPES)
    types = list(given) if isinstance(given, list | tuple) else []
    types += [None] * (count - len(types))
    return [
        t if isinstance(t, str) and 0 < len(t) <= 6 and t.isalnum() and t.isupper() else None
        for t in types[:count]
    ]
