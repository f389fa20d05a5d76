"""The JSON side of the public operations (:class:`~medbridge.registry.LetterCodec`): medbridge's
own JSON (:mod:`medbridge.codecs.json.codec`). Detection decodes the document; the kind,
version and identifier are its first letter's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbridge.codecs.base import CodecBase
from medbridge.codecs.json.codec import decode_json, to_json
from medbridge.errors import InputError
from medbridge.findings import Finding
from medbridge.model.message import letter_identifier
from medbridge.registry import JSON, REGISTRY, XML, Detection, LetterCodec, Parsed, Rules

if TYPE_CHECKING:
    from medbridge.limits import Limits
    from medbridge.model.message import Message

__all__ = ["CODEC", "JsonCodec"]


class JsonCodec(CodecBase):
    """medbridge JSON documents."""

    format = JSON
    input_error = InputError

    def read(self, data: bytes, *, strict_encoding: bool, limits: Limits, rules: Rules) -> Parsed:
        parsed = _decode(data)
        if parsed.message is not None:
            parsed.findings = parsed.findings + rules(parsed.message)
        return parsed

    def detect(self, data: bytes, *, limits: Limits) -> Detection:
        return _decode(data).detection

    def write(
        self, message: Message, *, allow_loss: bool, allow_nonstandard: bool
    ) -> tuple[bytes, list[Finding]]:
        return to_json(message).encode("utf-8") + b"\n", []


CODEC: LetterCodec = JsonCodec()


def _decode(data: bytes) -> Parsed:
    detection = Detection(format=JSON, encoding="utf-8")
    try:
        message, findings = decode_json(data)
    except InputError as exc:
        return Parsed(detection, None, exc.findings)
    letter = message.letters[0] if message.letters else None
    if letter is not None:
        detection.kind = letter.kind
        xml = REGISTRY.version_for(letter, XML)
        detection.version = xml.version if xml is not None else None
        detection.identifier = letter_identifier(letter)
    return Parsed(detection, message, findings)
