"""Turn report files into searchable passages: reading, parsing, tokenizing, indexing.

The index (`retrieval.index`) is not imported here: reading a file or loading the cache
needs neither numpy nor the tokenizer.
"""

from retrieval.errors import DocsFolderError, DocumentError
from retrieval.model import Block, Document, DocumentMeta, Fact, Passage, RawDocument

__all__ = [
    "Block",
    "DocsFolderError",
    "Document",
    "DocumentError",
    "DocumentMeta",
    "Fact",
    "Passage",
    "RawDocument",
]
