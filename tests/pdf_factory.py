"""Real test documents made on the spot: PDFs drawn with reportlab, a DOCX from python-docx, HTML, Markdown.

Every function writes one file and returns its path, so any test can ask for a document with known
content: `make_report_pdf(tmp_path / "report.pdf")`. The texts below are what the loaders must find.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

WIDTH, HEIGHT = A4
LEFT = 72.0
RUNNING_HEADER = "Testshire Safeguarding Children Partnership"

REPORT_TABLE = [
    ["Category", "2015/16", "2016/17"],
    ["Neglect", "69", "81"],
    ["Emotional abuse", "45", "52"],
    ["Physical abuse", "30", "28"],
]
REPORT_BULLETS = ["health services", "police forces", "schools and colleges, including those that are part of a"]
REPORT_BULLET_WRAP = "multi-academy trust or a federation of schools"


class _Writer:
    """Draws lines top-down on a canvas, with a running header and a page number on every page."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.page = 1
        self.y = HEIGHT - 100
        self._furniture()

    def _furniture(self) -> None:
        self.c.setFont("Helvetica", 8)
        self.c.drawString(LEFT, HEIGHT - 40, RUNNING_HEADER)
        self.c.drawCentredString(WIDTH / 2, 40, str(self.page))

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = HEIGHT - 100
        self._furniture()

    def line(self, text: str, size: float = 10, bold: bool = False, x: float = LEFT,
             after: float | None = None) -> None:
        self.c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.c.drawString(x, self.y, text)
        self.y -= after if after is not None else size * 1.2

    def gap(self, points: float = 10) -> None:
        self.y -= points

    def paragraph(self, lines: list[str]) -> None:
        for text in lines:
            self.line(text)
        self.gap()


def make_report_pdf(path: Path) -> Path:
    """A three-page report: chapter headings (18 pt bold), sub-headings (14 pt bold), a bold 10 pt heading,
    numbered paragraphs, a bullet list with a wrapped item, a line-end hyphen to repair ("safe-" /
    "guarding") and one to keep ("multi-" / "agency"), a ruled table with a caption, a footnote, a running
    header and page numbers."""
    w = _Writer(Canvas(str(path), pagesize=A4))
    w.line("Chapter 1: Introduction", size=18, bold=True, after=30)
    w.paragraph([
        "1. This guidance sets out how safeguarding partners and relevant agencies work together to",
        "protect children. It applies to every practitioner who works with children and families.",
    ])
    w.line("Relevant agencies", size=14, bold=True, after=22)
    w.paragraph([
        "2. Relevant agencies are those organisations whose involvement the safeguarding partners",
        "consider necessary to promote the welfare of children. The safe-",
        "guarding partners must publish their arrangements and keep them under review, with multi-",
        "agency working at the heart of the local arrangements.",
    ])
    w.paragraph(["3. Relevant agencies include:"])
    for item in REPORT_BULLETS:
        w.line("\u2022", x=LEFT + 10, after=0)
        w.line(item, x=LEFT + 24)
    w.line(REPORT_BULLET_WRAP, x=LEFT + 24)
    w.new_page()
    w.line("Referrals", size=14, bold=True, after=22)
    w.paragraph(["4. The number of referrals by category of abuse is shown below."])
    w.line("Table 1: Referrals by category", after=16)
    table = Table(REPORT_TABLE, colWidths=[160, 90, 90])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 10),
    ]))
    _, table_height = table.wrapOn(w.c, WIDTH, HEIGHT)
    table.drawOn(w.c, LEFT, w.y - table_height + 10)
    w.y -= table_height + 20
    w.paragraph([
        "5. Neglect remains the most common category of abuse in Testshire, as in England as a",
        "whole.\u00b9",
    ])
    w.c.setFont("Helvetica", 7)
    w.c.drawString(LEFT, 80, "1 Children in need statistics, Department for Education, 2017")
    w.new_page()
    w.line("Chapter 2: Assessment", size=18, bold=True, after=30)
    w.line("Timescales", size=10, bold=True, after=22)
    w.paragraph([
        "6. The maximum timeframe for the assessment to conclude should be no longer than 45",
        "working days from the point of referral.",
    ])
    w.c.save()
    return path


def make_ligature_pdf(path: Path) -> Path:
    """One page whose text is drawn with the ﬁ and ﬂ ligature characters (a TrueType font that has them)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = _find_ttf()
    pdfmetrics.registerFont(TTFont("LigatureFont", str(font)))
    c = Canvas(str(path), pagesize=A4)
    c.setFont("LigatureFont", 11)
    c.drawString(LEFT, 700, "The \ufb01rst \ufb02ow of \ufb01ndings was signi\ufb01cant.")
    c.save()
    return path


def _find_ttf() -> Path:
    import reportlab

    fonts = Path(reportlab.__file__).parent / "fonts"
    for name in ("Vera.ttf", "DejaVuSans.ttf"):
        if (fonts / name).exists():
            return fonts / name
    raise FileNotFoundError("no TrueType font found in reportlab/fonts")


def make_encrypted_pdf(path: Path, user_password: str = "secret") -> Path:
    """A one-page PDF encrypted with `user_password` (an empty one opens without asking)."""
    encryption = StandardEncryption(user_password, ownerPassword="owner-pw", strength=128)
    c = Canvas(str(path), pagesize=A4, encrypt=encryption)
    c.setFont("Helvetica", 11)
    c.drawString(LEFT, 700, "Confidential strategy discussion notes.")
    c.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A two-page PDF with shapes and no text at all, like a scan without OCR."""
    c = Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.setFillColor(colors.grey)
        c.rect(LEFT, 400, 300, 200, fill=1)
        c.circle(300, 250, 60, fill=1)
        c.showPage()
    c.save()
    return path


def make_broken_pdf(path: Path) -> Path:
    """A PDF cut off after its header: what a failed download leaves behind."""
    good = make_report_pdf(path.with_name(path.stem + "-source.pdf")).read_bytes()
    path.write_bytes(good[: 400])
    return path


def make_docx(path: Path) -> Path:
    """A small Word document: Title/Heading 1/Heading 2 styles, a paragraph, bullets and a 3x3 table."""
    from docx import Document

    doc = Document()
    doc.add_heading("Threshold guidance", level=1)
    doc.add_paragraph("This document explains the levels of need in Testshire.")
    doc.add_heading("Levels of need", level=2)
    doc.add_paragraph("Early help is offered at level 2.", style="List Bullet")
    doc.add_paragraph("Statutory services respond at level 4.", style="List Bullet")
    doc.add_paragraph("Referrals by category")
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate([["Category", "2015", "2016"], ["Neglect", "69", "81"], ["Sexual\tabuse", "12", "9"]]):
        for col, text in enumerate(row):
            table.cell(r, col).text = text
    doc.add_paragraph("After the table.")
    doc.save(str(path))
    return path


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Testshire thresholds</title>
<style>body { font-family: sans-serif; } p::before { content: "STYLE TEXT"; }</style>
<script>document.write("<p>SCRIPT TEXT</p>");</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<h1>Thresholds of need</h1>
<p>Practitioners should use the threshold document
   when making a <b>referral</b>.</p>
<h2>Levels</h2>
<ul><li>Level 1: universal services</li><li>Level 2: early help</li></ul>
<table><caption>Contacts by month</caption>
<tr><th>Month</th><th>Contacts</th><th>Referrals</th></tr>
<tr><td>April</td><td>410</td><td>120</td></tr>
<tr><td>May</td><td>388</td><td>115</td></tr>
</table>
<p>Last updated 2021.</p></body></html>
"""


def make_html(path: Path) -> Path:
    """An HTML page with a script, a style sheet, navigation, h1/h2, a list and a table with a caption."""
    path.write_text(HTML_PAGE, encoding="utf-8")
    return path


MARKDOWN_TEXT = """# Annual report

The Board met **four times** in 2016/17; see the [terms of reference](https://example.org/tor).
This line is a soft wrap of the same paragraph.

## Priorities

- Neglect
* Child sexual exploitation
+ Mental health

Indicator\tRedbridge\tEngland
Neglect\t69\t81
"""


def make_markdown(path: Path) -> Path:
    """A Markdown file with headings, bold, a link, three kinds of bullet and a TSV table."""
    path.write_text(MARKDOWN_TEXT, encoding="utf-8")
    return path
