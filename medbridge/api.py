"""The public operations: ``read``, ``iter_read``, ``validate``, ``write``, ``convert``,
``detect``.

Orchestration only: this module picks the codec for the bytes (``registry``), runs the syntax
layer, schema checks, mapping and semantic rules in order, and collects findings. It holds no
parsing tricks and no MedCom mapping knowledge.

Contract (``safety-and-validation.md`` §4.4): inputs are ``bytes``, ``bytearray``,
``memoryview`` or a path; a ``str`` is a ``TypeError``. ``validate`` never raises for bad input.
``read`` raises ``InputError``; ``convert`` raises ``InputError`` or ``ConversionError``. Anything
unexpected becomes ``InternalError``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

from medbridge.errors import (
    ConversionError,
    InputError,
    InternalError,
    MedbridgeError,
)
from medbridge.findings import Finding, Report, Severity
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.message import Message
from medbridge.registry import (
    FORMATS,
    XML,
    Detection,
    LetterCodec,
    Parsed,
    codec_for,
    sniff_format,
    unknown_format_finding,
)

if TYPE_CHECKING:
    from medbridge.envelopes import EnvelopeIds
    from medbridge.source import BinaryReader

__all__ = [
    "Conversion",
    "ConvertOptions",
    "Source",
    "convert",
    "detect",
    "iter_read",
    "iter_read_path",
    "iter_read_stream",
    "read",
    "validate",
    "write",
]

Source = bytes | bytearray | memoryview | os.PathLike[str]
T = TypeVar("T")


class ConvertOptions(TypedDict, total=False):
    """The options of :func:`convert`, declared once: :func:`convert` and the batch adapters
    (:mod:`medbridge.batch`) take them as keywords and pass them on unchanged to
    :func:`convert_detected`, which holds their defaults."""

    allow_loss: bool
    allow_nonstandard: bool
    limits: Limits
    strict_encoding: bool
    wrap: str | None
    envelope_ids: EnvelopeIds | None


@dataclass(slots=True)
class Conversion:
    """The result of :func:`convert`: the output bytes, every finding, and the losses among them."""

    output: bytes
    findings: list[Finding] = field(default_factory=list)
    format: str = ""

    @property
    def losses(self) -> list[Finding]:
        return [f for f in self.findings if f.code == "convert.loss"]


# ---------------------------------------------------------------------------------------------
# helpers


def _load(source: Source, limits: Limits) -> tuple[bytes, str | None]:
    from medbridge.source import load_bytes, source_name

    return load_bytes(source, limits), source_name(source)


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; our errors pass through, anything else is a bug → ``InternalError``."""
    try:
        return action()
    except MedbridgeError:
        raise
    except Exception as exc:
        raise InternalError(f"internal error: {type(exc).__name__}") from exc


def _check_source(source: object) -> None:
    """A ``str`` is a caller bug, not a finding: XML's declaration decides its own encoding."""
    if isinstance(source, str):
        raise TypeError("pass bytes, or a pathlib.Path")


def _with_file(findings: list[Finding], name: str | None) -> list[Finding]:
    if name is None:
        return findings
    return [f if f.location.file else f.with_file(name) for f in findings]


def _rules(message: Message) -> list[Finding]:
    from medbridge.validation.rules import check_message

    return check_message(message)


def _parse(data: bytes, strict_encoding: bool, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Read ``data`` with its format's codec: syntax, schema, mapping, rules; then cascades
    suppressed and the positions only the bytes can give added. Input in SBDH/VANS envelopes
    is unwrapped and its payload read so (:mod:`medbridge.envelopes.reading`)."""
    from medbridge.envelopes import is_wrapped

    if is_wrapped(data):
        from medbridge.envelopes.reading import parse_wrapped

        return parse_wrapped(
            data,
            strict_encoding,
            limits,
            partial(_parse_bare, strict_encoding=strict_encoding, limits=limits),
        )
    return _parse_bare(data, strict_encoding=strict_encoding, limits=limits)


def _parse_bare(data: bytes, *, strict_encoding: bool, limits: Limits) -> Parsed:
    """:func:`_parse` of input that is not wrapped."""
    codec = codec_for(sniff_format(data))
    if codec is None:
        return Parsed(Detection(), None, [unknown_format_finding()])
    with codec.reading():
        parsed = codec.read(data, strict_encoding=strict_encoding, limits=limits, rules=_rules)
        parsed.findings = codec.positioned(_suppress(parsed.findings), (data,))
    return parsed


def _suppress(findings: list[Finding]) -> list[Finding]:
    from medbridge.validation.cascade import suppress_cascades

    return suppress_cascades(findings)


def _input_error(fmt: str | None, findings: list[Finding]) -> InputError:
    codec = codec_for(fmt)
    cls = codec.input_error if codec is not None else InputError
    error = cls.from_findings(findings)
    assert isinstance(error, InputError)
    return error


def _read_parsed(source: Source, limits: Limits, strict_encoding: bool) -> Parsed:
    data, name = _load(source, limits)
    parsed = _parse(data, strict_encoding, limits)
    parsed.findings = _with_file(parsed.findings, name)
    _raise_unless_read(parsed)
    return parsed


def _raise_unless_read(parsed: Parsed) -> None:
    """Raise the ``InputError`` of an input that did not read into a valid message."""
    if parsed.message is None or any(f.is_error for f in parsed.findings):
        errors = [f for f in parsed.findings if f.is_error]
        if not errors:
            errors = [Finding("input.unreadable", Severity.ERROR, "The input could not be read.")]
        raise _input_error(
            parsed.detection.format, errors + [f for f in parsed.findings if not f.is_error]
        )


# ---------------------------------------------------------------------------------------------
# public API


def read(
    source: Source, *, limits: Limits = DEFAULT_LIMITS, strict_encoding: bool = False
) -> Message:
    """Read a message (XML, EDIFACT or medbridge JSON; detected from the bytes).

    Raises :class:`~medbridge.InputError` with findings when the input is not a valid, supported
    message. Warnings do not stop reading; use :func:`validate` to see them.
    """
    _check_source(source)
    parsed = _guard(lambda: _read_parsed(source, limits, strict_encoding))
    assert parsed.message is not None
    return parsed.message


def iter_read(
    source: Source, *, limits: Limits = DEFAULT_LIMITS, strict_encoding: bool = False
) -> Iterator[Message]:
    """Yield one :class:`Message` per letter, each with the shared envelope.

    EDIFACT interchanges are streamed message by message; from a path the file is also read
    incrementally (1 MiB at a time), so memory holds two messages and about one read chunk,
    whatever the file size, and ``limits.max_input_bytes`` counts the bytes read so far (a
    regular file over the limit is still refused before reading). XML Emessages are parsed
    whole (their size is bounded by the input limit) and split.
    """
    _check_source(source)
    if isinstance(source, os.PathLike):
        yield from iter_read_path(source, limits, strict_encoding)
        return
    data, name = _guard(lambda: _load(source, limits))
    codec = codec_for(sniff_format(data))
    if codec is not None and codec.streams:
        yield from _iter_streamed(codec, data, name, limits, lambda: (data,))
        return
    yield from _iter_whole(data, limits, strict_encoding)


def _iter_whole(data: bytes, limits: Limits, strict_encoding: bool) -> Iterator[Message]:
    message = read(data, limits=limits, strict_encoding=strict_encoding)
    for letter in message.letters:
        yield Message(message.envelope, [letter], dict(message.wire), message.transport)


def iter_read_path(
    path: os.PathLike[str],
    limits: Limits,
    strict_encoding: bool,
    *,
    chunk_size: int | None = None,
) -> Iterator[Message]:
    """:func:`iter_read` of a path, read ``chunk_size`` bytes at a time (default 1 MiB): the
    file is open while the caller iterates."""
    from medbridge.source import open_input, source_name

    handle = _guard(lambda: open_input(path, limits))
    with handle:
        yield from iter_read_stream(
            handle,
            source_name(path),
            limits,
            strict_encoding,
            chunk_size=chunk_size,
            again=lambda: _file_chunks(path),
        )


def _file_chunks(path: os.PathLike[str]) -> Iterator[bytes]:
    """The file at ``path`` read again in 1 MiB chunks (to put line numbers on findings)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def iter_read_stream(
    handle: BinaryReader,
    name: str | None,
    limits: Limits,
    strict_encoding: bool,
    *,
    chunk_size: int | None = None,
    again: Callable[[], Iterable[bytes]] | None = None,
) -> Iterator[Message]:
    """:func:`iter_read` of an open binary file named ``name`` (for findings), read
    ``chunk_size`` bytes at a time (default 1 MiB): a streaming format (EDIFACT) is tokenized as
    the chunks arrive, anything else is joined and read whole. ``again`` reads the input once
    more from the start, to put line numbers on the findings of an error (the stream keeps
    nothing it has passed)."""
    from medbridge.source import read_chunks, read_head

    chunks = read_chunks(handle, name, limits, chunk_size=chunk_size)
    head = _guard(lambda: read_head(chunks, name))
    codec = codec_for(sniff_format(head))
    if codec is not None and codec.streams:
        stream = chain((head,), chunks)
        del head  # held by ``stream`` only until the tokenizer has taken it
        yield from _iter_streamed(codec, stream, name, limits, again)
        return
    data = _guard(lambda: head + b"".join(chunks))
    yield from _iter_whole(data, limits, strict_encoding)


def _iter_streamed(
    codec: LetterCodec,
    data: bytes | Iterable[bytes],
    name: str | None,
    limits: Limits,
    again: Callable[[], Iterable[bytes]] | None,
) -> Iterator[Message]:
    """Each letter as the codec reads it, checked by the same rules as ``read`` checks a whole
    input (located with that letter's own source map); the first error raises."""

    def failure(findings: list[Finding]) -> InputError:
        if again is not None:
            # If the file went away meanwhile, the findings go without line numbers.
            with contextlib.suppress(OSError):
                findings = codec.positioned(findings, again())
        return _input_error(codec.format, _with_file(findings, name))

    iterator = codec.iter_letters(data, limits=limits)
    while True:
        try:
            item = _guard(lambda: next(iterator, None))
        except codec.input_error as exc:
            raise failure(exc.findings) from None
        if item is None:
            return
        message, findings, locate = item
        rule_findings = _guard(partial(_rules, message))
        findings = _suppress([*findings, *locate(rule_findings)])
        if any(f.is_error for f in findings):
            raise failure(findings)
        yield message


def validate(
    source: Source, *, limits: Limits = DEFAULT_LIMITS, strict_encoding: bool = False
) -> Report:
    """Check an input completely and return every finding. Never raises for bad input."""
    _check_source(source)

    def run() -> Report:
        try:
            data, name = _load(source, limits)
        except InputError as exc:
            return Report(exc.findings)
        parsed = _parse(data, strict_encoding, limits)
        det = parsed.detection
        report = Report(
            _with_file(parsed.findings, name), det.format, det.kind, det.version, det.encoding
        )
        return report.truncated()

    return _guard(run)


def detect(source: Source, *, limits: Limits = DEFAULT_LIMITS) -> Detection:
    """Format, kind, version, encoding and letter identifier of an input, as far as they can be
    told. Never raises for bad input; problems are in ``Detection.findings``."""
    _check_source(source)

    def run() -> Detection:
        try:
            data, name = _load(source, limits)
        except InputError as exc:
            return Detection(findings=exc.findings)
        codec = codec_for(sniff_format(data))
        if codec is None:
            return Detection(findings=[unknown_format_finding()])
        det = _detect_data(codec, data, limits)
        det.findings = _with_file(det.findings, name)
        return det

    return _guard(run)


def _detect_data(codec: LetterCodec, data: bytes, limits: Limits) -> Detection:
    from medbridge.envelopes import is_wrapped

    if is_wrapped(data):
        from medbridge.envelopes.reading import detect_wrapped

        return detect_wrapped(data, limits)
    return codec.detect(data, limits=limits)


def write(
    message: Message,
    format: str = XML,
    *,
    wrap: str | None = None,
    envelope_ids: EnvelopeIds | None = None,
) -> bytes:
    """Write a model as ``xml``, ``edifact`` or ``json`` bytes.

    Raises :class:`~medbridge.ConversionError` when the target cannot carry a value (EDIFACT;
    use :func:`convert` with ``allow_loss=True`` to write with a loss report instead), or when
    the XML written would not conform to the schema medbridge reads it with
    (``convert.invalid-output``: a value from EDIFACT or JSON longer than its XML element may
    hold; :func:`convert` with ``allow_nonstandard=True`` writes it with a warning).
    ``wrap="vans"`` puts a VANS envelope around the XML or EDIFACT output, ``wrap="sbdh"`` an
    SBDH document around a VANS envelope around it; the envelope identifiers are new on every
    call unless ``envelope_ids`` gives them (with the time) for repeatable output.
    """
    _check_wrap(format, wrap)
    output, _ = _guard(lambda: _write(message, format, allow_loss=False, allow_nonstandard=False))
    return _wrapped(output, message, format, wrap, envelope_ids)


def _check_wrap(fmt: str, wrap: str | None) -> None:
    if wrap is None:
        return
    from medbridge.envelopes import WRAPS

    if wrap not in WRAPS:
        raise ValueError(f"unknown wrap {wrap!r}; choose one of {', '.join(WRAPS)}")
    if fmt == "json":
        raise ValueError("envelopes carry XML or EDIFACT messages, not medbridge JSON")


def _wrapped(
    output: bytes, message: Message, fmt: str, wrap: str | None, ids: EnvelopeIds | None
) -> bytes:
    if wrap is None:
        return output
    from medbridge.envelopes.wrap import wrap_message

    return _guard(lambda: wrap_message(output, message, fmt, wrap, ids))


def _write(
    message: Message, fmt: str, *, allow_loss: bool, allow_nonstandard: bool
) -> tuple[bytes, list[Finding]]:
    codec = codec_for(fmt)
    if codec is None:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return codec.write(message, allow_loss=allow_loss, allow_nonstandard=allow_nonstandard)


def convert(source: Source, to: str, **options: Unpack[ConvertOptions]) -> Conversion:
    """Read ``source`` and write it as ``to`` (``xml``, ``edifact`` or ``json``).

    Every value the target cannot carry is a loss. By default a loss makes the conversion fail
    with :class:`~medbridge.ConversionError`; with ``allow_loss=True`` the output is written without
    those values and each is reported in ``Conversion.losses`` — except a value the letter
    requires, which is still a ``ConversionError`` (``convert.required-lost``): no letter is
    written without one. Nothing is truncated, replaced or dropped silently.
    ``allow_nonstandard=True`` writes EDIFACT texts longer than MedCom's FTX count limits (9 FTX
    per clinical S14, 50 in a referral's S12) as MedCom's own writer does, with a
    ``convert.nonstandard`` warning, instead of refusing them, and XML that its schema does not
    allow (a value from EDIFACT or JSON longer than its element may hold) with a
    ``convert.invalid-output`` warning instead of that error. ``wrap`` and ``envelope_ids``
    put envelopes around the output as in :func:`write` (input in envelopes is unwrapped). The
    options (:class:`ConvertOptions`) and their defaults: ``allow_loss=False``,
    ``allow_nonstandard=False``, ``limits=DEFAULT_LIMITS``, ``strict_encoding=False``,
    ``wrap=None``, ``envelope_ids=None``.
    """
    _, result = convert_detected(source, to, **options)
    if isinstance(result, MedbridgeError):
        raise result
    return result


def convert_detected(
    source: Source,
    to: str,
    *,
    allow_loss: bool = False,
    allow_nonstandard: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    strict_encoding: bool = False,
    wrap: str | None = None,
    envelope_ids: EnvelopeIds | None = None,
) -> tuple[Detection, Conversion | MedbridgeError]:
    """:func:`convert` returning its error instead of raising it, with what the same parse
    detected (format, kind, version); the engine of ``convert`` and of
    :func:`medbridge.batch.convert_item`. ``str`` input and an unknown ``to`` still raise."""
    _check_source(source)
    _check_target(to)
    _check_wrap(to, wrap)
    detection = Detection()

    def run() -> Conversion:
        nonlocal detection
        data, name = _load(source, limits)
        parsed = _parse(data, strict_encoding, limits)
        parsed.findings = _with_file(parsed.findings, name)
        detection = parsed.detection
        _raise_unless_read(parsed)
        conversion = _conversion(parsed, to, allow_loss, allow_nonstandard)
        assert parsed.message is not None
        conversion.output = _wrapped(conversion.output, parsed.message, to, wrap, envelope_ids)
        return conversion

    try:
        conversion = _guard(run)
    except InternalError as exc:
        if detection.format is None:  # the bug struck before detection was kept: look again
            with contextlib.suppress(MedbridgeError):
                detection = detect(source, limits=limits)
        return detection, exc
    except MedbridgeError as exc:
        return detection, exc
    return detection, conversion


def _check_target(to: str) -> None:
    if to not in FORMATS:
        raise ValueError(f"unknown format {to!r}; choose one of {', '.join(FORMATS)}")


def _conversion(parsed: Parsed, to: str, allow_loss: bool, allow_nonstandard: bool) -> Conversion:
    """Write a read input as ``to``: losses refused or reported, normalisations noted."""
    assert parsed.message is not None
    codec = codec_for(to)
    assert codec is not None  # checked by _check_target
    findings = [f for f in parsed.findings if not f.is_error]
    losses = codec.losses(parsed.message)
    if losses and not allow_loss:
        refused = [_as_refusal(f) for f in losses]
        raise ConversionError.from_findings(refused)
    output, write_findings = codec.write(
        parsed.message, allow_loss=allow_loss, allow_nonstandard=allow_nonstandard
    )
    write_findings = write_findings + codec.notes(parsed.message, parsed.detection.format)
    return Conversion(output, findings + losses + write_findings, to)


def _as_refusal(loss: Finding) -> Finding:
    return replace(loss, code="convert.unmapped", severity=Severity.ERROR)
