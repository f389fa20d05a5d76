"""What the rule run needs of one letter kind: :class:`LetterRules`, built from the kind's XML
table (:func:`letter_rules`) plus the kind's own checks.

Each ``medbridge.letters.<kind>.rules`` module holds one ``RULES``;
:mod:`medbridge.validation.rules` dispatches on the letter's class through them. The element
names of the letter header and the parties come from the kind's field table, so no rule names
them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from medbridge.codecs.xml.mapping import LetterMapping
from medbridge.letters.fields import FieldTable
from medbridge.validation.checks import Checker, Point

__all__ = ["KindCheck", "LetterRules", "letter_rules"]

#: A kind's own checks: ``(checker, letter, letter path, checked authorisation)``.
KindCheck = Callable[[Checker, Any, str, Point | None], None]


@dataclass(frozen=True, slots=True, eq=False)
class LetterRules:
    """One letter kind for the rules: its element and header names, its code subsets and its
    own checks.

    ``episode_id`` is the shape the kind expects of ``EpisodeOfCareIdentifier`` (None: any);
    ``occupation`` the Patient element of the occupation; ``specialities`` and ``relations`` the
    code subsets of MedicalSpecialityCode and RelationCode; ``municipality`` marks a letter whose
    code lists are only partly known (unknown codes warn instead of failing).
    """

    cls: type
    element: str
    municipality: bool
    identifier: str
    statistical_code: str
    authorisation: str
    episode: str
    sender: str
    receiver: str
    patient: str
    sender_ean: str
    receiver_ean: str
    occupation: str
    specialities: frozenset[str]
    relations: frozenset[str]
    episode_id: re.Pattern[str] | None
    check: KindCheck


def letter_rules(
    mapping: LetterMapping,
    table: FieldTable,
    check: KindCheck,
    *,
    occupation: str,
    specialities: frozenset[str],
    relations: frozenset[str],
    municipality: bool = False,
    episode_id: re.Pattern[str] | None = None,
) -> LetterRules:
    """The :class:`LetterRules` of ``mapping``, its names read off its field ``table``."""
    return LetterRules(
        cls=mapping.letter.cls,
        element=mapping.element,
        municipality=municipality,
        identifier=table.xml("header.identifier"),
        statistical_code=table.xml("header.statistical_code"),
        authorisation=table.xml("header.authorisation"),
        episode=table.xml("header.episode_of_care_id"),
        sender=table.xml("sender"),
        receiver=table.xml("receiver"),
        patient=table.xml("patient"),
        sender_ean=table.xml("sender.ean"),
        receiver_ean=table.xml("receiver.ean"),
        occupation=occupation,
        specialities=specialities,
        relations=relations,
        episode_id=episode_id,
        check=check,
    )
