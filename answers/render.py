"""Render an Answer as JSON (the contract scripts rely on) and as text for a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from answers.model import Answer, Citation, ShortAnswer
from retrieval.model import DocumentMeta, Fact

_BOLD, _PLAIN = "\033[1m", "\033[0m"


def citation_to_json(citation: Citation) -> dict[str, Any]:
    """A citation as JSON: the report, its 文号, the section path and the paragraph."""
    meta = citation.document
    return {
        "document": meta.title,
        "doc_number": meta.doc_number,
        "publisher": meta.publisher,
        "date": meta.date,
        "section": list(citation.section_path),
        "paragraph": citation.paragraph,
        "page": citation.page,
        "source": meta.source,
    }


def fact_to_json(fact: Fact, citation: Citation) -> dict[str, Any]:
    """A fact as JSON: the figure as written, its number, unit, label and where it stands."""
    return {
        "raw": fact.raw,
        "value": fact.value,
        "unit": fact.unit,
        "label": fact.label,
        "kind": fact.kind,
        "qualifier": fact.qualifier,
        "approximate": fact.approximate,
        "citation": citation_to_json(citation),
    }


def short_answer_to_json(short: ShortAnswer) -> dict[str, Any]:
    """One short answer as JSON."""
    return {
        "text": short.text,
        "figure": short.figure,
        "passage": short.passage.text,
        "score": short.score,
        "citation": citation_to_json(short.citation),
    }


def fact_citation(fact: Fact, document: DocumentMeta) -> Citation:
    """Where a fact stands."""
    passage = fact.passage
    return Citation(document, passage.section_path, passage.paragraph, passage.page)


def answer_to_json(
    answer: Answer, documents: Mapping[str, DocumentMeta] | None = None
) -> dict[str, Any]:
    """The JSON contract: question, found, answers (text, passage, score, citation), facts.

    `documents` maps doc_ids to their metadata for citing facts; without it, facts are
    cited through the documents of the answers.
    """
    metas = {a.passage.doc_id: a.citation.document for a in answer.answers}
    metas.update(documents or {})
    facts = [
        fact_to_json(fact, fact_citation(fact, metas[fact.passage.doc_id]))
        for fact in answer.facts
        if fact.passage.doc_id in metas
    ]
    return {
        "question": answer.question,
        "found": answer.found,
        "ambiguous": answer.ambiguous,
        "confidence": round(answer.confidence, 3),
        "answers": [short_answer_to_json(a) for a in answer.answers],
        "facts": facts,
        **({"reason": answer.reason, "note": answer.note} if answer.reason else {}),
    }


def citation_line(citation: Citation) -> str:
    """《title》 文号 · part › subsection · 第N段 (· 第P页)."""
    meta = citation.document
    head = f"《{meta.title}》" + (f" {meta.doc_number}" if meta.doc_number else "")
    pieces = [head]
    if citation.section_path:
        pieces.append(" › ".join(citation.section_path))
    pieces.append(f"第{citation.paragraph}段")
    if citation.page:
        pieces.append(f"第{citation.page}页")
    return " · ".join(pieces)


def answer_to_text(answer: Answer, bold: bool = False) -> str:
    """A person's view of an answer: each short answer, figure in bold, then its citation."""
    if not answer.found:
        return answer.note or "未在已加载的报告中找到相关内容。"
    blocks = []
    for number, short in enumerate(answer.answers, start=1):
        text = short.text
        where = short.figure_span()
        if where is not None:
            marked = f"{_BOLD}{short.figure}{_PLAIN}" if bold else f"**{short.figure}**"
            text = text[: where[0]] + marked + text[where[1] :]
        label = f"【{short.citation.document.title}】" if answer.ambiguous else ""
        blocks.append(f"{number}. {label}{text}\n   {citation_line(short.citation)}")
    return "\n".join(blocks)
