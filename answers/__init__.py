"""Turn a question plus the index into an Answer, and an Answer into text."""

from answers.model import Answer, Citation, ShortAnswer
from retrieval.model import Fact

__all__ = ["Answer", "Citation", "Fact", "ShortAnswer"]
