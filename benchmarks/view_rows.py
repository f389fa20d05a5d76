"""The human view: ``critical_facts`` against ``read`` on a fixture and on dense letters."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from common import (
    FIXTURES,
    alternate,
)

import medbridge

# statements for the view's worst case: every sentence holds a critical fact or a follow-up item,
# some with a typo; dates vary so that the letter is not one word list repeated
VIEW_STATEMENTS = (
    "Pt. ønsker ikke genoplivning, jf. samtale {date} kl. 14.30.",
    "Ingen HLR og ingen respirator, aftalt med pt. og datter {date}.",
    "CAVE: Penicillin (udslæt {year}).",
    "MRSA-bærer; isoleres på enestue indtil {date}.",
    "Tåler ikke morfin.",
    "Genoplivnig fravalgt efter samtale {date}.",
    "Penicilinalergi.",
    "Behandlingsniveau aftalt {date}: ikke kandidat til ITA.",
    "Kontrol hos egen læge om {weeks} uger.",
)


def _view_parts() -> tuple[str, str, str]:
    """The fixture epikrise (UTF-8) around its clinical text, and that text."""
    source = (FIXTURES / "epikrise" / "hjertesvigt-hlr.xml").read_bytes().decode("cp1252")
    source = source.replace('encoding="windows-1252"', 'encoding="utf-8"')
    head, rest = source.split("<Text01>", 1)
    body, tail = rest.split("</Text01>", 1)
    return head + "<Text01>", body, "</Text01>" + tail


def repeated_letter(size: int) -> bytes:
    """The fixture epikrise with its clinical text repeated, as paragraphs, to ``size`` bytes:
    a letter at the size limit with the density of a real one."""
    head, body, tail = _view_parts()
    copy = body + "<Break/><Break/>"
    copies = (size - len((head + tail).encode())) // len(copy.encode())
    return (head + copy * copies + tail).encode()


def view_letter(size: int, paragraphs: bool) -> bytes:
    """The fixture epikrise with its clinical text replaced by dense statements, ``size`` bytes:
    one paragraph (with a word in bold now and then), or paragraphs of three lines of three
    statements."""
    head, _, tail = _view_parts()
    budget = size - len((head + tail).encode())
    parts: list[str] = []
    used = 0
    n = 0
    while True:
        template = VIEW_STATEMENTS[n % len(VIEW_STATEMENTS)]
        day = n % 28 + 1
        text = template.format(
            date=f"{day:02d}.{n % 12 + 1:02d}.{2000 + n % 25}", year=1990 + n % 35, weeks=n % 9 + 2
        )
        glue = " "
        if paragraphs and n % 9 == 8:
            glue = "<Break/><Break/>"
        elif paragraphs and n % 3 == 2:
            glue = "<Break/>"
        elif n % 9999 == 0:  # libxml2 takes text nodes of up to 10 MB: bold, same paragraph
            text = f"<Bold>{text}</Bold>"
        piece = text + glue
        if used + len(piece.encode()) > budget:
            break
        parts.append(piece)
        used += len(piece.encode())
        n += 1
    return (head + "".join(parts) + tail).encode()


T = TypeVar("T")


def _times(fn: Callable[[T], object], argument: T, times: int) -> list[object]:
    return [fn(argument) for _ in range(times)]


def bench_view(repeat: int, size: int) -> list[tuple[str, str, str, str]]:
    """``critical_facts`` against ``medbridge.read`` of the same letter: a fixture, and letters
    of ``size`` bytes where every sentence is a statement the view quotes."""
    from medbridge.view import critical_facts

    mib = f"{size / 2**20:.0f} MiB"
    cases = [
        ("hjertesvigt-hlr.xml", (FIXTURES / "epikrise" / "hjertesvigt-hlr.xml").read_bytes()),
        (f"its text repeated, {mib}", repeated_letter(size)),
        (f"dense, paragraphs, {mib}", view_letter(size, True)),
        (f"dense, one paragraph, {mib}", view_letter(size, False)),
    ]
    rows = []
    for label, data in cases:
        letter = medbridge.read(data).letters[0]
        facts = critical_facts(letter)
        times = 1 if len(data) > 1 << 20 else 200
        ours, base = alternate(
            partial(_times, critical_facts, letter, times),
            partial(_times, medbridge.read, data, times),
            repeat,
        )
        hits = sum(len(f.terms) for f in facts)
        rows.append(
            (
                f"critical_facts {label} ({hits} terms)",
                f"{ours / times * 1e3:.1f} ms vs read {base / times * 1e3:.1f} ms",
                f"{ours / base:.2f}× of read",
                "≤ 1.5× of read",
            )
        )
    return rows
