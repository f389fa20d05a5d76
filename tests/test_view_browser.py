"""The HTML view printed by a real browser: Debian's headless Chromium prints a letter long
enough for several pages, and ``pdftotext`` reads every page back.

Every page must carry the patient line (name and CPR) and "Side n af m", and the critical box must
come before the clinical text. Chromium and poppler-utils are installed by ``.ci/run`` and the
README's test command; without them this test fails (it is never skipped).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import medbridge
from medbridge.model import Break, ClinicalInformation, DischargeLetter, FormattedText, Message
from medbridge.view.html import render_html

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "fixtures" / "valid" / "epikrise" / "hjertesvigt-hlr.xml"


def long_letter() -> Message:
    message = medbridge.read(LETTER)
    letter = message.letter
    assert isinstance(letter, DischargeLetter)
    items: list[object] = []
    for n in range(1, 61):
        items += [
            f"Afsnit {n}: Patienten blev mobiliseret og spiste godt. BT 130/80, puls 72. "
            "Ingen bemærkninger ud over almindelig pleje og observation.",
            Break(),
            Break(),
        ]
    letter.clinical_information.append(ClinicalInformation(FormattedText(items)))  # type: ignore[arg-type]
    return message


def _printed_pages(page_html: str, tmp_path: Path) -> tuple[str, list[str]]:
    """``page_html`` printed to PDF by headless Chromium and read back: all text, and each page."""
    chromium = shutil.which("chromium")
    pdftotext = shutil.which("pdftotext")
    assert chromium and pdftotext, "install Debian's chromium and poppler-utils (see README)"
    page = tmp_path / "letter.html"
    page.write_text(page_html, "utf-8")
    pdf = tmp_path / "letter.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return text, [p for p in text.split("\f") if p.strip()]


def test_every_printed_page_names_the_patient_and_its_number(tmp_path: Path) -> None:
    text, pages = _printed_pages(render_html(long_letter()), tmp_path)
    assert len(pages) >= 3
    for number, content in enumerate(pages, 1):
        flat = " ".join(content.split())
        assert "Karen Margrethe Mølgaard, CPR 030934-1007" in flat, number
        assert f"Side {number} af {len(pages)}" in flat, number
    first = " ".join(pages[0].split())
    assert first.index("Vigtigt") < first.index("Omtaler genoplivning")
    assert first.index("Ingen omtale af smitte fundet") < first.index("Patientstatus")
    whole = " ".join(text.split())
    assert whole.index("Vigtigt") < whole.index("Afsnit 1:")


def test_a_wrapped_letter_prints_its_forsendelse_block_last(tmp_path: Path) -> None:
    source = ROOT / "fixtures" / "valid" / "wrapped" / "regionh-shape-latin1.xml"
    message = medbridge.read(source)
    page_html = render_html(message, list(medbridge.validate(source)))
    text, pages = _printed_pages(page_html, tmp_path)
    whole = " ".join(text.split())
    assert whole.index("Vigtigt") < whole.index("Bilag") < whole.index("Forsendelse")
    assert whole.index("1. SBDH") < whole.index("2. VANS-kuvert") < whole.index("Advarsler")
    assert "wrapper.mimetype-mismatch" in whole
    for number, content in enumerate(pages, 1):
        flat = " ".join(content.split())
        assert "Niels Ole Østergaard, CPR 241152-1004" in flat, number
        assert f"Side {number} af {len(pages)}" in flat, number
