"""Exceptions raised while reading documents; callers turn them into messages."""


class DocumentError(Exception):
    """A document could not be read into the document model."""


class UnsupportedFormat(DocumentError):
    """The file's extension is not one of the supported formats."""


class UndecodableText(DocumentError):
    """The file's bytes are not text in any encoding we can detect."""


class NoTextLayer(DocumentError):
    """A PDF without a text layer (a scan)."""


class EmptyDocument(DocumentError):
    """The file holds no report text."""


class CorruptDocument(DocumentError):
    """The file is damaged or is not what its extension says."""


class TooLarge(DocumentError):
    """An upload is larger than the limit."""


class OverLimits(DocumentError):
    """Reading the document would take more than the limits allow (a zip bomb, a PDF of
    thousands of pages, megabytes of text)."""


class ReaderFailed(DocumentError):
    """The worker reading the document ran out of memory or time, or died."""


class NameClash(DocumentError):
    """A different document already has this name."""


class DuplicateDocument(DocumentError):
    """The same report is already loaded from another file."""


class DocsFolderError(Exception):
    """The documents folder is missing, empty or unreadable."""
