"""Limits on what reading one document may take: bytes in, bytes inflated, pages, text.

A report is a few hundred kilobytes of text; these limits are far above any real one and
far below what would hurt the process. They are checked before the expensive step they
guard (a zip member's declared size before inflating it, a PDF's page count before
laying pages out); `retrieval.isolation` bounds the rest (memory and time) by reading in
a worker process.
"""

from __future__ import annotations

import zipfile

from retrieval.errors import OverLimits

MB = 1024 * 1024
# A file of the documents folder (uploads have their own, smaller limit).
MAX_FILE_BYTES = 64 * MB
# A web page: real report pages are well under 2 MB.
MAX_PAGE_BYTES = 20 * MB
# A .docx: all members inflated together, one member's inflation ratio, member count.
MAX_INFLATED_BYTES = 128 * MB
MAX_RATIO = 200
MAX_MEMBERS = 5_000
# A PDF's pages.
MAX_PDF_PAGES = 2_000
# The text a document may yield (about 1,000 pages of report).
MAX_TEXT_CHARS = 3_000_000

# Every limit's message ends so, for callers that translate it.
_SAID = " (a reading limit)"


def check_size(name: str, size: int, limit: int, what: str = "the file") -> None:
    """Raise OverLimits when `size` bytes exceed `limit`."""
    if size > limit:
        raise OverLimits(f"{name}: {what} is {size / MB:.0f} MB, over {limit / MB:.0f} MB{_SAID}")


def check_zip(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members would inflate beyond the limits (a zip bomb).

    zipfile never inflates a member past the size its header declares, so the declared
    sizes bound what reading can cost.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise OverLimits(
            f"{name}: the file holds {len(members):,} parts, over {MAX_MEMBERS:,}{_SAID}"
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > MAX_RATIO:
            raise OverLimits(
                f"{name}: {member.filename} inflates {ratio:.0f} times "
                f"to {member.file_size / MB:.0f} MB: refused as a possible zip bomb{_SAID}"
            )
    check_size(name, total, MAX_INFLATED_BYTES, "the unpacked file")


def check_pages(name: str, pages: int) -> None:
    if pages > MAX_PDF_PAGES:
        raise OverLimits(f"{name}: the PDF has {pages:,} pages, over {MAX_PDF_PAGES:,}{_SAID}")


def check_text(name: str, chars: int) -> None:
    if chars > MAX_TEXT_CHARS:
        raise OverLimits(
            f"{name}: the document holds {chars:,} characters of text, "
            f"over {MAX_TEXT_CHARS:,}{_SAID}"
        )
