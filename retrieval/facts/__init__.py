"""Number facts: every figure of a passage as a structured Fact, extracted at load time."""

from retrieval.facts.extract import RUN_CATEGORIES, Run, classify_runs, extract_facts, sentence_of

__all__ = ["RUN_CATEGORIES", "Run", "classify_runs", "extract_facts", "sentence_of"]
