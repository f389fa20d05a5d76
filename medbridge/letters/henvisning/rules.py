"""The hospital referral's own rules (XREF01 / REF01): the answer copy receiver, relatives, the
referral block, a reason for the referral, and references.

Element names and code subsets come from the XREF01 table (:mod:`.xml`); the shared parts
(parties, relatives, referral, references) are :mod:`medbridge.validation.parts`.
"""

from __future__ import annotations

from medbridge.findings import Severity
from medbridge.letters.epikrise import xml as epikrise
from medbridge.letters.fields import codes, field_table, names
from medbridge.letters.henvisning.xml import MAPPING
from medbridge.model.henvisning import HospitalReferral
from medbridge.validation import parts
from medbridge.validation.checks import Checker, Point, has_text
from medbridge.validation.kinds import LetterRules

__all__ = ["RULES", "check_referral_letter"]

_TABLE = (field_table(MAPPING),)
_ANSWER_CC_RECEIVER, _RELATIVE, _REFERRAL, _INFORMATION, _REFERENCE = names(
    _TABLE, "answer_cc_receiver", "relatives", "referral", "additional_information", "references"
)
_ADDITIONAL, _REFER = names(_TABLE, "additional", "refer", under="referral")
(_REASON,) = names(_TABLE, "clinical_reason", under="additional_information")
#: XREF01 has no occupation element; one read from EDIFACT is reported where XDIS01 has it.
(_OCCUPATION,) = names((*_TABLE, field_table(epikrise.MAPPING)), "occupation", under="patient")
SPECIALITIES = codes(_TABLE[0], "sender.speciality")
RELATIONS = codes(_TABLE[0], "relatives.relation")


def check_referral_letter(
    c: Checker, letter: HospitalReferral, base: str, authorisation: Point | None
) -> None:
    """The referral's own checks, after its header, parties and patient."""
    if letter.answer_cc_receiver is not None:
        where = f"{base}/{_ANSWER_CC_RECEIVER}"
        parts.check_party(
            c, letter.answer_cc_receiver, where, SPECIALITIES, municipality=False, has_ean=False
        )
    parts.check_relatives(c, letter.relatives, base, _RELATIVE, RELATIONS, municipality=False)
    if letter.referral is not None:
        parts.check_referral(c, letter.referral, f"{base}/{_REFERRAL}", _ADDITIONAL)
    info = letter.additional_information
    reason = info is not None and has_text(info.clinical_reason)
    diagnosis = letter.referral is not None and letter.referral.refer is not None
    if not reason and not diagnosis:
        c.add(
            "rule.content.no-referral-reason",
            Severity.WARNING,
            f"The referral gives neither a reason ({_INFORMATION}/{_REASON}) nor a referral "
            f"diagnosis ({_REFERRAL}/{_REFER}): the hospital cannot tell why the patient is "
            "referred.",
            base,
        )
    parts.check_references(c, letter.references, base, _REFERENCE)


RULES = LetterRules(
    MAPPING,
    check_referral_letter,
    occupation=_OCCUPATION,
    specialities=SPECIALITIES,
    relations=RELATIONS,
)
