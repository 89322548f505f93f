"""Turn report files into searchable passages: reading, parsing, tokenizing, indexing.

The engine that serves them lives in `retrieval.engine`; it is not imported here so that
reading a file does not load the tokenizer and the answer composer.
"""

from retrieval.errors import DocsFolderError, DocumentError
from retrieval.index import Hit, Index
from retrieval.model import Block, Document, DocumentMeta, Passage, RawDocument

__all__ = [
    "Block",
    "DocsFolderError",
    "Document",
    "DocumentError",
    "DocumentMeta",
    "Hit",
    "Index",
    "Passage",
    "RawDocument",
]
