"""JSON for the model: ``to_json(message) -> str`` and ``from_json(text) -> Message``.

One general mechanism driven by the dataclass type hints, no per-class code:

* a dataclass becomes an object of its fields; a field equal to its default is left out;
* where a field's type is a union of several classes (letters, inline text nodes), the object
  carries ``"type": "<ClassName>"``; plain strings stay strings;
* enums are their MedCom value; an ``Enum | str`` field decodes to the member when the value is
  known and stays a string otherwise;
* ``wire`` dictionaries (codec provenance) are written as they are; reading holds each known key
  to its codec's shape (:mod:`medbridge.codecs.json.wire`) and drops unknown keys with a warning.

The output is deterministic (fields in declaration order, ``ensure_ascii=False``) and versioned
(``"medbridge-json": 1``). ``from_json(to_json(m)) == m`` for every model.

Reading is bounded for any input: arrays and objects nested deeper than :data:`MAX_DEPTH` are
refused (``input.json-too-deep``, with line and column): the ``json`` module's own
``RecursionError`` on very deep text is caught at the call, a parsed document is measured
iteratively, and only then does the model decoder run (which follows the model's types, and
they do not nest recursively). Every other problem is ``input.json-invalid`` with the JSON path
(and line and column when the text does not parse). Unknown top-level keys are a
warning, not an error: the top level is the document's envelope, where a newer medbridge may add
metadata; an unknown field inside the message would be content medbridge cannot keep, so it is
an error.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
from functools import cache
from typing import Any, Union

import medbridge.model
from medbridge.codecs.json.wire import check_wire
from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.model.message import Message
from medbridge.model.text import FormattedText
from medbridge.model.transport import TransportLayer

__all__ = ["FORMAT_VERSION", "MAX_DEPTH", "decode_json", "from_json", "to_json"]

FORMAT_VERSION = 1
#: Arrays and objects a medbridge JSON document may nest (the fixtures need at most 13).
MAX_DEPTH = 64


@cache
def _classes() -> dict[str, type]:
    """Every model dataclass by name: the model package's exports, whatever the letter kinds."""
    found: dict[str, type] = {"Message": Message}
    for name in medbridge.model.__all__:
        obj = getattr(medbridge.model, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            found[name] = obj
    return found


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


def _needs_tag(tp: Any) -> bool:
    args = _union_args(tp)
    if args is None:
        return False
    return sum(1 for a in args if isinstance(a, type) and dataclasses.is_dataclass(a)) > 1


def _encode(value: Any, tp: Any) -> Any:
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        item_tp = typing.get_args(tp)[0] if typing.get_args(tp) else Any
        if _union_args(tp) is not None:
            list_tp = next(a for a in _union_args(tp) or () if typing.get_origin(a) is list)
            item_tp = typing.get_args(list_tp)[0]
        return [_encode(v, item_tp) for v in value]
    if isinstance(value, dict):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        hints = _hints(cls)
        out: dict[str, Any] = {}
        if _needs_tag(tp) or tp is Any:
            out["type"] = cls.__name__
        for f in _fields(cls):
            v = getattr(value, f.name)
            if v == _default(f):
                continue
            if cls is Message and f.name == "transport":  # envelope layers: their flat form
                out[f.name] = [layer.as_dict() for layer in v]
                continue
            out[f.name] = _encode(v, hints[f.name])
        return out
    raise TypeError(f"cannot encode {type(value).__name__}")


def to_json(message: Message, *, indent: int | None = 2) -> str:
    """The message as JSON text (deterministic)."""
    body = _encode(message, Message)
    return json.dumps(
        {"medbridge-json": FORMAT_VERSION, "message": body}, ensure_ascii=False, indent=indent
    )


class _DecodeError(Exception):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class _Decoder:
    """One decoding run: builds the model from parsed JSON and collects the non-fatal findings
    (unknown ``wire`` keys). Its recursion is bounded twice: it follows only the model's own
    types, which do not nest recursively (``wire`` values are checked by fixed-depth shapes),
    and the document it gets is at most :data:`MAX_DEPTH` deep."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def decode(self, data: Any, tp: Any, path: str) -> Any:
        if tp is Any:
            return data
        args = _union_args(tp)
        if args is not None:
            return self._union(data, args, path)
        origin = typing.get_origin(tp)
        if origin is list:
            if not isinstance(data, list):
                raise _DecodeError(path, "expected a list")
            (item_tp,) = typing.get_args(tp)
            return [self.decode(v, item_tp, f"{path}[{i}]") for i, v in enumerate(data)]
        if origin is dict:
            if not isinstance(data, dict):
                raise _DecodeError(path, "expected an object")
            return data
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._dataclass(data, tp, path)
        return _scalar(data, tp, path)

    def _union(self, data: Any, args: tuple[Any, ...], path: str) -> Any:
        if data is None and type(None) in args:
            return None
        members = [a for a in args if a is not type(None)]
        if isinstance(data, dict) and "type" in data:
            cls = _classes().get(str(data["type"]))
            if cls is None or cls not in members:
                raise _DecodeError(path, f"unexpected type {str(data.get('type'))[:40]!r}")
            return self.decode(data, cls, path)
        if isinstance(data, str):
            for member in members:
                if isinstance(member, type) and issubclass(member, enum.Enum):
                    try:
                        return member(data)
                    except ValueError:
                        continue
            if str in members:
                return data
        errors: list[str] = []
        for member in members:
            try:
                return self.decode(data, member, path)
            except _DecodeError as exc:
                errors.append(exc.problem)
        raise _DecodeError(path, errors[0] if errors else "no matching type")

    def _dataclass(self, data: Any, tp: type, path: str) -> Any:
        if not isinstance(data, dict):
            raise _DecodeError(path, f"expected an object for {tp.__name__}")
        if "type" in data and data["type"] != tp.__name__:
            raise _DecodeError(path, f"expected {tp.__name__}, found {str(data['type'])[:40]!r}")
        hints = _hints(tp)
        known = {f.name for f in _fields(tp)}
        unknown = set(data) - known - {"type"}
        if unknown:
            raise _DecodeError(path, f"unknown field {sorted(unknown)[0][:40]!r}")
        kwargs: dict[str, Any] = {}
        for f in _fields(tp):
            if f.name == "wire" and f.name in data:
                kwargs[f.name] = self._wire(data[f.name], tp, f"{path}.wire")
            elif tp is Message and f.name == "transport" and f.name in data:
                kwargs[f.name] = _transport(data[f.name], f"{path}.transport")
            elif f.name in data:
                kwargs[f.name] = self.decode(data[f.name], hints[f.name], f"{path}.{f.name}")
            elif _default(f) is dataclasses.MISSING:
                raise _DecodeError(path, f"missing field {f.name!r}")
        try:
            return tp(**kwargs)
        except (TypeError, ValueError) as exc:
            raise _DecodeError(path, str(exc)[:200]) from None

    def _wire(self, data: Any, owner: type, path: str) -> dict[str, Any]:
        """A ``wire`` object: known keys must have their codec's shape (else the input is
        refused); unknown keys are dropped with a warning, so no codec ever sees them."""
        if not isinstance(data, dict):
            raise _DecodeError(path, "expected an object")
        kept, unknown, problem = check_wire(_wire_owner(owner), data)
        if problem is not None:
            raise _DecodeError(path + problem[0], problem[1])
        for key in unknown:
            self.findings.append(_unknown_key(f"{path}[{key[:40]!r}]", "wire key"))
        return kept


def _transport(data: Any, path: str) -> tuple[TransportLayer, ...]:
    """``Message.transport``: a list of layer objects (see ``TransportLayer.as_dict``)."""
    if not isinstance(data, list):
        raise _DecodeError(path, "expected a list of envelope layers")
    layers: list[TransportLayer] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or item.get("kind") not in ("sbdh", "vans"):
            raise _DecodeError(f"{path}[{index}]", "expected an envelope layer object")
        try:
            layers.append(TransportLayer.from_dict(item))
        except (TypeError, ValueError):
            raise _DecodeError(f"{path}[{index}]", "not an envelope layer") from None
    return tuple(layers)


def _wire_owner(cls: type) -> str:
    """The :func:`~medbridge.codecs.json.wire.wire_shapes` table for ``cls``'s ``wire``."""
    if cls is Message or cls is FormattedText:
        return cls.__name__
    return "Letter"


def _scalar(data: Any, tp: Any, path: str) -> Any:
    if tp is type(None):
        if data is not None:
            raise _DecodeError(path, "expected null")
        return None
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except (ValueError, TypeError):
            raise _DecodeError(path, f"{str(data)[:40]!r} is not a {tp.__name__} value") from None
    if tp is bool:
        if not isinstance(data, bool):
            raise _DecodeError(path, "expected true or false")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise _DecodeError(path, "expected an integer")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise _DecodeError(path, "expected a string")
        return data
    raise _DecodeError(path, f"unsupported type {tp!r}")


# ---------------------------------------------------------------------------------------------
# the document: bytes, nesting, top level

#: A string (perhaps unclosed) or one bracket, for locating the first too-deep bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_KNOWN_TOP_LEVEL = ("medbridge-json", "message")


_TOO_DEEP = object()


def _nested_deeper(doc: Any) -> bool:
    """True when the parsed document nests arrays and objects deeper than :data:`MAX_DEPTH`
    (iterative: one step per array or object)."""
    stack: list[tuple[Any, int]] = [(doc, 1)] if isinstance(doc, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _deep_index(text: str) -> int | None:
    """The index of the first ``[`` or ``{`` nested deeper than :data:`MAX_DEPTH`, or None.
    Runs only for a refused input and stops at that bracket."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
    return None


def _text_of(data: str | bytes) -> tuple[str, str | None]:
    """The JSON text and, for bytes, the encoding it was read with (JSON's own detection)."""
    if isinstance(data, str):
        return data, None
    encoding = json.detect_encoding(data)
    try:
        return bytes(data).decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise _input_error(
            "$", f"not {encoding} text (byte {exc.start})", Location(path="$", offset=exc.start)
        ) from None


def _position(text: str, index: int, encoding: str | None) -> Location:
    """Line, column and (for bytes input) byte offset of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    offset = len(text[:index].encode(encoding)) if encoding is not None else None
    return Location(path="$", line=line, column=column, offset=offset)


def decode_json(data: str | bytes) -> tuple[Message, list[Finding]]:
    """:func:`from_json` with its warnings: unknown top-level keys and unknown ``wire`` keys are
    ignored (a newer medbridge may add them) and reported as ``input.json-unknown-key``."""
    text_, encoding = _text_of(data)
    try:
        doc = json.loads(text_)
    except RecursionError:  # the json module recurses once per array or object
        doc = _TOO_DEEP
    except json.JSONDecodeError as exc:
        raise _input_error(
            "$", f"not JSON: {exc.msg}", _position(text_, exc.pos, encoding)
        ) from None
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise _input_error("$", f"not JSON: {str(exc)[:80]}") from None
    if doc is _TOO_DEEP or _nested_deeper(doc):
        deep = _deep_index(text_)
        raise _too_deep(
            _position(text_, deep, encoding) if deep is not None else Location(path="$")
        )
    version = doc.get("medbridge-json") if isinstance(doc, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:
        raise _input_error("$", f"not medbridge JSON version {FORMAT_VERSION}")
    decoder = _Decoder()
    findings = [
        _unknown_key(f"$[{key[:40]!r}]", "key") for key in doc if key not in _KNOWN_TOP_LEVEL
    ]
    try:
        result = decoder.decode(doc.get("message"), Message, "$.message")
    except _DecodeError as exc:
        raise _input_error(exc.path, exc.problem) from None
    assert isinstance(result, Message)
    return result, findings + decoder.findings


def from_json(data: str | bytes) -> Message:
    """Read JSON written by :func:`to_json`. Bad input raises :class:`~medbridge.InputError`;
    ignored unknown keys are reported by :func:`medbridge.validate` (``decode_json``)."""
    return decode_json(data)[0]


def _too_deep(location: Location) -> InputError:
    return InputError.error(
        "input.json-too-deep",
        f"The JSON nests arrays and objects more than {MAX_DEPTH} levels deep; medbridge JSON "
        "needs far fewer.",
        location,
    )


def _unknown_key(path: str, what: str) -> Finding:
    return Finding(
        "input.json-unknown-key",
        Severity.WARNING,
        f"Unknown {what} in medbridge JSON version {FORMAT_VERSION}; it is ignored.",
        Location(path=path),
    )


def _input_error(path: str, problem: str, location: Location | None = None) -> InputError:
    finding = Finding(
        "input.json-invalid",
        Severity.ERROR,
        f"Invalid medbridge JSON at {path}: {problem}.",
        location or Location(path=path),
    )
    return InputError(finding.message, [finding])
