"""Hostile documents for the limits tests, written small: each inflates, nests or
multiplies far beyond what its bytes on disk suggest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

_OOXML = "http://schemas.openxmlformats.org"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_OOXML}/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/>'
    "</Relationships>"
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(path: Path, inflated_mb: int = 512) -> Path:
    """A .docx whose word/document.xml inflates to `inflated_mb` MB (about 0.5 MB on disk):
    one paragraph of text repeated, as a bomb disguised as a report would be."""
    paragraph = f"<w:p><w:r><w:t>{'法治政府建设' * 40}</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            chunk = paragraph * (1024 * 1024 // len(paragraph))
            for _ in range(inflated_mb):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return path


def pdf_with_pages(path: Path, pages: int = 100_000) -> Path:
    """A PDF whose page tree holds `pages` empty page objects (about 6 MB)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets: list[int] = []

    def obj(number: int, body: bytes) -> None:
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    first_page = 3
    kids = " ".join(f"{first_page + n} 0 R" for n in range(pages))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for n in range(pages):
        obj(first_page + n, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def single_line_html(path: Path, megabytes: int = 50) -> Path:
    """A page of `megabytes` MB on one line: one paragraph of report-like text."""
    sentence = "清流县坚持依法行政，推进法治政府建设。".encode()
    body = sentence * (megabytes * 1024 * 1024 // len(sentence))
    path.write_bytes(
        b"<html><head><title>t</title></head><body><p>" + body + b"</p></body></html>\n"
    )
    return path


def deeply_nested_html(path: Path, depth: int = 100_000) -> Path:
    """A page whose article sits under `depth` nested <div> tags."""
    text = "清流县坚持依法行政，推进法治政府建设，全年办理行政复议案件12件。".encode()
    path.write_bytes(
        b"<html><body>"
        + b"<div>" * depth
        + b"<p>"
        + text
        + b"</p>"
        + b"</div>" * depth
        + b"</body></html>"
    )
    return path
