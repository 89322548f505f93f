"""Tests for retrieval.tokenize and retrieval.normalize: one tokenization for all texts."""

from __future__ import annotations

import gc
import shutil
import warnings
from pathlib import Path

import pytest

from config import QUESTION_WORDS, SYNONYMS, USER_DICT
from retrieval.normalize import compact, normalize
from retrieval.tokenize import JiebaTokenizer, is_number

# --- normalization ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３４５", "12345"),
        ("９９．５２％", "99.52%"),
        ("ＡＢＣ ｅ三明", "ABC e三明"),
        ("開辦企業", "开办企业"),
        ("行政復議經費", "行政复议经费"),
        ("  两跑 \t 事项\n\n占比\u3000达  ", "两跑 事项 占比 达"),
        ("清政文〔2021〕1号", "清政文〔2021〕1号"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_compact_drops_every_space() -> None:
    assert compact(" 桐政 〔２０２１〕\u30005号 ") == "桐政〔2021〕5号"


# --- document terms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("两跑事项占比达99.52%", "99.52%"),
        ("群众满意率99.80%", "99.80%"),
        ("2020年,全县受理行政复议案件2件", "2020年"),
        ("2020年10月起", "10月"),
        ("深化放管服改革", "放管服"),
        ("提高一趟不用跑事项比率", "一趟不用跑"),
        ("对最多跑一趟事项进行精简", "最多跑一趟"),
        ("纵深推进扫黑除恶斗争", "扫黑除恶"),
        ("用好、用熟、用惯e三明", "e三明"),
        ("推广枫桥经验", "枫桥经验"),
        ("实现主干一肩挑", "一肩挑"),
        ("１２３４５便民服务", "12345"),
        ("開辦企業", "开办"),
    ],
)
def test_document_terms(tokenizer: JiebaTokenizer, text: str, term: str) -> None:
    assert term in tokenizer(text)


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("两跑事项占比达99.52%", ("99", "52", "99.52", "%")),
        ("2020年全县", ("2020",)),
    ],
)
def test_figures_and_years_are_not_split(
    tokenizer: JiebaTokenizer, text: str, split: tuple[str, ...]
) -> None:
    assert not set(split) & set(tokenizer(text))


def test_punctuation_is_not_a_term(tokenizer: JiebaTokenizer) -> None:
    assert tokenizer("“九类”涉恶团伙,（此件）。、；！？") == ["九类", "涉恶", "团伙", "此件"]


def test_search_mode_adds_the_shorter_words(tokenizer: JiebaTokenizer) -> None:
    assert tokenizer("不动产登记中心")[:5] == ["不动", "动产", "登记", "不动产", "不动产登记"]


def test_letters_are_lower_case_and_full_width_folded(tokenizer: JiebaTokenizer) -> None:
    assert tokenizer("ＥＳ三明") == tokenizer("es三明")


# --- question terms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("宣传品发了多少份？", ["宣传", "宣传品", "发了"]),  # 多少份 asks; the intent reads 份
        ("政务公开是什么", ["政务", "公开", "政务公开"]),
        ("涉案资产有哪些", ["涉案", "资产", "涉案资产"]),
        ("两跑事项占比达99.52%吗", ["事项", "两跑事项", "占", "比达", "99.52%"]),
        ("有没有开展普法", ["开展", "普法"]),
        ("2020年受理了几个案件", ["2020年", "受理", "案件"]),
        ("位列全省第几", ["位列", "全省", "第几"]),
        ("位列全省第24位", ["位列", "全省", "第", "24", "位"]),
        ("19个部门", ["19", "个", "部门"]),
    ],
)
def test_question_terms(tokenizer: JiebaTokenizer, question: str, expected: list[str]) -> None:
    assert tokenizer.question_terms(question) == expected


@pytest.mark.parametrize("word", ["多少", "什么", "哪些", "吗", "有没有", "没有", "几"])
def test_question_words_leave_nothing_behind(tokenizer: JiebaTokenizer, word: str) -> None:
    questions = ("调解员有多少", "有没有调解员", "调解员有哪些", "有调解员吗", "调解员是什么")
    assert all(word not in tokenizer.question_terms(q) for q in questions)


@pytest.mark.parametrize("word", ["年", "个", "第", "%", "件"])
def test_measure_words_are_not_question_words(tokenizer: JiebaTokenizer, word: str) -> None:
    assert word not in tokenizer.question_words


_SAME_PHRASES = [
    "县直部门权责清单事项共4808项",
    "两跑事项占比达99.52%",
    "2020年,全县受理行政复议案件2件",
    "全县共排查调处各类矛盾纠纷364件",
    "中心现有驻会调解员10人",
    "群众满意率99.80%",
    pytest.param(
        "打掉涉黑犯罪组织1个",
    ),
    pytest.param(
        "做到小事不出村",
    ),
]


@pytest.mark.parametrize("phrase", _SAME_PHRASES)
def test_question_and_document_share_the_tokenization(
    tokenizer: JiebaTokenizer, phrase: str
) -> None:
    document_terms = [t for t in tokenizer(phrase) if t not in tokenizer.question_words]
    assert tokenizer.question_terms(phrase) == document_terms


@pytest.mark.parametrize(
    ("document_phrase", "question"),
    [
        ("县直部门权责清单事项共4808项", "县直部门权责清单事项共多少项"),
        ("中心现有驻会调解员10人", "中心现有驻会调解员多少人"),
        ("群众满意率99.80%", "群众满意率是多少？"),
    ],
)
def test_question_meets_the_document_phrase_it_asks_about(
    tokenizer: JiebaTokenizer, document_phrase: str, question: str
) -> None:
    document_terms = [
        t
        for t in tokenizer(document_phrase)
        if t not in tokenizer.question_words and not is_number(t)
    ]
    # The question's words are the document's; the unit after 多少 belongs to the question.
    terms = tokenizer.question_terms(question)
    assert (bool(terms), set(terms) <= set(document_terms)) == (True, True)


def test_synonyms_are_read_both_ways(tokenizer: JiebaTokenizer) -> None:
    assert set(tokenizer.synonyms["律所"]) == {"律师事务所"}
    assert "律所" in tokenizer.synonyms["律师事务所"]
    assert set(tokenizer.synonyms["热线"]) == {"12345", "便民服务"}


@pytest.mark.parametrize(
    ("term", "expected"),
    [("4808", True), ("99.52%", True), ("3.5", True), ("2020年", False), ("e三明", False)],
)
def test_is_number(term: str, expected: bool) -> None:
    assert is_number(term) == expected


# --- fingerprint -----------------------------------------------------------------------------


@pytest.fixture
def config_copies(tmp_path: Path) -> dict[str, Path]:
    """Copies of the three data files that tune the tokenizer."""
    copies = {}
    for name, source in (
        ("user_dict", USER_DICT),
        ("question_words", QUESTION_WORDS),
        ("synonyms", SYNONYMS),
    ):
        copies[name] = tmp_path / source.name
        shutil.copy(source, copies[name])
    return copies


def test_fingerprint_is_the_same_for_the_same_settings(
    tokenizer: JiebaTokenizer, config_copies: dict[str, Path]
) -> None:
    assert JiebaTokenizer(**config_copies).fingerprint == tokenizer.fingerprint


@pytest.mark.parametrize("changed", ["user_dict", "question_words", "synonyms"])
def test_fingerprint_changes_with_each_data_file(
    tokenizer: JiebaTokenizer, config_copies: dict[str, Path], changed: str
) -> None:
    with config_copies[changed].open("a", encoding="utf-8") as file:
        file.write("便民热线 nz\n" if changed == "user_dict" else "便民热线\n")
    assert JiebaTokenizer(**config_copies).fingerprint != tokenizer.fingerprint


def test_loading_the_user_dictionary_closes_the_file(config_copies: dict[str, Path]) -> None:
    # jieba's load_userdict(path) opens the file and never closes it; with warnings as
    # errors the ResourceWarning would fail whichever test first loads jieba.
    fresh = JiebaTokenizer(**config_copies)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        fresh("加载词典")
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("清流2021年开公司", ["清流", "2021年", "开", "公司"]),  # HMM glued 年开
        ("2020 年受理", ["2020年", "受理"]),
    ],
)
def test_a_year_is_one_term_even_when_glued_or_spaced(
    tokenizer: JiebaTokenizer, text: str, expected: list[str]
) -> None:
    assert tokenizer(text) == expected


def test_terms_do_not_depend_on_the_hash_seed() -> None:
    # The reader's worker and the bot are separate processes with their own hash seeds;
    # one text must be cut alike in both.
    import subprocess
    import sys

    script = (
        "from retrieval.tokenize import JiebaTokenizer; t = JiebaTokenizer();"
        "print(t.words('想问下将乐县现在办不动产一般登记，发证平均要用几天？'));"
        "print(t('哪天发布的报告，咋样办理，怎么申请'))"
    )
    root = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 7)
    }
    assert len(outputs) == 1
