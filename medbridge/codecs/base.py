"""What a format's :class:`~medbridge.registry.LetterCodec` does unless it says otherwise: read
whole, nothing to pause or position, nothing lost or normalised on the way in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medbridge.findings import Finding
    from medbridge.limits import Limits
    from medbridge.model.message import Message
    from medbridge.registry import Locate

__all__ = ["CodecBase"]


class CodecBase:
    """Defaults for the optional parts of a codec."""

    streams = False

    def reading(self) -> AbstractContextManager[object]:
        return nullcontext()

    def positioned(self, findings: list[Finding], chunks: Iterable[bytes]) -> list[Finding]:
        return findings

    def iter_letters(
        self, data: bytes | Iterable[bytes], *, limits: Limits
    ) -> Iterator[tuple[Message, list[Finding], Locate]]:
        raise NotImplementedError(f"{type(self).__name__} reads a whole input")

    def losses(self, message: Message) -> list[Finding]:
        return []

    def notes(self, message: Message, source_format: str | None) -> list[Finding]:
        return []
