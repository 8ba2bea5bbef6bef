"""A hostile corpus made on the spot: files that are broken, malicious or merely odd, for the ingest to survive.

`write_hostile_corpus(folder)` writes every file and returns {file name: what it is}. Nothing is downloaded and
nothing is large on disk: the bombs are built from one compressed segment repeated (a deflate stream that is
fully flushed after each segment restarts with an empty window, so the segments are byte-identical and
concatenate into one valid stream), so a 1.5 GiB DOCX part costs 4 MB and about a second to write.

PDFs are written object by object (`_pdf`), with correct xref offsets, so each one is broken in exactly one
way; the encrypted ones come from reportlab (RC4) and pypdf (AES-256), and the scanned one from the suite's
own factory. Byte-level cases (wrong magic, invalid UTF-8, NUL bytes) are raw bytes.
"""

from __future__ import annotations

import gzip
import io
import random
import struct
import sys
import zlib
from collections.abc import Collection
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for pdf_factory
from pdf_factory import make_image_only_pdf  # noqa: E402

MB = 1 << 20
# Words a readable hostile file carries, so a search can show it was indexed (and where it came from).
EMPTY_PASSWORD_WORDS = "Heronsgate escalation rota"
PDF_NAMED_DOCX_WORDS = "Kingfisher outreach pathway"
INVALID_UTF8_WORDS = "Marshwood respite register"
INVALID_UTF8_TEXT_WORDS = "Brackenfield duty log"
XXE_PROBE = "root:x:0:0"  # the first line of /etc/passwd: must never reach the index

# ---------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------


FILLER = ("This page carries enough ordinary words to make a passage when a parser survives the damage around "
          "it: the partnership reviews every referral within one working day, records the decision and the reason "
          "for it, and tells the referrer what will happen next and who to contact if the concern continues.")


def _text_page_objects(title: str, first: int = 1) -> dict[int, bytes]:
    """Catalog, page tree, one page of text (a title, then about sixty words), its content stream and font."""
    catalog, pages, page, content, font = range(first, first + 5)
    words = FILLER.split()
    lines = [title] + [" ".join(words[k:k + 10]) for k in range(0, len(words), 10)]
    shown = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 760 Td {shown} ET".encode()
    return {
        catalog: f"<< /Type /Catalog /Pages {pages} 0 R >>".encode(),
        pages: f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode(),
        page: (f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
               f"/Resources << /Font << /F1 {font} 0 R >> >> >>").encode(),
        content: b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        font: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


def _pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A classic PDF (header, objects, one xref table, trailer) with exact offsets."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += _xref_table(offsets, size)
    out += f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _xref_table(offsets: dict[int, int], size: int) -> bytes:
    rows = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    rows += [(b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)]
    return b"".join(rows)


def _repeated_deflate(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int, int]:
    """Raw deflate of head + chunk * times + tail, built from one compressed chunk.

    Returns (compressed, crc32, adler32, uncompressed size). A full flush resets the compressor's window, so
    every compressed copy of `chunk` is the same bytes and the copies concatenate into one valid stream.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert segment == again, "a fully flushed deflate segment should not depend on what came before"
    last = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    adler = zlib.adler32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
        adler = zlib.adler32(chunk, adler)
    crc, adler = zlib.crc32(tail, crc), zlib.adler32(tail, adler)
    return first + segment * times + last, crc, adler, len(head) + len(chunk) * times + len(tail)


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive from (name, stored data, method, crc32, uncompressed size); method 0 stored, 8 deflated."""
    out = bytearray()
    central = bytearray()
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                           len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), 8, zlib.crc32(data), len(data)


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'wordprocessingml.document.main+xml"/></Types>')
PACKAGE_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'officeDocument" Target="word/document.xml"/></Relationships>')
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
            + b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>")


def _paragraph(text: str) -> bytes:
    return b"<w:p><w:r><w:t>" + text.encode() + b"</w:t></w:r></w:p>"


def _docx(document_xml: bytes) -> bytes:
    return _zip([_deflated("[Content_Types].xml", CONTENT_TYPES), _deflated("_rels/.rels", PACKAGE_RELS),
                 _deflated("word/document.xml", document_xml)])


def _reportlab_pdf(text: str, encrypt: StandardEncryption | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, encrypt=encrypt)
    canvas.setFont("Helvetica", 11)
    for k, line in enumerate(text.split("\n")):
        canvas.drawString(72, 760 - 16 * k, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------
# The cases: each writer returns the file's bytes
# ---------------------------------------------------------------------------------------------------------


def pdf_circular_xref() -> bytes:
    """Two xref sections whose trailers name each other as /Prev: following the chain never ends."""
    body = _pdf(_text_page_objects("Circular cross reference table")).split(b"xref\n")[0]
    objects_at = {}
    pos = 0
    for number in range(1, 6):
        pos = body.index(b"%d 0 obj" % number, pos)
        objects_at[number] = pos
    first = len(body)
    table = _xref_table(objects_at, 6)
    second = first + len(table) + len(f"trailer\n<< /Size 6 /Root 1 0 R /Prev {0:010d} >>\n".encode())
    out = body + table + f"trailer\n<< /Size 6 /Root 1 0 R /Prev {second:010d} >>\n".encode()
    assert len(out) == second
    out += table + f"trailer\n<< /Size 6 /Root 1 0 R /Prev {first:010d} >>\nstartxref\n{second}\n%%EOF\n".encode()
    return out


def pdf_self_referencing_xref() -> bytes:
    """A trailer whose /Prev points at its own xref table, and an xref stream that says it is its own /Prev."""
    pdf = _pdf(_text_page_objects("Self referencing cross reference"))
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return pdf.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref)


def pdf_page_tree_cycle() -> bytes:
    """The page tree lists itself among its own kids (and a page whose parent is itself)."""
    objects = _text_page_objects("Page tree cycle")
    objects[2] = b"<< /Type /Pages /Kids [3 0 R 2 0 R 6 0 R] /Count 3 >>"
    objects[6] = b"<< /Type /Pages /Kids [6 0 R] /Parent 6 0 R /Count 1 >>"
    return _pdf(objects)


def pdf_deep_nesting() -> bytes:
    """A page dictionary holding an array nested 100,000 deep (a recursive parser overflows)."""
    objects = _text_page_objects("Deeply nested arrays")
    depth = 100_000
    objects[3] = objects[3][:-2] + b" /Annots " + b"[" * depth + b"]" * depth + b" >>"
    return _pdf(objects)


def pdf_deep_dictionaries() -> bytes:
    """The catalog's /Pages reached through 50,000 nested dictionaries."""
    objects = _text_page_objects("Deeply nested dictionaries")
    depth = 50_000
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Extra " + b"<< /A " * depth + b"1" + b" >>" * depth + b" >>"
    return _pdf(objects)


def pdf_flate_bomb() -> bytes:
    """A page content stream of 1 GiB of text operators, 1.5 MB compressed (about 700:1)."""
    chunk = (b"(x) Tj " * (MB // 7 + 1))[:MB - (MB % 7)]
    raw, _, adler, _ = _repeated_deflate(b"BT /F1 12 Tf 72 720 Td ", chunk, 1024, b" ET")
    stream = b"\x78\xda" + raw + struct.pack(">I", adler)
    objects = _text_page_objects("Decompression bomb")
    objects[4] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    return _pdf(objects)


def pdf_xobject_recursion() -> bytes:
    """A form XObject that draws itself: a content interpreter that follows `Do` never stops."""
    objects = _text_page_objects("Self drawing form")
    form = b"q /X1 Do Q BT /F1 12 Tf 72 700 Td (inside the form) Tj ET"
    objects[3] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                  b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>")
    stream = b"/X1 Do BT /F1 12 Tf 72 720 Td (Self drawing form) Tj 0 -16 Td (" + FILLER.encode() + b") Tj ET"
    objects[4] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[6] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> "
                  b"/XObject << /X1 6 0 R >> >> /Length %d >>\nstream\n" % len(form) + form + b"\nendstream")
    return _pdf(objects)


def pdf_huge_declared_length() -> bytes:
    """A content stream that declares a length of 2**31 - 1 bytes (and a page count of a billion)."""
    objects = _text_page_objects("Huge declared length")
    objects[4] = objects[4].replace(b"/Length ", b"/Length 2147483647 /Was ", 1)
    objects[2] = objects[2].replace(b"/Count 1", b"/Count 1000000000")
    return _pdf(objects)


def pdf_page_flood() -> bytes:
    """40,000 pages sharing one content stream (about 5 MB): a parser that reads every page runs for minutes."""
    count = 40_000
    objects = _text_page_objects("Page flood")
    kids = " ".join(f"{n} 0 R" for n in range(6, 6 + count))
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {count} /MediaBox [0 0 595 842] >>".encode()
    del objects[3]
    page = b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    objects.update({n: page for n in range(6, 6 + count)})
    objects[3] = b"null"
    return _pdf(objects)


def pdf_encrypted_with_password() -> bytes:
    return _reportlab_pdf("Locked minutes of the strategy group",
                          StandardEncryption("a-real-password", ownerPassword="owner-pw", strength=128))


def pdf_encrypted_aes256() -> bytes:
    """AES-256 (revision 6) with a user password, written by pypdf."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_reportlab_pdf("Locked AES document"))))
    writer.encrypt(user_password="another-password", owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_encrypted_empty_password() -> bytes:
    """Encrypted (owner password only): it opens without asking, so it is readable and should be indexed."""
    text = (f"{EMPTY_PASSWORD_WORDS}: the {EMPTY_PASSWORD_WORDS.lower()} names the duty manager for each week.\n"
            "Escalations that cannot wait for the next working day go to the duty manager on the rota.\n"
            "The rota is agreed by the partnership every quarter and published to all agencies.")
    return _reportlab_pdf(text, StandardEncryption("", ownerPassword="owner-only", strength=128))


def pdf_truncated() -> bytes:
    """The first 300 bytes of a PDF: what a failed download leaves."""
    return _reportlab_pdf("Truncated download of a multi agency protocol")[:300]


def pdf_garbage_body() -> bytes:
    """A PDF header followed by 256 KB of random bytes."""
    return b"%PDF-1.7\n" + random.Random(7).randbytes(256 * 1024)


def pdf_header_only() -> bytes:
    return b"%PDF-1.7\n%%EOF\n"


def pdf_no_pages() -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}
    return _pdf(objects)


def pdf_scanned(folder: Path) -> bytes:
    scratch = folder / ".scratch-scanned.pdf"
    make_image_only_pdf(scratch)
    data = scratch.read_bytes()
    scratch.unlink()
    return data


def pdf_named_docx() -> bytes:
    """A good PDF saved with a .docx name: wrong extension, right magic; readable, so indexed with a warning."""
    return _reportlab_pdf(f"{PDF_NAMED_DOCX_WORDS}: families are offered the {PDF_NAMED_DOCX_WORDS.lower()}\n"
                          "when a school raises a concern about attendance and the family agrees to early help.\n"
                          "The pathway is reviewed by the early help panel after twelve weeks.")


def docx_zip_bomb() -> bytes:
    """word/document.xml of 1.5 GiB of runs, compressed to about 3 MB (ratio 500:1)."""
    unit = b"<w:r><w:t>bomb</w:t></w:r>"  # 27 bytes; the chunk holds whole units
    chunk = unit * (MB // len(unit))
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ' + W + b"><w:body><w:p>"
    raw, crc, _, size = _repeated_deflate(head, chunk, 1536, b"</w:p></w:body></w:document>")
    return _zip([_deflated("[Content_Types].xml", CONTENT_TYPES), _deflated("_rels/.rels", PACKAGE_RELS),
                 ("word/document.xml", raw, 8, crc, size)])


def docx_billion_laughs() -> bytes:
    """An internal entity expanded ten times per level over nine levels (10**9 "lol"s if expanded)."""
    entities = [b'<!ENTITY lol0 "lol">'] + [b"<!ENTITY lol%d \"%s\">" % (k, b"&lol%d;" % (k - 1) * 10)
                                             for k in range(1, 10)]
    prolog = b"<!DOCTYPE w:document [" + b"".join(entities) + b"]>"
    return _docx(_document_xml(b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog))


def docx_external_entity() -> bytes:
    """XXE: an external entity naming /etc/passwd; its content must never reach the index."""
    prolog = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _docx(_document_xml(b"<w:p><w:r><w:t>External entity: &xxe;</w:t></w:r></w:p>"
                               + _paragraph("A paragraph after the external entity about nothing in particular."),
                               prolog))


def docx_deep_nesting() -> bytes:
    """Structured-document tags nested 20,000 deep inside the body."""
    depth = 20_000
    return _docx(_document_xml(b"<w:sdt><w:sdtContent>" * depth + _paragraph("Deep inside")
                               + b"</w:sdtContent></w:sdt>" * depth))


def docx_bad_crc() -> bytes:
    """A Word document whose document.xml fails its CRC check (one compressed byte flipped)."""
    good = _docx(_document_xml(_paragraph("This paragraph will not survive the corrupted archive. " * 20)))
    at = good.index(b"word/document.xml") + len(b"word/document.xml") + 40
    return good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1:]


def docx_without_content_types() -> bytes:
    """A zip holding word/document.xml and nothing else (no [Content_Types].xml, no relationships)."""
    return _zip([_deflated("word/document.xml", _document_xml(_paragraph("Orphan document part")))])


def docx_damaged_zip() -> bytes:
    """A zip signature followed by junk."""
    return b"PK\x03\x04" + random.Random(11).randbytes(4096)


def docx_really_xlsx() -> bytes:
    return _zip([_deflated("[Content_Types].xml", CONTENT_TYPES), _deflated("xl/workbook.xml", b"<workbook/>")])


def docx_legacy_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


def html_huge_single_line() -> bytes:
    """About 6 MB of HTML on one line: 200,000 inline elements in one paragraph, no newline anywhere."""
    words = ("Practitioners", "should", "record", "each", "decision", "and", "the", "reason", "for", "it.")
    body = "".join(f"<span class=w{k % 7}>{words[k % len(words)]}</span> " for k in range(200_000))
    return f"<!DOCTYPE html><html><head><title>One line</title></head><body><p>{body}</p></body></html>".encode()


def html_deep_nesting() -> bytes:
    depth = 50_000
    return (b"<!DOCTYPE html><html><body>" + b"<div>" * depth + b"<p>Deep inside fifty thousand divs.</p>"
            + b"</div>" * depth + b"</body></html>")


def html_invalid_utf8() -> bytes:
    """Declared UTF-8, but holding stray continuation bytes, overlong forms and surrogates."""
    text = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{INVALID_UTF8_WORDS}</title></head><body>"
            f"<h1>{INVALID_UTF8_WORDS}</h1><p>The {INVALID_UTF8_WORDS.lower()} lists short breaks for disabled "
            "children agreed by the panel. BADBYTES Each break is reviewed after six months.</p></body></html>")
    return text.encode().replace(b"BADBYTES", b"\x80\xbf\xc0\xaf\xed\xa0\x80\xff\xfe\xf8\x88\x80\x80\x80")


def html_named_pdf() -> bytes:
    """An error page saved in place of the PDF."""
    return b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


def html_only_script() -> bytes:
    return b"<html><head><script>" + b"var a = 1;\n" * 1000 + b"</script></head><body></body></html>"


def txt_invalid_utf8() -> bytes:
    text = (f"{INVALID_UTF8_TEXT_WORDS}\n\nThe {INVALID_UTF8_TEXT_WORDS.lower()} records each call to the out of hours "
            "team. Broken bytes BADBYTES sit in this line, as a file saved by an old editor would have them.\n")
    return text.encode().replace(b"BADBYTES", b"\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \x80\x81")


def txt_nul_bytes() -> bytes:
    return b"Looks like text\x00\x00\x00 but has NUL bytes\x00" * 200


def txt_whitespace_only() -> bytes:
    return b" \n\t\n   \r\n" * 1000


def txt_gzip_inside() -> bytes:
    return gzip.compress(b"a gzip archive named .txt " * 100, mtime=0)


def md_one_giant_word() -> bytes:
    """Two million letters with no space, on one line."""
    return b"# Giant word\n\n" + b"a" * 2_000_000 + b"\n"


def png_named_pdf() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(2048)


def elf_named_docx() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + random.Random(5).randbytes(2048)


def exe_file() -> bytes:
    return b"MZ" + bytes(1024)


def zero_bytes() -> bytes:
    return b""


# ---------------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------------

HOSTILE: dict[str, tuple[str, object]] = {
    "pdf-circular-xref.pdf": ("PDF whose two xref sections name each other as /Prev", pdf_circular_xref),
    "pdf-self-prev-xref.pdf": ("PDF whose trailer's /Prev points at its own xref", pdf_self_referencing_xref),
    "pdf-page-tree-cycle.pdf": ("PDF page tree that contains itself", pdf_page_tree_cycle),
    "pdf-deep-arrays.pdf": ("PDF page holding arrays nested 100,000 deep", pdf_deep_nesting),
    "pdf-deep-dictionaries.pdf": ("PDF catalog holding dictionaries nested 50,000 deep", pdf_deep_dictionaries),
    "pdf-flate-bomb.pdf": ("PDF content stream that inflates to 1 GiB (about 700:1)", pdf_flate_bomb),
    "pdf-xobject-recursion.pdf": ("PDF form XObject that draws itself", pdf_xobject_recursion),
    "pdf-huge-length.pdf": ("PDF stream declaring 2 GB and a page count of a billion", pdf_huge_declared_length),
    "pdf-page-flood.pdf": ("PDF of 40,000 pages (about 5 MB): slow to parse", pdf_page_flood),
    "pdf-encrypted-password.pdf": ("PDF encrypted (RC4-128) with a user password", pdf_encrypted_with_password),
    "pdf-encrypted-aes256.pdf": ("PDF encrypted (AES-256) with a user password", pdf_encrypted_aes256),
    "pdf-encrypted-empty-password.pdf": ("PDF encrypted with an empty user password (readable)",
                                         pdf_encrypted_empty_password),
    "pdf-truncated.pdf": ("PDF cut off after 300 bytes", pdf_truncated),
    "pdf-garbage.pdf": ("PDF header followed by 256 KB of random bytes", pdf_garbage_body),
    "pdf-header-only.pdf": ("PDF header and %%EOF, nothing between", pdf_header_only),
    "pdf-no-pages.pdf": ("well-formed PDF with an empty page tree", pdf_no_pages),
    "pdf-scanned.pdf": ("PDF of images only, no text layer", pdf_scanned),
    "pdf-named-docx.docx": ("good PDF saved with a .docx name (readable)", pdf_named_docx),
    "docx-zip-bomb.docx": ("DOCX whose document.xml inflates to 1.5 GiB (about 500:1)", docx_zip_bomb),
    "docx-billion-laughs.docx": ("DOCX with nested internal entities (billion laughs)", docx_billion_laughs),
    "docx-xxe.docx": ("DOCX with an external entity naming /etc/passwd", docx_external_entity),
    "docx-deep-nesting.docx": ("DOCX with content controls nested 20,000 deep", docx_deep_nesting),
    "docx-bad-crc.docx": ("DOCX whose document.xml fails its CRC", docx_bad_crc),
    "docx-no-content-types.docx": ("zip with word/document.xml only, no package parts", docx_without_content_types),
    "docx-damaged-zip.docx": ("zip signature followed by junk", docx_damaged_zip),
    "docx-really-xlsx.docx": ("Excel workbook renamed .docx", docx_really_xlsx),
    "docx-legacy-doc.docx": ("legacy Word .doc (OLE) renamed .docx", docx_legacy_doc),
    "html-huge-single-line.html": ("6 MB of HTML on a single line, 200,000 inline elements", html_huge_single_line),
    "html-deep-nesting.html": ("HTML with 50,000 nested divs", html_deep_nesting),
    "html-invalid-utf8.html": ("HTML declared UTF-8 holding invalid byte sequences (readable)", html_invalid_utf8),
    "html-script-only.html": ("HTML with a script and no visible text", html_only_script),
    "html-error-page.pdf": ("HTML error page saved as .pdf", html_named_pdf),
    "txt-invalid-utf8.txt": ("plain text with invalid UTF-8 (readable as Windows-1252)", txt_invalid_utf8),
    "txt-nul-bytes.txt": ("text with NUL bytes throughout", txt_nul_bytes),
    "txt-whitespace-only.txt": ("text file of nothing but whitespace", txt_whitespace_only),
    "txt-gzip-inside.txt": ("gzip archive named .txt", txt_gzip_inside),
    "md-giant-word.md": ("Markdown with a two-million-letter word on one line", md_one_giant_word),
    "png-named.pdf": ("PNG image renamed .pdf", png_named_pdf),
    "elf-named.docx": ("Linux executable renamed .docx", elf_named_docx),
    "setup.exe": ("Windows executable (unsupported extension)", exe_file),
    "zero-bytes.pdf": ("zero-byte file named .pdf", zero_bytes),
    "zero-bytes-markdown.md": ("zero-byte file named .md", zero_bytes),
    "txt-oversize.txt": ("text file over the size cap", None),
}
# The readable ones: indexed (maybe with a warning) rather than skipped. Every other file must be skipped.
READABLE = frozenset({"pdf-encrypted-empty-password.pdf", "pdf-named-docx.docx", "html-invalid-utf8.html",
                      "txt-invalid-utf8.txt"})
# May go either way, depending on the parser's limits: indexed if it fits the caps, else skipped with a reason.
EITHER = frozenset({"pdf-circular-xref.pdf", "pdf-self-prev-xref.pdf", "pdf-page-tree-cycle.pdf",
                    "pdf-xobject-recursion.pdf", "pdf-huge-length.pdf", "pdf-deep-dictionaries.pdf",
                    "pdf-truncated.pdf", "docx-billion-laughs.docx", "docx-xxe.docx", "html-huge-single-line.html",
                    "md-giant-word.md"})
# Files whose parse can use up the worker's memory cap (the zip bomb always does; the others depend on the cap).
MEMORY_HUNGRY = frozenset({"docx-zip-bomb.docx", "html-huge-single-line.html", "md-giant-word.md"})


def write_hostile_corpus(folder: Path, oversize_mb: float = 9.0, exclude: Collection[str] = ()) -> dict[str, str]:
    """Write every hostile file (but those named in `exclude`) into `folder`; returns {file name: what it is}.

    `oversize_mb` is the size of the over-the-cap text file: set the ingest's max_file_mb below it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for name, (what, make) in HOSTILE.items():
        if name in exclude:
            continue
        if make is None:  # the oversize file: written sparse-free but quickly, line by line
            line = b"This line repeats to make a file larger than the ingest's size cap allows.\n"
            with (folder / name).open("wb") as handle:
                for _ in range(int(oversize_mb * MB) // len(line) + 1):
                    handle.write(line)
            written[name] = f"{what} ({oversize_mb:g} MB)"
            continue
        data = make(folder) if make is pdf_scanned else make()
        (folder / name).write_bytes(data)
        written[name] = what
    return written
