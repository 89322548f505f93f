"""A question's concepts: one per outermost word, with the report words that count for it."""

from __future__ import annotations

from answers.concepts import adjacent_pairs, read_concepts
from answers.engine import Engine


def _concepts(engine: Engine, question: str) -> dict[str, tuple[float, bool, bool]]:
    """Each concept's own word, with whether its inner words count and whether it is gapped."""
    tokenizer = engine.tokenizer
    terms = tokenizer.question_terms(question)
    concepts = read_concepts(
        terms, tokenizer.topicality(question), question, engine.snapshot.index, tokenizer
    )
    return {
        c.options[0][0][0]: (c.weight, len(c.options) > 1, c.gapped is not None) for c in concepts
    }


def test_a_long_word_is_one_concept_whose_inner_words_count_for_part(engine: Engine) -> None:
    concepts = _concepts(engine, "不动产登记发证平均几天")
    assert "不动产登记" in concepts and "不动产" not in concepts and "登记" not in concepts
    assert concepts["不动产登记"][1] is True


def test_an_unknown_compound_is_found_with_gaps(engine: Engine) -> None:
    concepts = _concepts(engine, "县委书记是谁")
    assert concepts["县委书记"][2] is True


def test_a_colloquial_verb_the_report_lacks_weighs_less_than_a_noun(engine: Engine) -> None:
    concepts = _concepts(engine, "护照收了多少")
    assert concepts["护照"][0] > concepts["收"][0]


def test_adjacent_pairs_join_outermost_words() -> None:
    assert adjacent_pairs(["不予", "公开", "信息", "公开信息"]) == ("不予公开信息",)
    assert adjacent_pairs(["不予", "公开", "信息"]) == ("不予公开", "公开信息")
