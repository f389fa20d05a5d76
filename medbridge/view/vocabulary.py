"""The view's vocabulary: which terms make a statement a critical fact or a follow-up item.

The terms are data, in ``vocabulary.toml`` next to this module (package data, shipped in the
wheel); this module loads and checks that file and nothing else. The meaning of each list is
described at the top of the file. A missing, unreadable or malformed vocabulary raises
:class:`~medbridge.errors.InternalError` with the finding ``internal.vocabulary`` — the view never
silently runs without it, because "no fact found" must mean "none found", not "nothing loaded".

Terms are normalised once: lower case, every run of white space one blank.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from medbridge.errors import InternalError
from medbridge.findings import Finding, Location, Severity

__all__ = [
    "CRITICAL_KINDS",
    "RESOURCE",
    "KindTerms",
    "Term",
    "Vocabulary",
    "load_vocabulary",
    "parse_vocabulary",
    "vocabulary",
]

#: The data file inside the ``medbridge.view`` package.
RESOURCE = "vocabulary.toml"
#: The kinds of critical fact, in the order the view shows them.
CRITICAL_KINDS = ("resuscitation", "cave", "contagion")
#: A word of at least this many letters also matches with one typo.
FUZZY_MIN_LETTERS = 7
#: ... and, in a phrase, every word at least this many.
FUZZY_MIN_WORD = 5

_LISTS = ("words", "exact_words", "tokens", "conditional_words", "conditional_tokens")


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry, normalised. ``token``: whole tokens only; ``fuzzy``: one typo
    allowed; ``conditional``: counts only with a condition word in the same sentence."""

    kind: str
    text: str
    token: bool = False
    fuzzy: bool = False
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class KindTerms:
    """A kind's heading in the view and the sentence shown when nothing of it was found."""

    kind: str
    label: str
    none_found: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything the matcher needs: the terms of every kind (and the ``condition`` pseudo-kind),
    the phrases that cancel a hit, the real words that cancel a typo match, the abbreviations
    that never end a sentence."""

    kinds: tuple[KindTerms, ...]
    terms: tuple[Term, ...]
    exclude: tuple[str, ...]
    not_typos: tuple[str, ...]
    abbreviations: frozenset[str]

    def kind(self, name: str) -> KindTerms:
        for kind in self.kinds:
            if kind.kind == name:
                return kind
        raise KeyError(name)


def normalise_term(text: str) -> str:
    """Lower case, white-space runs as one blank, no blanks at the ends."""
    return " ".join(text.lower().split())


def _fail(message: str) -> InternalError:
    finding = Finding(
        "internal.vocabulary",
        Severity.ERROR,
        f"The view vocabulary ({RESOURCE}) cannot be used: {message}. The installation is "
        "broken; reinstall medbridge.",
        Location(file=RESOURCE),
    )
    return InternalError(finding.message, [finding])


def _strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"{where}.{key} must be a list of non-empty strings")
    return [normalise_term(v) for v in value]


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _fuzzy(text: str) -> bool:
    """Seven letters or more, and no short word in a phrase ("tåler ikke" with one typo is
    "taler ikke")."""
    return _letters(text) >= FUZZY_MIN_LETTERS and all(
        _letters(word) >= FUZZY_MIN_WORD for word in text.split(" ")
    )


def parse_vocabulary(text: str) -> Vocabulary:
    """The vocabulary in ``text`` (the TOML format of ``vocabulary.toml``), checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"it is not valid TOML ({exc})") from None
    if data.get("version") != 1:
        raise _fail("version must be 1")
    names = data.get("kinds")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _fail("kinds must be a list of kind names")
    missing = [k for k in (*CRITICAL_KINDS, "follow_up") if k not in names]
    if missing:
        raise _fail(f"the kinds {', '.join(missing)} are missing")
    kinds: list[KindTerms] = []
    terms: list[Term] = []
    for name in names:
        table = data.get(name)
        if not isinstance(table, dict):
            raise _fail(f"the table [{name}] is missing")
        unknown = set(table) - {"label", "none_found", *_LISTS}
        if unknown:
            raise _fail(f"[{name}] has unknown keys {sorted(unknown)}")
        label, none_found = table.get("label"), table.get("none_found")
        if not isinstance(label, str) or not isinstance(none_found, str):
            raise _fail(f"[{name}] needs the strings label and none_found")
        kinds.append(KindTerms(name, label, none_found))
        found = _kind_terms(name, table)
        if not found:
            raise _fail(f"[{name}] has no terms")
        terms += found
    conditions = data.get("conditions")
    if not isinstance(conditions, dict):
        raise _fail("the table [conditions] is missing")
    terms += [Term("condition", t) for t in _strings(conditions, "words", "conditions")]
    terms += [
        Term("condition", t, token=True) for t in _strings(conditions, "tokens", "conditions")
    ]
    excludes = data.get("exclude", {})
    exclude = _strings(excludes, "phrases", "exclude")
    not_typos = _strings(excludes, "not_typos", "exclude")
    sentences = data.get("sentences", {})
    abbreviations = frozenset(_strings(sentences, "abbreviations", "sentences"))
    return Vocabulary(tuple(kinds), tuple(terms), tuple(exclude), tuple(not_typos), abbreviations)


def _kind_terms(kind: str, table: dict[str, Any]) -> list[Term]:
    out: list[Term] = []
    for text in _strings(table, "words", kind):
        out.append(Term(kind, text, fuzzy=_fuzzy(text)))
    out += [Term(kind, t) for t in _strings(table, "exact_words", kind)]
    out += [Term(kind, t, token=True) for t in _strings(table, "tokens", kind)]
    for text in _strings(table, "conditional_words", kind):
        out.append(Term(kind, text, fuzzy=_fuzzy(text), conditional=True))
    out += [
        Term(kind, t, token=True, conditional=True)
        for t in _strings(table, "conditional_tokens", kind)
    ]
    return out


def load_vocabulary(package: str = "medbridge.view", name: str = RESOURCE) -> Vocabulary:
    """Read and check the vocabulary file from the installed package."""
    try:
        text = resources.files(package).joinpath(name).read_text("utf-8")
    except (OSError, UnicodeDecodeError, ModuleNotFoundError) as exc:
        raise _fail(f"it cannot be read ({type(exc).__name__})") from None
    return parse_vocabulary(text)


@cache
def vocabulary() -> Vocabulary:
    """The installed vocabulary, loaded once."""
    return load_vocabulary()
