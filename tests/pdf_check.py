"""Reading a generated document back as a person sees it: the PDF LibreOffice makes of it.

pdftotext gives the text line by line (and with -bbox where each word sits);
pdffonts the fonts the PDF embeds. The docx gives what the text should be.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

PUNCTUATION = "、，。；：？！“”‘’（）《》〔〕"


def pdf_text(pdf: Path, *mode: str) -> str:
    return subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def pdf_fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


def docx_text(path: Path) -> str:
    """Every w:t of the body, joined: what the PDF must hold."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def lost_punctuation(docx: Path, pdf: Path) -> dict[str, tuple[int, int]]:
    """{mark: (in the document, in the PDF)} for every mark the PDF has fewer of."""
    want, got = docx_text(docx), pdf_text(pdf, "-raw")
    return {ch: (want.count(ch), got.count(ch)) for ch in PUNCTUATION if got.count(ch) < want.count(ch)}


def body_line_lengths(pdf: Path) -> list[int]:
    """Characters on each text line of the PDF (full-width 1, digits and Latin ½)."""
    lengths = []
    for line in pdf_text(pdf, "-raw").splitlines():
        line = re.sub(r"\s+", "", line)
        if line:
            lengths.append(sum(0.5 if ord(c) < 0x2E80 else 1 for c in line))
    return lengths
