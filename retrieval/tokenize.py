"""Tokenization with jieba: one set of settings for documents and questions."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from config import QUESTION_WORDS, SYNONYMS, USER_DICT
from retrieval.normalize import normalize, to_simplified

if TYPE_CHECKING:
    import jieba
    import jieba.posseg


# Runs of punctuation and symbols carry nothing to rank on.
_NOISE = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?%?$")
# How much a question word says about its topic, by jieba's part of speech: nouns name
# what is asked about; verbs less so (收, 走, 听); the rest (时间词, 代词, 量词, 助词) little.
_NOUN_TAGS = ("n", "vn", "eng", "l", "i")
_VERB_WEIGHT = 0.5
# Verbs, adverbs, prepositions, conjunctions, particles, numerals, measures, pronouns.
_NOT_IN_NOUN_PHRASE = ("v", "d", "p", "c", "u", "m", "q", "r")
_MINOR_WEIGHT = 0.25
# jieba's dictionary counts words in a general corpus; above this a word is everyday speech.
_COMMON_WORD_FREQ = 10_000
# A year or month written as digits plus 年/月 is one term, so "2020年" matches as a year.
_DATE_UNITS = frozenset("年月")


class Tokenizer(Protocol):
    """Anything that turns text into index terms; tests may pass `str.split`."""

    def __call__(self, text: str) -> list[str]: ...


def _read_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


class JiebaTokenizer:
    """jieba in search mode with HMM on and the domain user dictionary.

    Search mode adds the shorter words inside long ones (不动产 → 不动, 动产, 不动产),
    which lets a colloquial question meet the report's longer terms.
    """

    def __init__(
        self,
        user_dict: Path = USER_DICT,
        question_words: Path = QUESTION_WORDS,
        synonyms: Path = SYNONYMS,
    ):
        self._user_dict = user_dict
        self._question_words_path = question_words
        self._synonyms_path = synonyms

    @property
    def settings(self) -> tuple[str, ...]:
        """What the tokenizer is built from, to build the same one in another process."""
        return (str(self._user_dict), str(self._question_words_path), str(self._synonyms_path))

    @classmethod
    def from_settings(cls, settings: tuple[str, ...]) -> JiebaTokenizer:
        user_dict, question_words, synonyms = (Path(value) for value in settings)
        return cls(user_dict, question_words, synonyms)

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        # Imported and built on first use: jieba's dictionary takes a second to load, which
        # a start-up served entirely from the index cache should not pay.
        import jieba

        jieba.setLogLevel(logging.WARNING)
        segmenter = jieba.Tokenizer()
        with self._user_dict.open("rb") as handle:  # jieba leaves a path's file open
            segmenter.load_userdict(handle)
        # Sorted: add_word gives a word a frequency from the words added before it, so
        # a set's order (which changes with each process's hash seed) would cut the same
        # text differently in the reader's process and in the bot's.
        for word in sorted(self.question_words):
            if len(word) > 1:
                # Cut as one word (哪天, not 哪 + 天) so the whole of it is dropped.
                segmenter.add_word(word)
        return segmenter

    @cached_property
    def question_words(self) -> frozenset[str]:
        """Words ignored in questions because they only make a sentence a question."""
        return _read_words(self._question_words_path)

    @cached_property
    def synonyms(self) -> dict[str, tuple[str, ...]]:
        """For a question term, the other terms the reports may use for it."""
        groups: dict[str, tuple[str, ...]] = {}
        for line in self._synonyms_path.read_text(encoding="utf-8").splitlines():
            words = tuple(line.split()) if not line.startswith("#") else ()
            for word in words:
                groups[word] = groups.get(word, ()) + tuple(w for w in words if w != word)
        return groups

    @cached_property
    def fingerprint(self) -> str:
        """A digest of every setting that changes the terms, for index caches."""
        # This module's own source counts too: a change in how terms are cut or merged
        # must not meet terms cached by the old code.
        digest = hashlib.sha256(Path(__file__).read_bytes())
        for path in (self._user_dict, self._question_words_path, self._synonyms_path):
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def __call__(self, text: str) -> list[str]:
        """Terms of a document text."""
        return [term for term, _, _ in self.located(text)]

    def words(self, text: str) -> list[str]:
        """A text cut into words once (jieba's default mode), with no inner words."""
        folded, _ = _fold(text)
        return [w for w, _, _ in self._jieba.tokenize(folded, HMM=True) if w.strip()]

    def located(self, text: str) -> list[tuple[str, int, int]]:
        """Terms of a text with where each stands in it: (term, start, end)."""
        folded, origin = _fold(text)
        return [(w, origin[a], origin[b]) for w, a, b in self._folded_terms(folded)]

    def _folded_terms(self, folded: str) -> list[tuple[str, int, int]]:
        tokens = self._jieba.tokenize(folded, mode="search", HMM=True)
        kept = [(w, a, b) for w, a, b in tokens if w.strip() and not _NOISE.match(w)]
        return list(_merge_dates(kept))

    def question_terms(self, question: str) -> list[str]:
        """Terms of a question: the document terms less the question words.

        The question is cut whole, as a document is, and question words are dropped with
        every term inside them (有没有 goes entirely, not leaving 没有 behind).
        """
        folded, _ = _fold(question)
        spans = [
            (start, end)
            for word, start, end in self._jieba.tokenize(folded, HMM=True)
            if word in self.question_words
        ]
        return [
            term
            for term, start, end in self._folded_terms(folded)
            if term not in self.question_words
            and not any(low <= start and end <= high for low, high in spans)
        ]

    def is_word(self, word: str) -> bool:
        """Whether jieba's dictionary (with the project's) knows a word."""
        return bool(self._jieba.FREQ.get(word, 0))

    def is_common_word(self, word: str) -> bool:
        """Whether a word is frequent in general Chinese (出来, 后来, 没有), by jieba's counts."""
        count: int = self._jieba.FREQ.get(word, 0)
        return count >= _COMMON_WORD_FREQ

    @cached_property
    def _tagger(self) -> jieba.posseg.POSTokenizer:
        import jieba.posseg  # reads jieba's tag table: only when a question needs it

        return jieba.posseg.POSTokenizer(self._jieba)

    def is_noun_phrase(self, text: str) -> bool:
        """Whether a text is nouns only (with their modifiers), by jieba's tags."""
        tags = [w.flag for w in self._tagger.cut(normalize(text)) if w.word.strip()]
        return bool(tags) and not any(
            t.startswith(_NOT_IN_NOUN_PHRASE) and t != "vn" for t in tags
        )

    def noun_phrases(self, text: str) -> list[tuple[int, int]]:
        """Where `text`'s runs of nouns stand (刑事案件, 12345热线), first to last."""
        spans: list[tuple[int, int]] = []
        position = 0
        run: int | None = None
        words = [(w.word, w.flag) for w in self._tagger.cut(text)]
        for index, (word, flag) in enumerate(words):
            following = words[index + 1][1] if index + 1 < len(words) else ""
            nounish = flag.startswith("n") or (word.isdigit() and following.startswith("n"))
            if nounish and run is None:
                run = position
            elif not nounish and run is not None:
                spans.append((run, position))
                run = None
            position += len(word)
        if run is not None:
            spans.append((run, position))
        return spans

    def topicality(self, question: str) -> dict[str, float]:
        """For each term of a question, how much it names the topic (1 for nouns)."""
        words = [(w.word, w.flag) for w in self._tagger.cut(normalize(question).lower())]
        weights: dict[str, float] = {}
        for term in self.question_terms(question):
            flag = next((f for w, f in words if term in w), "x")
            if flag.startswith(_NOUN_TAGS) or is_number(term) or term[-1] in _DATE_UNITS:
                weight = 1.0
            elif flag.startswith("v"):
                weight = _VERB_WEIGHT
            else:
                weight = _MINOR_WEIGHT
            weights[term] = min(weight, _MINOR_WEIGHT) if len(term) == 1 else weight
        return weights


def _fold(text: str) -> tuple[str, list[int]]:
    """Normalize a text character by character, keeping where each character came from.

    The result is what `normalize` gives except that white space is kept, so offsets
    into it map back to the original text through the returned list (one entry per
    character, plus the end).
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            folded.append(piece)
            origin.append(index)
    joined = "".join(folded)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):  # a phrase conversion changed the length
        simplified = "".join(to_simplified(char) for char in joined)
    origin.append(len(text))
    return simplified.lower(), origin


def _merge_dates(
    tokens: Iterable[tuple[str, int, int]],
) -> Iterator[tuple[str, int, int]]:
    """Join a number with the 年 or 月 after it (2020年), even when HMM glued that 年 to the
    next character (2021 + 年开 → 2021年 + 开)."""
    pending: tuple[str, int, int] | None = None
    for token in tokens:
        word, start, end = token
        if pending and word[0] in _DATE_UNITS and start == pending[2]:
            yield (pending[0] + word[0], pending[1], start + 1)
            pending = None
            if len(word) > 1:
                token = (word[1:], start + 1, end)
            else:
                continue
        elif pending and word in _DATE_UNITS:
            yield (pending[0] + word, pending[1], end)
            pending = None
            continue
        if pending:
            yield pending
            pending = None
        if token[0].isdigit():
            pending = token
        else:
            yield token
    if pending:
        yield pending


def is_number(term: str) -> bool:
    """Whether a term is a figure (digits, a decimal or a percentage)."""
    return bool(_NUMBER.match(term))
