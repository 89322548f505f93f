"""Plain speech written as the reports write it: homophone typos and Chinese numerals.

A citizen types by pinyin and picks the wrong character of the same sound (嫌移人 for
嫌疑人, 行政服议 for 行政复议): a run of characters that is no word, whose toneless pinyin
is that of a word the reports use, is read as that word (pypinyin). Numbers written in
characters (百分之九十九点八, 三千五百) are read as digits (cn2an), as the reports write them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import cn2an
from pypinyin import lazy_pinyin

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WINDOWS = (4, 3)
# Characters of question words and particles: a run holding one is no typo of a term.
_QUESTION_CHARS = re.compile(r"[是几多少的了吗呢么什哪怎谁啥有在和与及或]")
# A word must stand in this many passages to be taken for what a typo meant.
_MIN_PASSAGES = 1
# Numerals read as digits: a percentage, or a number with a magnitude or a decimal point
# (三千五百, 九十九点八); a lone 一 or 三 stays, it is part of words (一网通办, 三项制度).
_NUMERAL = re.compile(
    r"百分之[零〇一二两三四五六七八九十百点]+|[零〇一二两三四五六七八九]?[十百千万亿][零〇一二两三四五六七八九十百千万亿点]*"
)


class Speller:
    """Corrects homophone typos against the words of an index's vocabulary."""

    def __init__(self, vocabulary: Mapping[str, int], is_word: Callable[[str], bool]) -> None:
        self._by_sound: dict[tuple[str, ...], str] = {}
        for word, passages in sorted(vocabulary.items(), key=lambda item: -item[1]):
            if passages >= _MIN_PASSAGES and len(word) in _WINDOWS and _CJK_RUN.fullmatch(word):
                self._by_sound.setdefault(tuple(lazy_pinyin(word)), word)
        self._vocabulary = vocabulary
        self._is_word = is_word

    def correct(self, words: list[str]) -> str:
        """The question, given as its words, with each homophone typo replaced by the word it
        sounds like.

        A typo is a run of two or three of the question's words, three or four characters in
        all, at least one of them no dictionary word (嫌 + 移人, 行政 + 服议), holding no
        question word: a run across ordinary words (是 + 几 sounds like 市级) is left alone.
        """
        out: list[str] = []
        index = 0
        while index < len(words):
            for count in (3, 2):
                run = words[index : index + count]
                joined = "".join(run)
                if (
                    len(run) == count
                    and len(joined) in (3, 4)
                    and _CJK_RUN.fullmatch(joined)
                    and any(not self._is_word(w) for w in run)
                    and not _QUESTION_CHARS.search(joined)
                    and joined not in self._vocabulary
                ):
                    word = self._by_sound.get(tuple(lazy_pinyin(joined)))
                    if word is not None:
                        out.append(word)
                        index += count
                        break
            else:
                out.append(words[index])
                index += 1
        return "".join(out)


def numerals_as_digits(text: str) -> str:
    """Chinese numerals of a question written as the reports write them (99.8%, 3500)."""

    def digits(match: re.Match[str]) -> str:
        numeral = match.group()
        try:
            if numeral.startswith("百分之"):
                return f"{cn2an.cn2an(numeral[3:], 'smart'):g}%"
            # 十万 is written 10万 in the reports: the last 万 or 亿 stays a character.
            magnitude = numeral[-1] if numeral[-1] in "万亿" and len(numeral) > 1 else ""
            head = numeral[:-1] if magnitude else numeral
            return f"{cn2an.cn2an(head, 'smart'):g}{magnitude}"
        except (ValueError, KeyError):
            return numeral

    return _NUMERAL.sub(digits, text)
