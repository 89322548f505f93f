"""Tests for retrieval.index: the inverted index scores exactly as rank-bm25's BM25Okapi."""

from __future__ import annotations

import dataclasses
import math
import random
from array import array
from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.facts import extract_facts
from retrieval.index import Index, passage_text_for_index
from retrieval.library import analyse
from retrieval.model import Document, DocumentMeta, Passage
from retrieval.tokenize import JiebaTokenizer
from tests.conftest import BUNDLED_REPORT

QUESTIONS = (
    "宣传品发了多少份",
    "权责清单事项总数",
    "调解中心驻会调解员",
    "扫黑除恶好评率全省排名",
    "涉赌行政案件同比下降",
    "行政复议经费",
    "不动产登记发证平均用时",
    "群众诉求满意率",
)


@pytest.fixture(scope="module")
def corpus(bundled_document: Document, tokenizer: JiebaTokenizer) -> list[list[str]]:
    """The bundled report's passages as the engine indexes them: headings plus text."""
    return [tokenizer(passage_text_for_index(p)) for p in bundled_document.passages]


@pytest.fixture(scope="module")
def index(bundled_document: Document, corpus: list[list[str]]) -> Index:
    return Index.build([bundled_document], corpus)


def _common_terms(corpus: list[list[str]]) -> list[str]:
    """Terms in more than half of the passages, whose BM25Okapi idf is floored."""
    counts = Counter(term for terms in corpus for term in set(terms))
    return sorted(term for term, count in counts.items() if count > len(corpus) / 2)


def _document(doc_id: str, texts: list[str]) -> Document:
    passages = tuple(Passage(doc_id, ("正文",), i, text) for i, text in enumerate(texts))
    return Document(DocumentMeta(doc_id=doc_id, title=doc_id), passages)


# Queries: a question (tokenized as a question) or literal terms; COMMON stands for every
# term in more than half the passages.
COMMON = "<common>"
QUERIES = [
    *(pytest.param(q, id=q) for q in QUESTIONS),
    pytest.param(("调解", "调解", "调解"), id="repeated term"),
    pytest.param(("护照", "签证"), id="unknown terms"),
    pytest.param(("护照", "调解员", "护照"), id="unknown and known"),
    pytest.param((COMMON,), id="common terms"),
    pytest.param((COMMON, "权责清单", "调解"), id="common and rare"),
    pytest.param((), id="empty"),
]


def _query(
    spec: str | tuple[str, ...], corpus: list[list[str]], tokenizer: JiebaTokenizer
) -> list[str]:
    if isinstance(spec, str):
        return tokenizer.question_terms(spec)
    common = _common_terms(corpus)
    return [t for term in spec for t in (common if term == COMMON else [term])]


def test_the_report_has_terms_in_more_than_half_the_passages(corpus: list[list[str]]) -> None:
    # Otherwise the idf floor below would go untested.
    assert {"法治", "坚持", "和"} <= set(_common_terms(corpus))


@pytest.mark.parametrize("spec", QUERIES)
def test_scores_equal_bm25okapi_on_the_bundled_report(
    index: Index, corpus: list[list[str]], tokenizer: JiebaTokenizer, spec: str | tuple[str, ...]
) -> None:
    query = _query(spec, corpus, tokenizer)
    expected = BM25Okapi(corpus).get_scores(query)
    assert np.allclose(index.scores(query), expected, rtol=1e-12, atol=1e-12)


def test_scores_equal_bm25okapi_with_other_parameters(
    bundled_document: Document, corpus: list[list[str]]
) -> None:
    index = Index.build([bundled_document], corpus, k1=1.2, b=0.5)
    query = ["调解", "调解员", "坚持", "法治", "10000"]
    expected = BM25Okapi(corpus, k1=1.2, b=0.5).get_scores(query)
    assert np.allclose(index.scores(query), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scores_equal_bm25okapi_on_a_random_corpus(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(60)]
    # Zipf-like weights: a few terms are in most passages, many in few.
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    corpus = [rng.choices(vocabulary, weights, k=rng.randint(1, 40)) for _ in range(300)]
    index = Index.build([_document("random", [" ".join(t) for t in corpus])], corpus)
    bm25 = BM25Okapi(corpus)
    for _ in range(40):
        query = rng.choices([*vocabulary, "unknown"], k=rng.randint(1, 8))
        assert np.allclose(index.scores(query), bm25.get_scores(query), rtol=1e-12, atol=1e-12)


def test_search_orders_best_first_within_the_limit(index: Index, corpus: list[list[str]]) -> None:
    query = ["调解", "纠纷", "矛盾纠纷"]
    scores = BM25Okapi(corpus).get_scores(query)
    expected = sorted(
        (row for row in range(len(scores)) if scores[row] > 0), key=lambda r: -scores[r]
    )
    hits = index.search(query, limit=5)
    assert [hit.index for hit in hits] == expected[:5]
    assert [hit.passage for hit in hits] == [index.passages[row] for row in expected[:5]]
    assert all(math.isclose(hit.score, scores[hit.index]) for hit in hits)


def test_search_returns_only_positive_scores(index: Index) -> None:
    hits = index.search(["民法典"], limit=100)
    assert hits
    assert all(hit.score > 0 and "民法典" in index.terms[hit.index] for hit in hits)


def test_search_breaks_ties_by_passage_order() -> None:
    corpus = [["甲"], ["乙"], ["甲"], ["丙"], ["甲"]]
    index = Index.build([_document("ties", ["甲", "乙", "甲", "丙", "甲"])], corpus)
    assert [hit.index for hit in index.search(["甲"], limit=2)] == [0, 2]


def test_search_with_nothing_matching_is_empty(index: Index) -> None:
    assert index.search(["护照"], limit=3) == []
    assert index.search([], limit=3) == []


def test_search_keeps_to_the_documents_asked_for(
    bundled_document: Document, corpus: list[list[str]]
) -> None:
    twin = Document(
        dataclasses.replace(bundled_document.meta, doc_id="twin"),
        tuple(dataclasses.replace(p, doc_id="twin") for p in bundled_document.passages),
    )
    index = Index.build([bundled_document, twin], corpus + corpus)
    query = ["调解", "调解员"]
    both = index.search(query, limit=100)
    only_twin = index.search(query, limit=100, doc_ids=frozenset({"twin"}))
    assert {hit.passage.doc_id for hit in both} == {bundled_document.meta.doc_id, "twin"}
    assert only_twin == [hit for hit in both if hit.passage.doc_id == "twin"]
    assert index.search(query, limit=100, doc_ids=frozenset({"nobody"})) == []


def test_build_needs_one_term_list_per_passage(
    bundled_document: Document, corpus: list[list[str]]
) -> None:
    with pytest.raises(ValueError, match="one term list per passage"):
        Index.build([bundled_document], corpus[:-1])


def test_weight_is_positive_even_for_terms_in_every_passage() -> None:
    corpus = [["县", "调解"], ["县", "复议"], ["县", "调解"], ["县"]]
    index = Index.build([_document("d", ["", "", "", ""])], corpus)
    assert index.idf["县"] < 0.01 < index.weight("县")
    assert (
        0 < index.weight("县") < index.weight("调解") < index.weight("复议") < index.weight("护照")
    )


def test_weight_of_common_terms_in_the_report_is_positive(
    index: Index, corpus: list[list[str]]
) -> None:
    assert all(index.weight(term) > 0 for term in _common_terms(corpus))


def test_has_term(index: Index) -> None:
    assert index.has_term("调解员")
    assert not index.has_term("护照")


def test_empty_passage_does_not_crash() -> None:
    texts = ["县 调解 纠纷", "", "县 复议"]
    index = Index.build([_document("d", texts)], [t.split() for t in texts])
    scores = index.scores(["县", "调解"])
    assert scores[1] == 0.0
    assert scores[0] > 0
    assert [hit.index for hit in index.search(["调解"], limit=3)] == [0]


def test_index_of_only_empty_passages_finds_nothing() -> None:
    index = Index.build([_document("d", ["", ""])], [[], []])
    assert index.search(["调解"], limit=3) == []
    assert index.weight("调解") > 0


def test_document_by_id(bundled_document: Document, index: Index) -> None:
    assert index.document(bundled_document.meta.doc_id) is bundled_document


def test_stored_offsets_give_each_passage_its_own_terms_where_they_stand(
    tokenizer: JiebaTokenizer,
) -> None:
    """The offsets kept at build time locate a passage's terms exactly as tokenizing the
    passage's own text again would, headings left out."""
    entry = analyse(BUNDLED_REPORT.name, BUNDLED_REPORT.read_bytes(), tokenizer, extract_facts)
    index = Index.build([entry.document], entry.terms, offsets=entry.offsets)
    headed = 0
    for row, passage in enumerate(index.passages):
        expected = sorted(tokenizer.located(passage.text), key=lambda t: t[1])
        assert index.located(row) == expected
        assert all(passage.text[start:end] for _, start, end in expected)
        headed += bool(passage.section_path)
    assert headed > 10  # the headings' terms were there to leave out


def test_offsets_must_match_the_terms(bundled_document: Document, corpus: list[list[str]]) -> None:
    with pytest.raises(ValueError, match="start and an end"):
        Index.build([bundled_document], corpus, offsets=[array("I") for _ in corpus])
    assert Index.build([bundled_document], corpus).located(0) is None
