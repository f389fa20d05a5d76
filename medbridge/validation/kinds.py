"""What the rule run needs of one letter kind: :class:`LetterRules`, the kind's XML mapping and
field table plus the kind's own checks.

Each ``medbridge.letters.<kind>.rules`` module holds one ``RULES``;
:mod:`medbridge.validation.rules` dispatches on the letter's class through them. The element
names of the letter header and the parties come from the kind's field table, so no rule names
them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medbridge.codecs.xml.mapping import LetterMapping
from medbridge.letters.fields import FieldTable, field_table
from medbridge.validation.checks import Checker, Point

__all__ = ["KindCheck", "LetterRules", "OwnRules"]

#: A kind's own checks: ``(checker, letter, letter path, checked authorisation)``.
KindCheck = Callable[[Checker, Any, str, Point | None], None]


@dataclass(frozen=True, slots=True, eq=False)
class LetterRules:
    """One letter kind for the rules: its XML mapping and field table, its code subsets and its
    own checks.

    ``episode_id`` is the shape the kind expects of ``EpisodeOfCareIdentifier`` (None: any);
    ``occupation`` the Patient element of the occupation; ``specialities`` and ``relations`` the
    code subsets of MedicalSpecialityCode and RelationCode; ``municipality`` marks a letter whose
    code lists are only partly known (unknown codes warn instead of failing). The element paths
    of the header and the parties are read off its field table (``table``).
    """

    mapping: LetterMapping
    #: The kind's field table: ``field_table(mapping)``, looked up once (rules read it per letter).
    table: FieldTable = field(init=False)
    check: KindCheck
    occupation: str
    specialities: frozenset[str]
    relations: frozenset[str]
    municipality: bool = False
    episode_id: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", field_table(self.mapping))

    @property
    def cls(self) -> type:
        return self.mapping.letter.cls

    @property
    def element(self) -> str:
        return self.mapping.version.element

    def xml(self, model: str) -> str:
        """The XML path, relative to the letter, of a model path (``header.identifier``)."""
        return self.table.xml(model)


@dataclass(frozen=True, slots=True, eq=False)
class OwnRules:
    """A kind that shares no header, party or patient with the clinical letters (the receipts):
    its model class and one check per letter, ``check(checker, letter, letter path)``, which
    names its own element paths."""

    cls: type
    check: Callable[[Checker, Any, str], None]
