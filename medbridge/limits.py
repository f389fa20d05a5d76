"""Size limits for untrusted input (``safety-and-validation.md`` §1.5)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep memory and time finite for any input."""

    max_input_bytes: int = 20 * 1024 * 1024
    max_segment_bytes: int = 64 * 1024
    max_segments: int = 100_000


DEFAULT_LIMITS = Limits()
