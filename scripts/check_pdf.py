#!/usr/bin/env python3
"""Checks that the PDFs Safer prints are ones a committee can use: every page
A4 portrait (one orientation per document), numbered "Page N of M", and no
heading, table caption or table header left alone at the foot of a page.

It runs the demo into a temporary folder and reads the assessment, the
quarterly report and the annual report it prints, with poppler's pdfinfo and
pdftotext (Debian package poppler-utils).

Usage: python3 scripts/check_pdf.py --safer target/debug/safer [--shared ../shared/data]
"""
import argparse
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
A4 = (595.0, 842.0)


def pages(pdf):
    """(width, height) of every page, in points."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]


def page_text(pdf, n):
    return subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def words(text):
    return re.findall(r"[^\W\d_]+", text.lower())


def headings(source):
    """The text of every heading, caption and table header cell of the HTML
    the PDF was printed from: what must never end a page."""
    doc = source.read_text()
    found = []
    for tag in ["h1", "h2", "h3", "caption", "th"]:
        for m in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", doc, re.S):
            inner = m.group(1)
            if tag == "th" and 'scope="row"' in doc[m.start():m.start() + 40]:
                continue  # row headers are data
            text = html.unescape(re.sub(r"<[^>]+>", " ", inner))
            found.append(" ".join(text.split()))
    return [h for h in found if h]


def check(pdf, source, failures):
    before = len(failures)
    sizes = pages(pdf)
    if not sizes:
        failures.append(f"{pdf.name}: no pages")
        return
    heads = headings(source)
    head_words = set(w for h in heads for w in words(h))
    starts = [h[:40] for h in heads if len(h) >= 12]
    total = len(sizes)
    for n, (w, h) in enumerate(sizes, start=1):
        if not (abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2):
            failures.append(f"{pdf.name} page {n}: {w:.0f} x {h:.0f} pt, not A4 portrait")
        lines = [l.strip() for l in page_text(pdf, n).splitlines() if l.strip()]
        footer = f"Page {n} of {total}"
        if not lines or lines[-1] != footer:
            failures.append(f"{pdf.name} page {n}: the last line is {lines[-1:]!r}, not {footer!r}")
            continue
        if n == total or len(lines) < 2:
            continue
        last = " ".join(lines[-2].split())
        lone_heading = any(last.startswith(s) or s.startswith(last) for s in starts)
        # A line of header words only (no figure) is a table header row.
        ws = words(last)
        header_row = bool(ws) and not re.search(r"\d", last) and all(w in head_words for w in ws) \
            and len(ws) >= 2
        if lone_heading or header_row:
            failures.append(f"{pdf.name} page {n} ends with a heading or table header: {last!r}")
    if len(failures) == before:
        print(f"checked {pdf.name}: {total} pages, A4 portrait, numbered, no heading left at a page foot")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--safer", required=True)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="safer-pdf-"))
    out = subprocess.run(
        [args.safer, "--data-dir", str(tmp / "data"), "demo", "--no-serve", "--shared-data", args.shared,
         "--partnership", str(ROOT / "examples" / "charnwood" / "partnership.toml"),
         "--out", str(tmp / "psa"), "--reports", str(tmp / "reports")],
        capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"safer demo failed:\n{out.stderr}")
    failures = []
    pdfs = [tmp / "psa" / "assessment.pdf", *sorted((tmp / "reports").glob("*/*.pdf"))]
    if len(pdfs) < 3 or not all(p.exists() for p in pdfs):
        sys.exit(f"expected the assessment, quarterly and annual PDFs, found {pdfs}")
    for pdf in pdfs:
        check(pdf, pdf.with_suffix(".html"), failures)
    if failures:
        print("\n".join(["PDF PROBLEMS:"] + failures), file=sys.stderr)
        sys.exit(1)
    print("every PDF is A4 portrait, numbered, with no heading left alone at the foot of a page")


if __name__ == "__main__":
    main()
