"""JSON for the model: ``to_json(message) -> str`` and ``from_json(text) -> Message``.

One general mechanism driven by the dataclass type hints, no per-class code:

* a dataclass becomes an object of its fields; a field equal to its default is left out;
* where a field's type is a union of several classes (letters, inline text nodes), the object
  carries ``"type": "<ClassName>"``; plain strings stay strings;
* enums are their MedCom value; an ``Enum | str`` field decodes to the member when the value is
  known and stays a string otherwise;
* ``wire`` dictionaries (codec provenance) are kept as they are.

The output is deterministic (fields in declaration order, ``ensure_ascii=False``) and versioned
(``"medbridge-json": 1``). ``from_json(to_json(m)) == m`` for every model.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from functools import cache
from typing import Any, Union

from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.model import codes, common, epikrise, henvisning, plejeforloebsplan, text
from medbridge.model.message import Message

__all__ = ["FORMAT_VERSION", "from_json", "to_json"]

FORMAT_VERSION = 1

_MODULES = (codes, common, text, epikrise, henvisning, plejeforloebsplan)


@cache
def _classes() -> dict[str, type]:
    found: dict[str, type] = {"Message": Message}
    for module in _MODULES:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
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


def _decode(data: Any, tp: Any, path: str) -> Any:
    if tp is Any:
        return data
    args = _union_args(tp)
    if args is not None:
        if data is None and type(None) in args:
            return None
        members = [a for a in args if a is not type(None)]
        if isinstance(data, dict) and "type" in data:
            cls = _classes().get(str(data["type"]))
            if cls is None or cls not in members:
                raise _DecodeError(path, f"unexpected type {data.get('type')!r}")
            return _decode(data, cls, path)
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
                return _decode(data, member, path)
            except _DecodeError as exc:
                errors.append(exc.problem)
        raise _DecodeError(path, errors[0] if errors else "no matching type")
    origin = typing.get_origin(tp)
    if origin is list:
        if not isinstance(data, list):
            raise _DecodeError(path, "expected a list")
        (item_tp,) = typing.get_args(tp)
        return [_decode(v, item_tp, f"{path}[{i}]") for i, v in enumerate(data)]
    if origin is dict:
        if not isinstance(data, dict):
            raise _DecodeError(path, "expected an object")
        return data
    if tp is type(None):
        if data is not None:
            raise _DecodeError(path, "expected null")
        return None
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            raise _DecodeError(path, f"{data!r} is not a {tp.__name__} value") from None
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
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise _DecodeError(path, f"expected an object for {tp.__name__}")
        if "type" in data and data["type"] != tp.__name__:
            raise _DecodeError(path, f"expected {tp.__name__}, found {data['type']!r}")
        hints = _hints(tp)
        known = {f.name for f in _fields(tp)}
        unknown = set(data) - known - {"type"}
        if unknown:
            raise _DecodeError(path, f"unknown field {sorted(unknown)[0]!r}")
        kwargs = {}
        for f in _fields(tp):
            if f.name in data:
                kwargs[f.name] = _decode(data[f.name], hints[f.name], f"{path}.{f.name}")
            elif _default(f) is dataclasses.MISSING:
                raise _DecodeError(path, f"missing field {f.name!r}")
        try:
            return tp(**kwargs)
        except (TypeError, ValueError) as exc:
            raise _DecodeError(path, str(exc)) from None
    raise _DecodeError(path, f"unsupported type {tp!r}")


def from_json(data: str | bytes) -> Message:
    """Read JSON written by :func:`to_json`. Bad input raises :class:`~medbridge.InputError`."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _input_error("$", f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("medbridge-json") != FORMAT_VERSION:
        raise _input_error("$", f"not medbridge JSON version {FORMAT_VERSION}")
    try:
        result = _decode(doc.get("message"), Message, "$.message")
    except _DecodeError as exc:
        raise _input_error(exc.path, exc.problem) from None
    except RecursionError:
        raise _input_error("$", "nested too deeply") from None
    assert isinstance(result, Message)
    return result


def _input_error(path: str, problem: str) -> InputError:
    finding = Finding(
        "input.json-invalid",
        Severity.ERROR,
        f"Invalid medbridge JSON at {path}: {problem}.",
        Location(path=path),
    )
    return InputError(finding.message, [finding])
