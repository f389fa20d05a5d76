"""Semantic rules over the normalized model: what the schema cannot see.

:func:`check_message` walks a :class:`~medbridge.model.Message` and returns findings with stable
``rule.*`` codes (listed with their meaning in ``docs/findings.md``), plus the ``id.*`` findings of
:mod:`medbridge.validation.identifiers` wherever an identifier appears. Every location is the
**XML** element path of the letter version (``/Emessage/DischargeLetter/Patient/…``, ``[n]`` for
repeated letters and elements), whatever format the message came from; the API layer adds line
numbers or EDIFACT positions. The element names come from each kind's XML table
(:mod:`medbridge.letters.fields`).

This module runs the message: the envelope, each letter's header and parties, one identifier per
letter and the UNB parties, then the letter kind's own checks (``medbridge.letters.<kind>.rules``,
found through :func:`kind_rules`). The generic checks are in :mod:`medbridge.validation.checks`,
the shared letter parts in :mod:`medbridge.validation.parts`.

Rule groups:

* identifiers by their carrier: party ``Identifier`` by ``IdentifierCode``, ``EANIdentifier`` as a
  GLN, the patient's CPR or replacement CPR (eCPR), a relative's 10-digit ``PersonIdentifier``;
  a valid CPR must not be born after the letter's own date (its authorisation, else ``Sent``);
* dates: real ``YYYY-MM-DD`` dates and ``hh:mm`` times, no time-zone suffix, years 0001–9999;
  order (admission ≤ discharge ≤ authorisation, events no later than authorisation); nothing
  recorded after the envelope's ``Sent`` (plus a day), nothing planned more than a year after it.
  The envelope date is the only "now": rules never read the clock, so results are deterministic.
  A time of ``00:00`` is read as "time unknown" and compared by date only;
* values: whitespace-only text (``xs:string`` lets it pass), a 35- or 70-character value ending
  in ``*`` (probably truncated by the sender), ``StatisticalCode`` ≠ ``TypeCode``, the XDIS21
  episode id shape, a binary reference size;
* code lists: values outside the letter version's list (error in the 2005 letters, warning in the
  municipality letter, whose lists are only partly known), and the EDIFACT-only values
  ``paediatri_sygehus`` and ``grundmorbus`` (not valid in XML);
* required clinical content per letter kind;
* letters of one message: each with its own ``Letter/Identifier``;
* the envelope: EDIFACT UNB sender and recipient, when the EDIFACT reader recorded them in
  ``message.wire["edifact.unb.sender"]`` / ``["edifact.unb.recipient"]`` (a GLN string, or a
  sequence whose first item is the GLN), must equal each letter's Sender/Receiver EAN.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from importlib import import_module
from types import MappingProxyType

from medbridge.findings import Finding, Severity
from medbridge.letters.fields import FieldTable, indexed, names
from medbridge.letters.shared.xml import ENVELOPE
from medbridge.model.message import ClinicalLetter, Message
from medbridge.validation.checks import Checker, Point, quote
from medbridge.validation.kinds import LetterRules, OwnRules
from medbridge.validation.parts import check_party, check_patient

__all__ = ["UNB_RECIPIENT_KEY", "UNB_SENDER_KEY", "check_message", "kind_rules", "rules_for"]

#: ``message.wire`` key under which the EDIFACT reader records the UNB sender (S002) GLN.
UNB_SENDER_KEY = "edifact.unb.sender"
#: ``message.wire`` key under which the EDIFACT reader records the UNB recipient (S003) GLN.
UNB_RECIPIENT_KEY = "edifact.unb.recipient"

_ROOT = "/Emessage"
_SENT, _ENVELOPE_ID = names((FieldTable(ENVELOPE),), "sent", "identifier")
_ENVELOPE = f"{_ROOT}/Envelope"


def check_message(message: Message) -> list[Finding]:
    """All semantic-rule and identifier findings for ``message``, in document order."""
    checker = Checker(message)
    _run(checker)
    return checker.findings


@functools.cache
def kind_rules() -> Mapping[type, LetterRules | OwnRules]:
    """Each letter class's :class:`LetterRules` or :class:`OwnRules` (every kind's rules, so
    every kind's tables, loaded)."""
    from medbridge.registry import REGISTRY

    found: list[LetterRules | OwnRules] = [
        import_module(kind.rules).RULES for kind in REGISTRY.kinds if kind.rules
    ]
    return MappingProxyType({r.cls: r for r in found})


@functools.cache
def rules_for(kind: str) -> LetterRules | OwnRules:
    """The rules of the letter kind named ``kind`` (a letter's ``kind``), found through its
    declaration: the rule run loads only the rules (and tables) of the kinds it meets."""
    from medbridge.registry import REGISTRY

    declared = next(k for k in REGISTRY.kinds if k.name == kind and k.rules)
    rules: LetterRules | OwnRules = import_module(declared.rules).RULES
    return rules


def _run(c: Checker) -> None:
    envelope = c.message.envelope
    c.sent = c.moment(envelope.sent, _ENVELOPE, _SENT)
    c.text(envelope.identifier, _ENVELOPE, _ENVELOPE_ID)
    if not c.message.letters:
        c.add(
            "rule.message.no-letters",
            Severity.ERROR,
            "The message has an envelope but no letter.",
            _ROOT,
        )
        return
    _own_rules(c)
    letters: list[ClinicalLetter] = []
    kinds: list[LetterRules] = []
    for letter in c.message.letters:
        rules = rules_for(letter.kind)
        if isinstance(rules, LetterRules):
            letters.append(letter)  # type: ignore[arg-type]
            kinds.append(rules)
    counts = Counter(kinds)  # once: counting per letter made an interchange quadratic
    seen: dict[LetterRules, int] = {}
    identifiers: dict[str, str] = {}  # Letter/Identifier → path of the first letter with it
    for letter, kind in zip(letters, kinds, strict=True):
        i = seen.get(kind, 0)
        seen[kind] = i + 1
        base = f"{_ROOT}/{indexed(kind.element, i, counts[kind])}"
        _letter(c, letter, base, kind)
        _envelope_parties(c, letter, base, kind)
        identifier = letter.header.identifier
        if identifier.strip():
            first = identifiers.setdefault(identifier, base)
            if first != base:
                element = kind.xml("header.identifier")
                c.add(
                    "rule.letter.duplicate-identifier",
                    Severity.ERROR,
                    f"{element} {quote(identifier)} is already the identifier of {first}; each "
                    "letter needs its own (receipts name a letter by it).",
                    f"{base}/{element}",
                )


def _own_rules(c: Checker) -> None:
    """The letters of kinds with rules of their own (receipts), each under its element path."""
    from medbridge.registry import REGISTRY

    elements = [REGISTRY.element_for(letter) for letter in c.message.letters]
    counts = Counter(elements)
    seen: Counter[str] = Counter()
    for letter, element in zip(c.message.letters, elements, strict=True):
        seen[element] += 1
        rules = rules_for(letter.kind)
        if isinstance(rules, OwnRules):
            rules.check(
                c, letter, f"{_ROOT}/{indexed(element, seen[element] - 1, counts[element])}"
            )


def _envelope_parties(c: Checker, letter: ClinicalLetter, base: str, kind: LetterRules) -> None:
    wire = c.message.wire
    for key, party, model, role, code in (
        (UNB_SENDER_KEY, letter.sender, "sender", "sender", "rule.envelope.sender-mismatch"),
        (
            UNB_RECIPIENT_KEY,
            letter.receiver,
            "receiver",
            "recipient",
            "rule.envelope.recipient-mismatch",
        ),
    ):
        unb = _wire_gln(wire.get(key))
        if unb is None:
            continue
        if party.ean != unb:
            ean = "none" if party.ean is None else party.ean
            element = kind.xml(f"{model}.ean")
            owner, _, name = element.partition("/")
            c.add(
                code,
                Severity.ERROR,
                f"The interchange (UNB) {role} is {unb}, but the letter's {owner} "
                f"{name} is {ean}; they must be the same GLN.",
                f"{base}/{element}",
            )


def _letter(c: Checker, letter: ClinicalLetter, base: str, kind: LetterRules) -> None:
    authorisation = _header(c, letter, base, kind)
    for party, model in ((letter.sender, "sender"), (letter.receiver, "receiver")):
        check_party(
            c,
            party,
            f"{base}/{kind.xml(model)}",
            kind.specialities,
            municipality=kind.municipality,
            has_ean=True,
        )
    check_patient(c, letter.patient, f"{base}/{kind.xml('patient')}", kind.occupation)
    kind.check(c, letter, base, authorisation)


def _header(c: Checker, letter: ClinicalLetter, base: str, kind: LetterRules) -> Point | None:
    """The Letter block; the checked authorisation. Sets the letter's own date."""
    header = letter.header
    c.text(header.identifier, base, kind.xml("header.identifier"))
    statistical_code = kind.xml("header.statistical_code")
    c.text(header.statistical_code, base, statistical_code)
    type_code = kind.mapping.version.type_code
    if header.statistical_code.strip() and header.statistical_code != type_code:
        c.add(
            "rule.letter.statistical-code",
            Severity.INFO,
            f"StatisticalCode {quote(header.statistical_code)} differs from the TypeCode "
            f"{type_code}; MedCom's examples always repeat the TypeCode.",
            f"{base}/{statistical_code}",
        )
    element = kind.xml("header.authorisation")
    authorisation = c.moment(header.authorisation, base, element)
    c.recorded(authorisation, f"{base}/{element}", "letter's authorisation")
    if authorisation is not None:
        c.letter_date = (authorisation.date, "authorisation")
    elif c.sent is not None:
        c.letter_date = (c.sent.date, "envelope's Sent date")
    else:
        c.letter_date = None
    _episode(c, header.episode_of_care_id, base, kind)
    return authorisation


def _episode(c: Checker, episode: str | None, base: str, kind: LetterRules) -> None:
    element = kind.xml("header.episode_of_care_id")
    c.text(episode, base, element)
    shape = kind.episode_id
    if shape is None or episode is None or not episode.strip() or shape.fullmatch(episode):
        return
    c.add(
        "rule.letter.episode-id",
        Severity.INFO,
        "The EpisodeOfCareIdentifier is not 32 hexadecimal digits (a UUID without hyphens), "
        "the shape municipality messages use.",
        f"{base}/{element}",
    )


def _wire_gln(value: object) -> str | None:
    """The GLN recorded for a UNB party: a string, or the first item of a sequence."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return value[0]
    return None
