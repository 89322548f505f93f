"""Measure reportqa and print the figures: the index cache, query latency, a question batch.

    python scripts/benchmark.py [--reports 100] [--passages 50000] [--quick] [--profile]

1. Index cache: N reports generated from the bundled one (another fictional county, 文号,
   索引号, dates and leaders; figures perturbed, subsections shuffled, sentences dropped) are
   indexed twice by `reportqa index` with a fresh REPORTQA_DATA_DIR: cold, then from the cache.
   `Engine.from_settings` is timed the same way in this process.
2. Query latency at scale: ~50,000 passages of generated reports, each parsed, tokenized and
   fact-extracted by the real pipeline, behind an `Index` and a `Composer` wired as the engine
   wires them; BM25 search alone and whole answers are timed per question, and the index's
   scores are checked against `BM25Okapi.get_scores` on a sample.
3. The shared batch: one `reportqa ask --json --docs DIR -` with 40 questions on stdin.

Everything is generated offline and deterministically from `--seed`; nothing is asserted
about the times, which depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from answers.compose import Composer
from answers.engine import Engine, Snapshot
from answers.routing import Router
from config import BUNDLED_DOCS_DIR, Settings
from retrieval.cache import CachedDocument
from retrieval.facts import extract_facts
from retrieval.index import Index
from retrieval.library import LoadResult, analyse
from retrieval.tokenize import JiebaTokenizer

TEMPLATE = BUNDLED_DOCS_DIR / "qingliu-2020-fazhi-report.txt"
_TEMPLATE_COUNTY = "清流"
_TEMPLATE_LEADERS = ("池芝发", "张春华")
# Characters of the fictional county names: none is an administrative suffix (县, 市, 区…)
# and none belongs to the template's own county, so every name is new.
_NAME_CHARS = (
    "桐溪云峰石泉松岭安平和宁永福青梅兰竹金玉龙凤华阳明光"
    "乐寿昌德兴隆盛嘉禾丰泰鹤鸣翠湖江河山川林仙"
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董"
_GIVEN = "建国志明伟芳秀英华文军平红玉兰春海霞杰宏涛斌勇辉俊婷雪峰"
_NUMERALS = "一二三四五六七八九十"
_PART_LINE = re.compile(rf"^[{_NUMERALS}]*、")
_SUBSECTION_MARK = re.compile(rf"^\(([{_NUMERALS}]+)\)")
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_DOC_NUMBER = re.compile(rf"{_TEMPLATE_COUNTY[0]}政文〔(\d{{4}})〕\d+号")
_INDEX_NUMBER = re.compile(r"SM\d{5}-\d{4}-(\d{4})-\d{5}")
_ISO_DATE = re.compile(r"(\d{4})-01-05")
_CLOSING_DATE = re.compile(r"^(\s*\d{4})年1月5(\s*)$", re.MULTILINE)
# A figure is a number followed by its unit; years, months, 文号 and 12345 are left alone.
_FIGURE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(?=%|件次|件|项|个|人次|人|起|宗|万元|条|场次|块|份|幅|期|名|平方米|天)"
)
_SENTENCE = re.compile(r"(?<=。)")
_SENTENCE_DROP_RATE = 0.35
_CANDIDATE_PASSAGES = 12  # what Composer asks Index.search for

# Questions written for this benchmark; `{where}` is a county (桐溪县) or nothing.
FIGURE_QUESTIONS = (
    "{where}12345便民热线一年接到多少件群众诉求？",
    "{where}权责清单调整以后县直部门一共有多少项事项？",
    "{where}不动产一般登记平均几天可以发证？",
    "{where}行政审批时限一共压缩了百分之多少？",
    "{where}向市政府和县人大常委会报备了几件规范性文件？",
    "{where}改扩建后的调解中心面积有多大？",
    "{where}一共排查调处了多少件矛盾纠纷？",
    "扫黑除恶斗争中{where}抓获犯罪嫌疑人多少名？",
    "{where}给行政复议安排了多少经费？",
    "{where}信访部门受理来信来访多少件次？",
    "{where}民法典宣讲一共开展了几场？",
    "{where}主动公开的政府信息有多少条？",
    "疫情防控期间{where}查处了几起相关案件？",
    "{where}村级后备干部储备了多少名？",
    "{where}城区企业开办时间压缩到几个工作日？",
    "{where}办理行政应诉案件几件？",
    "{where}发放普法宣传品多少份？",
    "{where}查处商标侵权假冒案件几宗？",
)
PASSAGE_QUESTIONS = (
    "{where}是怎样落实领导干部学法制度的？",
    "{where}政府法律顾问制度是怎么建立起来的？",
    "{where}如何推进政务公开工作？",
    "{where}行政执法三项制度推行得怎么样？",
    "{where}疫情期间怎样依法防控？",
    "{where}法治政府建设还有哪些短板和弱项？",
    "{where}下一年法治政府建设的指导思想是什么？",
    "{where}怎么优化法治化营商环境？",
    "{where}怎样加强行政执法队伍的建设和管理？",
    "{where}行政执法与刑事司法怎样衔接？",
    "{where}推进信访工作法治化有哪些做法？",
    "{where}重大行政决策要经过哪些法定程序？",
    "{where}主要领导怎样履行法治建设第一责任人职责？",
    "{where}政府怎样接受人大和政协的监督？",
)
OUT_OF_SCOPE_QUESTIONS = (
    "怎么办理出入境护照？",
    "今年高考分数线是多少？",
    "{where}明天会不会下雨？",
    "附近哪家医院看儿科比较好？",
    "个人所得税起征点是多少？",
    "住房公积金贷款利率是多少？",
    "{where}有什么好吃的特产？",
    "驾驶证到期了怎么换证？",
    "今天股市涨了吗？",
    "养老金每个月能领多少钱？",
)


@dataclass(frozen=True, slots=True)
class GeneratedReport:
    """A report text derived from the bundled one, and the fictional county it is about."""

    county: str
    file_name: str
    text: str


def county_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct fictional county names of two characters (three when those run out)."""
    pairs = [a + b for a in _NAME_CHARS for b in _NAME_CHARS if a != b]
    rng.shuffle(pairs)
    names = pairs[:count]
    while len(names) < count:
        name = "".join(rng.sample(_NAME_CHARS, 3))
        if name not in names:
            names.append(name)
    return names


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, 2))


def _numeral(value: int) -> str:
    if value <= 10:
        return _NUMERALS[value - 1]
    tens, ones = divmod(value, 10)
    return (
        ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")
    )


def _perturb(raw: str, share: bool, rng: random.Random) -> str:
    """Another figure of the same shape: integers stay integers, decimals keep their digits.

    A share near 100% moves its distance to 100% instead, so it stays below 100%.
    """
    decimals = len(raw.partition(".")[2])
    value = float(raw)
    if share and value >= 50:
        value = 100 - (100 - value) * rng.uniform(0.5, 1.5)
    else:
        value *= rng.uniform(0.7, 1.3)
    if decimals:
        return f"{max(value, 10**-decimals):.{decimals}f}"
    return str(max(1, round(value)))


def _perturb_figures(text: str, rng: random.Random) -> str:
    # One new value per figure, so a figure the report repeats (364件…成功364件) stays equal.
    chosen: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        raw = match.group(1)
        is_share = text.startswith("%", match.end())
        if is_share and float(raw) >= 100:
            return raw
        if raw not in chosen:
            chosen[raw] = _perturb(raw, is_share, rng)
        return chosen[raw]

    return _FIGURE.sub(replace, text)


def _drop_sentences(paragraph: str, rng: random.Random) -> str:
    """Now and then one sentence fewer, never the first (it holds the subsection's title)."""
    sentences = [s for s in _SENTENCE.split(paragraph) if s]
    if len(sentences) < 3 or rng.random() > _SENTENCE_DROP_RATE:
        return paragraph
    del sentences[rng.randrange(1, len(sentences) - 1)]
    return "".join(sentences)


def _shuffle_subsections(lines: list[str], rng: random.Random) -> list[str]:
    """Shuffle each part's `(一)…` paragraphs and number them again in their new order."""
    lines = list(lines)
    group: list[int] = []

    def flush() -> None:
        texts = [lines[i].strip() for i in group]
        rng.shuffle(texts)
        for number, (row, text) in enumerate(zip(group, texts, strict=True), start=1):
            text = _SUBSECTION_MARK.sub(f"({_numeral(number)})", _drop_sentences(text, rng), 1)
            lines[row] = "  " + text
        group.clear()

    for row, line in enumerate(lines):
        text = line.strip()
        if _SUBSECTION_MARK.match(text):
            group.append(row)
        elif text and group:
            flush()
    if group:
        flush()
    return lines


def generate_report(template: str, county: str, number: int, rng: random.Random) -> str:
    """A report of the template's kind about another county, different in text and figures."""
    year_shift = rng.randint(-2, 2)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), template)
    text = "\n".join(_shuffle_subsections(text.splitlines(), rng))
    text = _perturb_figures(text, rng)
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    text = _ISO_DATE.sub(lambda m: f"{m.group(1)}-{month:02d}-{day:02d}", text)
    text = _CLOSING_DATE.sub(lambda m: f"{m.group(1)}年{month}月{day}{m.group(2)}", text)
    text = _DOC_NUMBER.sub(lambda m: f"{county[0]}政文〔{m.group(1)}〕{number}号", text)
    index_code = f"SM{rng.randint(10000, 99999)}-{rng.randint(100, 9999):04d}"
    text = _INDEX_NUMBER.sub(
        lambda m: f"{index_code}-{m.group(1)}-{rng.randint(1, 99999):05d}", text
    )
    for leader in _TEMPLATE_LEADERS:
        text = text.replace(leader, _person(rng))
    return text.replace(_TEMPLATE_COUNTY, county)


def generate_reports(count: int, seed: int) -> list[GeneratedReport]:
    """`count` distinct reports derived from the bundled one; the same seed gives the same."""
    rng = random.Random(seed)
    template = TEMPLATE.read_text(encoding="utf-8")
    return [
        GeneratedReport(
            county=county,
            file_name=f"report-{number:05d}.txt",
            text=generate_report(template, county, rng.randint(1, 300), rng),
        )
        for number, county in enumerate(county_names(count, rng), start=1)
    ]


def write_reports(reports: Sequence[GeneratedReport], folder: Path) -> None:
    """Write the reports into a folder as UTF-8 text files."""
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        (folder / report.file_name).write_text(report.text, encoding="utf-8")


def questions(count: int, counties: Sequence[str], seed: int) -> list[str]:
    """A mix of figure (45%), passage (35%) and out-of-scope (20%) questions."""
    rng = random.Random(seed)
    kinds = (FIGURE_QUESTIONS,) * 9 + (PASSAGE_QUESTIONS,) * 7 + (OUT_OF_SCOPE_QUESTIONS,) * 4
    asked = []
    for number in range(count):
        template = rng.choice(kinds[number % len(kinds)])
        where = f"{rng.choice(counties)}县" if counties and rng.random() < 0.6 else ""
        asked.append(template.format(where=where))
    return asked


def batch_questions() -> list[str]:
    """Forty questions on the bundled report: every template once, the county now and then."""
    templates = [*FIGURE_QUESTIONS, *PASSAGE_QUESTIONS, *OUT_OF_SCOPE_QUESTIONS[:8]]
    return [
        t.format(where=f"{_TEMPLATE_COUNTY}县" if n % 3 == 0 else "")
        for n, t in enumerate(templates)
    ]


def percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and max of millisecond samples."""
    values = np.asarray(samples)
    return (
        float(np.percentile(values, 50)),
        float(np.percentile(values, 95)),
        float(values.max()),
    )


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _row(label: str, value: str) -> None:
    print(f"  {label:<50} {value}")


def reportqa_command() -> list[str]:
    """The installed console script beside this interpreter, else the module it runs."""
    script = shutil.which("reportqa", path=str(Path(sys.executable).parent)) or shutil.which(
        "reportqa"
    )
    return [script] if script else [sys.executable, "-m", "cli"]


def _run(args: Sequence[str], data_dir: Path, cwd: Path, stdin: str = "") -> tuple[float, str]:
    """Run a command with its own data dir; its wall time and stdout (raises if it fails)."""
    env = {**os.environ, "REPORTQA_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    done = subprocess.run(
        args, input=stdin, capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return seconds, done.stdout


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_index_cache(reports: int, seed: int, workdir: Path) -> None:
    """Section 1: `reportqa index` and `Engine.from_settings`, cold and then from the cache."""
    print(f"\n1. Index cache: {reports} generated reports")
    docs = workdir / "reports"
    started = time.perf_counter()
    generated = generate_reports(reports, seed)
    write_reports(generated, docs)
    _row("generate and write the reports", f"{time.perf_counter() - started:.2f} s")

    command = [*reportqa_command(), "index", "--docs", str(docs)]
    data_dir = workdir / "data-cli"
    cold, cold_out = _run(command, data_dir, workdir)
    warm, warm_out = _run(command, data_dir, workdir)
    for output in (cold_out, warm_out):
        if not output.strip().endswith("s") or f"{reports} documents loaded" not in output:
            raise RuntimeError(f"reportqa index did not load every report:\n{output}")
    cold_inner, warm_inner = (_inner_seconds(o) for o in (cold_out, warm_out))
    _row("`reportqa index` cold (parse, tokenize, facts)", f"{cold:.2f} s wall")
    _row("`reportqa index` warm (from the cache)", f"{warm:.2f} s wall")
    _row("warm / cold (target < 0.10)", f"{warm / cold:.3f}")
    _row("  loading alone, as the command reports it", f"cold {cold_inner}, warm {warm_inner}")
    _row("  peak RSS of a `reportqa index` run", f"{peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")

    settings = Settings(docs_dir=docs, data_dir=workdir / "data-engine")
    engine_cold = _timed(lambda: Engine.from_settings(settings))
    engine_warm = _timed(lambda: Engine.from_settings(settings))
    _row("Engine.from_settings cold (in process)", f"{engine_cold:.2f} s")
    _row("Engine.from_settings warm (in process)", f"{engine_warm:.2f} s")
    _row("warm / cold", f"{engine_warm / engine_cold:.3f}")


def _inner_seconds(output: str) -> str:
    match = re.search(r"in ([\d.]+) s\s*$", output)
    return f"{match.group(1)} s" if match else "?"


def load_corpus(
    passages: int, seed: int, tokenizer: JiebaTokenizer
) -> tuple[list[CachedDocument], list[str]]:
    """Generated reports through the real parser, tokenizer and extractor, up to `passages`."""
    rng = random.Random(seed)
    template = TEMPLATE.read_text(encoding="utf-8")
    per_report = 28  # the bundled report's passages; the count only sizes the name list
    names = county_names(passages // per_report + 64, rng)
    entries: list[CachedDocument] = []
    counties: list[str] = []
    total = 0
    for number, county in enumerate(names, start=1):
        if total >= passages:
            break
        text = generate_report(template, county, rng.randint(1, 300), rng)
        entry = analyse(f"report-{number:05d}.txt", text.encode("utf-8"), tokenizer, extract_facts)
        entries.append(entry)
        counties.append(county)
        total += len(entry.document.passages)
    return entries, counties


def check_bm25(entries: Sequence[CachedDocument], queries: Sequence[list[str]]) -> None:
    """Compare `Index.scores` with `BM25Okapi.get_scores` on the same passages and queries."""
    documents = [e.document for e in entries]
    terms = [t for e in entries for t in e.terms]
    index = Index.build(documents, terms)
    # The same placeholder Index.build gives an empty passage, which BM25Okapi cannot score.
    reference = BM25Okapi([list(t) or ["\x00"] for t in terms], k1=index.k1, b=index.b)
    worst = 0.0
    equal = True
    same_top = 0
    top = min(_CANDIDATE_PASSAGES, len(terms))
    for query in queries:
        ours, theirs = index.scores(query), reference.get_scores(query)
        equal = equal and bool(np.allclose(ours, theirs))
        worst = max(worst, float(np.abs(ours - theirs).max()))
        best_ours = set(np.argsort(-ours, kind="stable")[:top].tolist())
        same_top += best_ours == set(np.argsort(-theirs, kind="stable")[:top].tolist())
    _row(
        f"Index.scores == BM25Okapi.get_scores ({len(terms)} passages)",
        f"{'yes' if equal else 'NO'} on {len(queries)} questions (np.allclose), "
        f"max |diff| {worst:.1e}, same top {_CANDIDATE_PASSAGES} for {same_top}",
    )


def bench_queries(
    passages: int, question_count: int, seed: int, profile: bool, check_passages: int
) -> None:
    """Section 2: build a large index, time search and answers, check BM25 equivalence."""
    print(f"\n2. Query latency at ~{passages:,} passages")
    tokenizer = JiebaTokenizer()
    started = time.perf_counter()
    entries, counties = load_corpus(passages, seed, tokenizer)
    documents = tuple(e.document for e in entries)
    terms = [t for e in entries for t in e.terms]
    facts = tuple(fs for e in entries for fs in e.facts)
    _row(
        "generate, parse, tokenize, extract facts",
        f"{time.perf_counter() - started:.1f} s for {len(documents):,} reports, "
        f"{len(terms):,} passages",
    )
    started = time.perf_counter()
    index = Index.build(documents, terms)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    router = Router.build([d.meta for d in documents], tokenizer)
    settings = Settings()
    composer = Composer(index, tokenizer, facts, settings.min_confidence, router)
    snapshot = Snapshot(load=LoadResult((), (), ()), index=index, composer=composer, facts=facts)
    engine = Engine(settings, tokenizer, snapshot=snapshot)
    _row("Index.build", f"{index_seconds:.2f} s ({len(index._postings):,} terms)")
    _row("Router.build + Composer", f"{time.perf_counter() - started:.2f} s")

    asked = questions(question_count, counties, seed)
    for question in asked[:5]:  # load jieba's tagger and every lazy table before timing
        engine.ask(question)
    queries = [[t for t in tokenizer.question_terms(q) if t not in router.places] for q in asked]
    search_ms = [1000 * _timed(lambda q=q: index.search(q, _CANDIDATE_PASSAGES)) for q in queries]
    answer_ms: list[float] = []
    found = 0
    for question in asked:
        started = time.perf_counter()
        found += engine.ask(question).found
        answer_ms.append(1000 * (time.perf_counter() - started))
    for label, samples in (
        ("Index.search (all passages)", search_ms),
        ("Engine.ask", answer_ms),
    ):
        p50, p95, worst = percentiles(samples)
        _row(f"{label}, ms per question", f"p50 {p50:.1f}  p95 {p95:.1f}  max {worst:.1f}")
    _row("questions asked / answered", f"{len(asked)} / {found}")
    _step_costs(composer, asked)
    _row("peak RSS of this process", f"{peak_rss_mb():.0f} MB")

    sample = list(_prefix(entries, check_passages))
    check_bm25(sample, queries)
    if profile:
        _profile(lambda: [engine.ask(q) for q in asked])


def _step_costs(composer: Composer, asked: Sequence[str]) -> None:
    """Mean ms per question of each step of Engine.ask, and the plain-speech steps' share.

    Plain speech (homophone speller, Chinese numerals) runs inside understand; the synonym
    lookups (Cilin) inside understand's concepts; scope (places, years, small talk) in judge.
    """
    totals = dict.fromkeys(("plain speech", "understand (rest)", "route", "retrieve"), 0.0)
    totals |= dict.fromkeys(("compose", "judge"), 0.0)
    for text in asked:
        plain = _timed(lambda text=text: composer._plain(text))
        started = time.perf_counter()
        question = composer.understand(text)
        totals["plain speech"] += plain
        totals["understand (rest)"] += time.perf_counter() - started - plain
        started = time.perf_counter()
        scope = composer.route(question)
        totals["route"] += time.perf_counter() - started
        started = time.perf_counter()
        hits = composer.retrieve(question, scope)
        totals["retrieve"] += time.perf_counter() - started
        started = time.perf_counter()
        choices = composer.compose(question, hits)
        totals["compose"] += time.perf_counter() - started
        started = time.perf_counter()
        composer.judge(question, scope, choices)
        totals["judge"] += time.perf_counter() - started
    count = max(len(asked), 1)
    steps = "  ".join(f"{name} {1000 * total / count:.2f}" for name, total in totals.items())
    _row("steps of Engine.ask, mean ms per question", steps)
    rest = sum(totals.values()) - totals["plain speech"]
    _row("plain speech / the other steps", f"{totals['plain speech'] / (rest or 1):.0%}")


def _prefix(entries: Sequence[CachedDocument], passages: int) -> Iterator[CachedDocument]:
    total = 0
    for entry in entries:
        if total >= passages:
            return
        total += len(entry.document.passages)
        yield entry


def _profile(action: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(action)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print("\n  cProfile of every question, by cumulative time:")
    print("\n".join("    " + line for line in out.getvalue().splitlines() if line.strip()))


def bench_batch(workdir: Path) -> None:
    """Section 3: one `reportqa ask --json --docs DIR -` with 40 questions on stdin."""
    asked = batch_questions()
    print(
        f"\n3. Batch: `reportqa ask --json --docs DIR -`, {len(asked)} questions, bundled report"
    )
    docs = workdir / "bundled"
    docs.mkdir()
    shutil.copy2(TEMPLATE, docs / TEMPLATE.name)
    command = [*reportqa_command(), "ask", "--json", "--docs", str(docs), "-"]
    stdin = "".join(f"{q}\n" for q in asked)
    data_dir = workdir / "data-batch"
    for label in ("cold cache", "warm cache"):
        seconds, output = _run(command, data_dir, workdir, stdin)
        records = [json.loads(line) for line in output.splitlines() if line.strip()]
        found = sum(bool(r["found"]) for r in records)
        _row(
            f"one subprocess, {label}",
            f"{seconds:.2f} s wall, {len(records)} answers, {found} found",
        )


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's options; --quick shrinks the defaults for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, help="reports for the cache benchmark (100)")
    parser.add_argument("--passages", type=int, help="passages for the latency one (50000)")
    parser.add_argument("--questions", type=int, help="questions to time (200)")
    parser.add_argument("--check-passages", type=int, help="passages for the BM25 check (2000)")
    parser.add_argument("--seed", type=int, default=2021, help="seed of every generator")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of answers")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three benchmarks and print their figures."""
    args = build_parser().parse_args(argv)
    quick = args.quick
    reports = args.reports or (10 if quick else 100)
    passages = args.passages or (5_000 if quick else 50_000)
    question_count = args.questions or (50 if quick else 200)
    check_passages = args.check_passages or (500 if quick else 2_000)
    print(
        f"reportqa benchmark: seed {args.seed}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform(terse=True)}"
    )
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as temp:
        workdir = Path(temp)
        bench_index_cache(reports, args.seed, workdir)
        bench_queries(passages, question_count, args.seed, args.profile, check_passages)
        bench_batch(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
