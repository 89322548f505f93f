"""Synonyms from Cilin: groups of one meaning only."""

from __future__ import annotations

from retrieval.thesaurus import synonyms


def test_a_word_has_the_words_of_its_meaning() -> None:
    assert "罚金" in synonyms("罚款")
    assert "县" in synonyms("县城")


def test_related_words_are_not_synonyms() -> None:
    # 面积 stands in Cilin only in groups of related words (容积 体积), never of one meaning.
    assert synonyms("面积") == ()


def test_a_word_is_not_its_own_synonym_and_unknown_words_have_none() -> None:
    assert "县城" not in synonyms("县城")
    assert synonyms("一网通办率") == ()
