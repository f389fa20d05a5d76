"""The one way an EDIFACT letter body is read (edifact-messages.md §6.4, §7.4), driven by each
letter kind's table.

A MedCom letter body is the message-level segments (BGM, DTM+137) and then groups, each opened
by its ``Snn`` trigger. :func:`read_body` walks them the same way for every kind:

1. UNH and the message level (:func:`~medbridge.letters.shared.edifact.read_header`);
2. every S01 group is claimed by its NAD role (once per role, only the kind's roles) and handed
   to the kind's party reader with the role's row of :class:`PartyRole`;
3. every other group goes by its number to the kind's reader: a ``once`` group is claimed as
   unit ``Snn`` and read (a second one is a duplicate), a ``repeated`` group is the reader's to
   claim; an unknown group is reported (never dropped silently);
4. the kind's draft finishes what spans groups (:meth:`Draft.finish`), and each required unit
   that never appeared is reported missing, in the table's order.

Inside a group, a :class:`SegmentTable` dispatches each segment by ``(tag, qualifier)`` (the
qualifier being element 1; :data:`ANY` for any) to a small reader, the same table shape one level
down. What really is code (S11 gathering values for four XML parents, S14 telling a diagnosis
from a text from references) stays in the kind's module, small and named.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Generic, NamedTuple, Protocol, TypedDict, TypeVar

from medbridge.codecs.edifact.mapping import Reader, opt
from medbridge.codecs.xml.mapping import LetterMapping
from medbridge.edifact.groups import Group, GroupedBody
from medbridge.edifact.segment import Segment
from medbridge.letters.fields import field_table
from medbridge.letters.shared.edifact import LetterContext, MessageNames, read_header
from medbridge.letters.shared.edifact_codes import CodeTable
from medbridge.model.common import LetterHeader, Party, Patient, Reference, Relative

__all__ = [
    "ANY",
    "Draft",
    "LetterCore",
    "LetterDraft",
    "LetterTable",
    "PartyRole",
    "SegmentTable",
    "XmlPaths",
    "claim_once",
    "code_once",
    "moment_once",
    "read_body",
    "reference_once",
]

ANY = "*"
"""The qualifier of a :func:`read_segments` row that takes any element 1."""


class Draft(Protocol):
    """What a kind collects while its groups are read."""

    def finish(self, r: Reader) -> None:
        """Read what spans groups (REF01's S12 texts), after the walk and before the checks for
        missing groups."""


class LetterCore(TypedDict):
    """The fields of a letter that every kind reads the same way (:meth:`LetterDraft.core`)."""

    header: LetterHeader
    sender: Party
    receiver: Party
    patient: Patient
    relatives: list[Relative]
    references: list[Reference]


class LetterDraft:
    """What every letter kind collects: its parties by role, patient, relatives, references and
    episode-of-care id (a kind's draft adds its own)."""

    __slots__ = ("episode_id", "parties", "patient", "references", "relatives")

    def __init__(self) -> None:
        self.parties: dict[str, Party] = {}
        self.patient: Patient | None = None
        self.relatives: list[Relative] = []
        self.references: list[Reference] = []
        self.episode_id: str | None = None

    def finish(self, r: Reader) -> None:
        """Nothing spans groups (override to read what does)."""

    def core(self, header: LetterHeader, sender: str, receiver: str) -> LetterCore | None:
        """The letter's ``header`` (given the episode-of-care id), its parties of the NAD roles
        ``sender`` and ``receiver``, patient, relatives and references; None when a party or the
        patient is missing."""
        patient, from_, to = self.patient, self.parties.get(sender), self.parties.get(receiver)
        if patient is None or from_ is None or to is None:
            return None
        header.episode_of_care_id = self.episode_id
        return {
            "header": header,
            "sender": from_,
            "receiver": to,
            "patient": patient,
            "relatives": self.relatives,
            "references": self.references,
        }


D = TypeVar("D", bound=Draft)
L = TypeVar("L")
T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
GroupReader = Callable[[Reader, Group, D], None]
#: A reader of one segment into ``T`` (a draft, or the parts of one group).
SegmentReader = Callable[[Reader, Segment, T], None]


class PartyRole(NamedTuple):
    """One S01 role of a letter kind: the NAD qualifier, the XML path of the party (relative to
    the letter element), the segments its group may hold (a role with CON carries a phone, with
    SPR the speciality), the SEQ number MedCom writes for it, and the UNB element holding its
    EAN (2 the sender S002, 3 the recipient S003, None).

    (The classes of these tables are named tuples and plain slotted classes, not dataclasses: a
    dataclass compiles its methods when its module is imported, and the EDIFACT codec is
    imported on the first EDIFACT letter.)"""

    code: str
    path: str
    segments: frozenset[str]
    seq: int
    unb: int | None = None

    @property
    def phone(self) -> bool:
        return "CON" in self.segments

    @property
    def speciality(self) -> bool:
        return "SPR" in self.segments


class LetterTable(Generic[D, L]):
    """How one letter kind's body is read: its draft and how the letter is made of it, its
    party roles and their reader, its groups by number, and the units a letter must hold (unit
    key, what is missing)."""

    __slots__ = (
        "claim_unknown",
        "draft",
        "letter",
        "names",
        "once",
        "parties",
        "party",
        "repeated",
        "required",
        "roles",
    )

    def __init__(
        self,
        *,
        names: MessageNames,
        draft: Callable[[], D],
        letter: Callable[[D, LetterHeader], L | None],
        parties: tuple[PartyRole, ...],
        party: Callable[[Reader, Group, PartyRole, LetterContext, D], None],
        once: Mapping[str, GroupReader[D]],
        repeated: Mapping[str, GroupReader[D]],
        required: tuple[tuple[str, str], ...],
        claim_unknown: bool = False,
    ) -> None:
        self.names = names
        self.draft = draft
        self.letter = letter
        self.parties = parties
        self.roles = {role.code: role for role in parties}
        self.party = party
        self.once = once
        self.repeated = repeated
        self.required = required
        self.claim_unknown = claim_unknown

    @property
    def letter_type(self) -> str:
        return self.names.letter_type

    def read(self, grouped: GroupedBody, ctx: LetterContext, r: Reader) -> L | None:
        """Map one message body (findings and units go to ``r``); None when it holds no
        letter."""
        draft = self.draft()
        header = read_body(grouped, ctx, r, self, draft)
        return None if header is None else self.letter(draft, header)

    def numbers(self) -> str:
        """The group numbers the kind knows, for the unknown-group finding."""
        return " ".join(sorted({"01", *self.once, *self.repeated}))


class XmlPaths(dict[str, str]):
    """Model path → XML path (``P["sender.contact"]`` is ``/Sender/Contact``, relative to the
    letter element, as the source map and the builder's issues name it), read off the kind's
    XML table so every element name is stated once, there. A plain dictionary, so that a look-up
    while reading costs no call."""

    __slots__ = ()

    def __init__(self, mapping: LetterMapping) -> None:
        super().__init__((row.model, "/" + row.xml) for row in field_table(mapping).rows)

    def name(self, model: str, parent: str) -> str:
        """The XML path of ``model`` relative to its ancestor ``parent`` (``/DiagnoseDateTime``
        of ``diagnoses.other.moment`` under ``diagnoses.other``), for indexed parents."""
        return self[model][len(self[parent]) :]


def read_body(
    grouped: GroupedBody, ctx: LetterContext, r: Reader, table: LetterTable[D, L], draft: D
) -> LetterHeader | None:
    """Walk one letter body into ``draft`` (findings and units go to ``r``); the header, or None
    when the letter cannot be built (an error was reported, or the header is incomplete)."""
    r.claim("UNH", ctx.unh)
    header = read_header(r, ctx, grouped.top, table.names)
    seen: set[str] = set()
    for group in grouped.groups:
        number = group.number
        if number == "01":
            _party_group(r, group, seen, table, ctx, draft)
        elif number in table.once:
            if _first(r, seen, "S" + number, group, f"S{number} group"):
                table.once[number](r, group, draft)
        elif number in table.repeated:
            table.repeated[number](r, group, draft)
        else:
            _unknown_group(r, group, table)
    draft.finish(r)
    for key, what in table.required:
        if key not in seen:
            r.missing(what, ctx.unh)
    return None if r.failed else header


def _unknown_group(r: Reader, group: Group, table: LetterTable[D, L]) -> None:
    r.unknown(group.trigger, f"a {table.letter_type} message (groups {table.numbers()})")
    if table.claim_unknown:
        for segment in group.segments:
            r.claim(f"S{group.number}?", segment)


def _party_group(
    r: Reader,
    group: Group,
    seen: set[str],
    table: LetterTable[D, L],
    ctx: LetterContext,
    draft: D,
) -> None:
    """Check and claim an S01 group by its NAD role (once per role) and read it; a missing NAD,
    a role the letter does not use and a repeated role are reported instead."""
    nads = group.tagged("NAD")
    if not nads:
        r.missing("a NAD segment in an S01 group", group.trigger)
        return
    code = nads[0].value(1)
    role = table.roles.get(code)
    if role is None:
        codes = ", ".join(role.code for role in table.parties)
        r.error(
            "edifact.mapping.value",
            f"NAD role {code[:6]!r} is not used in {table.letter_type} ({codes}).",
            nads[0],
            1,
        )
        return
    if _first(r, seen, "S01." + code, group, f"S01 group for role {code}"):
        table.party(r, group, role, ctx, draft)


def _first(r: Reader, seen: set[str], key: str, group: Group, what: str) -> bool:
    """Claim a group that may occur once under ``key``; a repeat is reported as a duplicate."""
    if key in seen:
        r.duplicate(group.trigger, what)
        return False
    seen.add(key)
    r.claim(key, group.trigger)
    return True


class SegmentTable(Generic[T]):
    """Segment readers by ``(tag, element 1)``, with ``(tag, ANY)`` for any element 1: the rows
    of one group. Built once per group kind; looked up by tag first, so a tag whose rows all
    take ANY costs one dictionary lookup."""

    __slots__ = ("_by_tag",)

    def __init__(self, rows: Mapping[tuple[str, str], SegmentReader[T]]) -> None:
        by_tag: dict[str, tuple[SegmentReader[T] | None, dict[str, SegmentReader[T]] | None]] = {}
        for (tag, qualifier), reader in rows.items():
            fallback, by_qualifier = by_tag.get(tag, (None, None))
            if qualifier == ANY:
                fallback = reader
            else:
                by_qualifier = {**(by_qualifier or {}), qualifier: reader}
            by_tag[tag] = (fallback, by_qualifier)
        self._by_tag = by_tag

    def read(self, r: Reader, segments: list[Segment], draft: T, where: str) -> None:
        """Hand each segment to the reader of its ``(tag, element 1)`` row, else of its
        ``(tag, ANY)`` row; a segment with no row is reported as having no place ``where``."""
        by_tag = self._by_tag
        for segment in segments:
            fallback, by_qualifier = by_tag.get(segment.tag, (None, None))
            reader = fallback
            if by_qualifier is not None:
                reader = by_qualifier.get(segment.value(1), fallback)
            if reader is None:
                r.unknown(segment, where)
            else:
                reader(r, segment, draft)


def claim_once(key: str, what: str) -> SegmentReader[object]:
    """A row for a segment that is only claimed (a constant): once under ``key``."""

    def claim(r: Reader, segment: Segment, _: object) -> None:
        r.once(key, segment, what)

    return claim


def _put(target: object, attr: str, value: object) -> None:
    """``target.attr = value``; a dotted ``attr`` (``additional.priority``) names a part."""
    owner, _, name = attr.rpartition(".")
    setattr(attrgetter(owner)(target) if owner else target, name, value)


def code_once(
    key: str, what: str, path: str, table: CodeTable[E], element: int, attr: str
) -> SegmentReader[object]:
    """A row for a coded segment read once under ``key``: component 1 of ``element`` through
    ``table`` into ``target.attr`` (the model ``path``)."""

    def read(r: Reader, segment: Segment, target: object) -> None:
        if r.once(key, segment, what):
            r.sources.record_value(path, segment, element, 1)
            _put(target, attr, r.code(table, segment, element))

    return read


def moment_once(key: str, what: str, path: str, attr: str) -> SegmentReader[object]:
    """A row for a DTM read once under ``key`` into ``target.attr`` (the model ``path``)."""

    def read(r: Reader, segment: Segment, target: object) -> None:
        if r.once(key, segment, what):
            _put(target, attr, r.moment(segment, path))

    return read


def reference_once(key: str, what: str, path: str, attr: str) -> SegmentReader[object]:
    """A row for an RFF read once under ``key``: element 1, component 2 (empty: None) into
    ``target.attr`` (the model ``path``)."""

    def read(r: Reader, segment: Segment, target: object) -> None:
        if r.once(key, segment, what):
            r.sources.record_value(path, segment, 1, 2)
            _put(target, attr, opt(segment.value(1, 2)))

    return read
