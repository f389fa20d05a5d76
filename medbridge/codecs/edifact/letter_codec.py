"""The EDIFACT side of the public operations (:class:`~medbridge.registry.LetterCodec`).

A whole interchange is read with the cyclic garbage collector paused (flat cost per message,
:mod:`medbridge.gcpause`); rule findings are located through the interchange's source map
(model path → segment, element, component), and line and column come from the byte offsets.
:meth:`EdifactCodec.iter_letters` streams an interchange one message at a time. Detection reads
only the head of the interchange, up to the first UNH.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from medbridge.codecs.base import CodecBase
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding
from medbridge.registry import EDIFACT, REGISTRY, Detection, LetterCodec, Locate, Parsed, Rules

if TYPE_CHECKING:
    from medbridge.limits import Limits
    from medbridge.model.message import Message

__all__ = ["CODEC", "EdifactCodec", "detect_edifact"]


class EdifactCodec(CodecBase):
    """MEDDIS/MEDREF interchanges (:mod:`medbridge.codecs.edifact.codec`)."""

    format = EDIFACT
    input_error = EdifactInputError
    streams = True

    def read(self, data: bytes, *, strict_encoding: bool, limits: Limits, rules: Rules) -> Parsed:
        from medbridge.codecs.edifact.codec import read_interchange
        from medbridge.codecs.edifact.sources import InterchangeSources

        detection = Detection(format=EDIFACT)
        detect_edifact(data, detection)
        sources = InterchangeSources()
        try:
            message, findings = read_interchange(data, limits=limits, sources=sources)
        except EdifactInputError as exc:
            return Parsed(detection, None, exc.findings)
        findings = list(findings)
        findings.extend(sources.locate(rules(message)))  # rule paths → EDIFACT positions
        return Parsed(detection, message, findings)

    def reading(self) -> AbstractContextManager[object]:
        from medbridge.gcpause import gc_paused

        return gc_paused()

    def positioned(self, findings: list[Finding], chunks: Iterable[bytes]) -> list[Finding]:
        from medbridge.offsets import add_line_columns

        return add_line_columns(findings, chunks)

    def detect(self, data: bytes, *, limits: Limits) -> Detection:
        det = Detection(format=EDIFACT)
        detect_edifact(data, det)
        return det

    def iter_letters(
        self, data: bytes | Iterable[bytes], *, limits: Limits
    ) -> Iterator[tuple[Message, list[Finding], Locate]]:
        from medbridge.codecs.edifact.codec import iter_interchange
        from medbridge.codecs.edifact.sources import InterchangeSources

        # The reader appends one source map per letter in reading order and yields the messages
        # in that order, so the front map is always the yielded message's; it is dropped once
        # taken, which keeps memory flat.
        sources = InterchangeSources()
        for message, findings in iter_interchange(data, limits=limits, sources=sources):
            own = InterchangeSources(sources.envelope, sources.letters[:1])
            del sources.letters[:1]
            yield message, findings, own.locate

    def write(
        self, message: Message, *, allow_loss: bool, allow_nonstandard: bool
    ) -> tuple[bytes, list[Finding]]:
        from medbridge.codecs.edifact.codec import write_interchange

        return write_interchange(
            message, allow_loss=allow_loss, allow_nonstandard=allow_nonstandard
        )

    def notes(self, message: Message, source_format: str | None) -> list[Finding]:
        if source_format == EDIFACT:
            return []
        from medbridge.codecs.edifact.normalisations import normalisation_notes

        return normalisation_notes(message)


CODEC: LetterCodec = EdifactCodec()


def detect_edifact(data: bytes, detection: Detection) -> None:
    """Fill kind, version, identifier and encoding from UNB and the first UNH, if reachable.

    Only the head of the interchange, up to the first UNH, is tokenized
    (:func:`medbridge.edifact.head.head_end`); the rest of ``data`` is never looked at.
    """
    from medbridge.edifact.head import head_end
    from medbridge.edifact.syntax import iter_segments

    try:
        for segment in iter_segments(data[: head_end(data)]):
            if segment.tag == "UNB":
                detection.encoding = segment.value(1, 1) or None
            elif segment.tag == "UNH":
                version = segment.value(2, 5) or None
                detection.version = version
                detection.identifier = segment.value(1) or None
                if version is not None:
                    detection.kind = REGISTRY.edifact_kind(segment.value(2, 1), version)
                return
    except EdifactInputError:
        return
