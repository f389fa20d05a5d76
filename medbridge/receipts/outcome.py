"""Which letters of a received message are rejected, and why: validation findings per letter.

:func:`judge` validates the whole input once with :func:`medbridge.validate` and puts each error
where its location says it belongs: an EDIFACT finding by its segment number (inside a letter's
UNH … UNT, or the envelope), an XML finding by its path (``/Emessage/DischargeLetter[3]/…``) or
line. A reader stops at the first letter it cannot read, so a finding in one letter says nothing
about the letters after it; when a message with several letters has a letter error, each letter
is therefore validated once more on its own (the original UNA/UNB or ``Envelope`` around that one
letter only, through the same :func:`medbridge.validate`), and those findings are moved back to
the letter's own segment numbers and path.

With ``own_identifiers`` (the receiver's own GLNs) an addressee outside them is an error
``receipt.unknown-receiver``: on the envelope for EDIFACT (UNB E3.1), on the letter for XML
(each letter's ``Receiver/EANIdentifier``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from lxml import etree

from medbridge.edifact.envelope import write_unz
from medbridge.edifact.serialize import serialize_segment
from medbridge.findings import Finding, Location, Report, Severity
from medbridge.receipts.headers import LetterHead, ReceivedInterchange

__all__ = ["UNKNOWN_RECEIVER", "Outcome", "judge"]

UNKNOWN_RECEIVER = "receipt.unknown-receiver"

_LETTER_STEP = re.compile(r"^/Emessage/([A-Za-z_][\w.-]*)(?:\[([0-9]+)\])?(?=/|$)")


@dataclass(slots=True)
class Outcome:
    """The validation ``report`` of the whole input, the errors that concern the envelope, and
    the errors of each letter (in the order of :attr:`ReceivedInterchange.letters`)."""

    report: Report
    envelope: list[Finding] = field(default_factory=list)
    letters: list[list[Finding]] = field(default_factory=list)


def judge(
    data: bytes,
    found: ReceivedInterchange,
    own_identifiers: Collection[str] | None = None,
    payload: bytes | None = None,
) -> Outcome:
    """Validate ``data`` and attribute every error to the envelope or one letter. ``payload``
    is the message inside ``data``'s SBDH/VANS envelopes, the bytes ``found`` was scanned from
    (``data`` itself when it came bare)."""
    from medbridge.api import validate

    report = validate(data)
    outcome = Outcome(report, letters=[[] for _ in found.letters])
    for finding in report.errors:
        _attribute(finding, found, outcome)
    letter_errors = any(outcome.letters)
    if letter_errors and len(found.letters) > 1 and found.complete:
        for index, head in enumerate(found.letters):
            _merge(outcome.letters[index], _alone(payload or data, found, head))
    if own_identifiers is not None:
        _check_receivers(found, outcome, own_identifiers)
    return outcome


def _attribute(finding: Finding, found: ReceivedInterchange, outcome: Outcome) -> None:
    index = _letter_index(finding.location, found)
    if index is None:
        outcome.envelope.append(finding)
    else:
        outcome.letters[index].append(finding)


def _letter_index(location: Location, found: ReceivedInterchange) -> int | None:
    letters = found.letters
    if location.segment is not None:
        for index, head in enumerate(letters):
            if head.first <= location.segment <= (head.last or location.segment):
                return index
        return None
    if location.path is not None:
        step = _LETTER_STEP.match(location.path)
        if step is None or step.group(1) == "Envelope":
            return None
        name, position = step.group(1), int(step.group(2) or 1)
        for index, head in enumerate(letters):
            if head.element == name and head.index == position:
                return index
        return None
    if location.line is not None and found.format == "xml":
        return _by_line(location.line, letters)
    return None


def _by_line(line: int, letters: list[LetterHead]) -> int | None:
    chosen = None
    for index, head in enumerate(letters):
        if head.first and head.first <= line:
            chosen = index
    return chosen


def _merge(into: list[Finding], more: list[Finding]) -> None:
    seen = {(f.code, f.location.segment, f.location.path) for f in into}
    for finding in more:
        key = (finding.code, finding.location.segment, finding.location.path)
        if key not in seen:
            seen.add(key)
            into.append(finding)


# -- one letter on its own ----------------------------------------------------------------


def _alone(data: bytes, found: ReceivedInterchange, head: LetterHead) -> list[Finding]:
    """The errors of ``head`` validated as the only letter of its envelope."""
    from medbridge.api import validate

    if found.format == "xml":
        single = _xml_alone(found, head)
        report = validate(single)
        return [_xml_back(f, head) for f in report.errors if _in_xml_letter(f)]
    prefix, single = _edifact_alone(data, found, head)
    report = validate(single)
    unz = head.last - head.first + 3  # UNB, the letter, then UNZ
    return [
        _edifact_back(f, head, len(prefix))
        for f in report.errors
        if f.location.segment is None or 1 < f.location.segment < unz
    ]


def _edifact_alone(
    data: bytes, found: ReceivedInterchange, head: LetterHead
) -> tuple[bytes, bytes]:
    assert found.header is not None and found.tokenizer is not None
    prefix = data[: found.letters[0].start]
    unz = serialize_segment(write_unz(found.header, 1), found.tokenizer.chars)
    body = data[head.start : head.end or len(data)]
    return prefix, prefix + body + unz.encode("utf-8")


def _edifact_back(finding: Finding, head: LetterHead, prefix: int) -> Finding:
    loc = finding.location
    return replace(
        finding,
        location=Location(
            path=loc.path,
            segment=None if loc.segment is None else loc.segment - 2 + head.first,
            tag=loc.tag,
            element=loc.element,
            component=loc.component,
            offset=None if loc.offset is None else loc.offset - prefix + head.start,
        ),
    )


def _xml_alone(found: ReceivedInterchange, head: LetterHead) -> bytes:
    root = found.root
    single = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
    keep = False
    for child in root:
        is_letter = child is head.node
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == "Envelope" or is_letter or (keep and name == "Local_Elements"):
            single.append(copy.deepcopy(child))
        keep = is_letter
    return bytes(etree.tostring(single, xml_declaration=True, encoding="UTF-8"))


def _in_xml_letter(finding: Finding) -> bool:
    path = finding.location.path
    step = None if path is None else _LETTER_STEP.match(path)
    return step is None or step.group(1) != "Envelope"


def _xml_back(finding: Finding, head: LetterHead) -> Finding:
    path = finding.location.path
    step = None if path is None else _LETTER_STEP.match(path)
    if path is not None and step is not None and step.group(1) == head.element:
        path = f"/Emessage/{head.element}[{head.index}]" + path[step.end() :]
    return replace(finding, location=Location(path=path))


# -- the addressee ------------------------------------------------------------------------


def _check_receivers(
    found: ReceivedInterchange, outcome: Outcome, own_identifiers: Collection[str]
) -> None:
    own = set(own_identifiers)
    if found.format == "xml":
        for index, head in enumerate(found.letters):
            if head.receiver is not None and head.receiver not in own:
                where = Location(path=f"/Emessage/{head.element}[{head.index}]/Receiver")
                finding = _unknown_receiver(head.receiver, where)
                outcome.letters[index].append(finding)
                outcome.report.add(finding)
    elif found.receiver is not None and found.receiver not in own:
        where = Location(segment=1, tag="UNB", element=3, component=1)
        finding = _unknown_receiver(found.receiver, where)
        outcome.envelope.append(finding)
        outcome.report.add(finding)


def _unknown_receiver(ean: str, where: Location) -> Finding:
    return Finding(
        UNKNOWN_RECEIVER,
        Severity.ERROR,
        f"The message is addressed to {ean}, which is not one of the receiver's own identifiers.",
        where,
    )
