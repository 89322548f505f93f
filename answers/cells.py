"""Which cell of a table row answers a question, and the sentence that shows it.

A table row's cells differ by their column: a year (`2021年`), a kind of applicant
(`自然人`, `商业企业`), the total (`总计`), a change (`增减`). The question's words pick the
column; a year it names picks that year's column, `现在`/`目前` or no year the latest one;
`一共` or no column word picks the total where the table has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from answers.intent import Intent
from retrieval.model import Fact
from retrieval.tables import is_total

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CHANGE = re.compile(r"增减|增长|增幅|降幅|同比|环比|变化|比上年|较上年|增加|减少|升降")
# Another cell shown beside the answer, for context: never more than this.
_CONTEXT_CELLS = 2


def column_years(fact: Fact) -> tuple[str, ...]:
    """The years a cell's column names."""
    return tuple(_YEAR.findall(fact.qualifier))


def is_change(fact: Fact) -> bool:
    """Whether a cell's column is a change (增减, 同比) rather than a level."""
    return bool(_CHANGE.search(fact.qualifier))


def choose_cell(
    facts: Sequence[Fact], intent: Intent, column_fit: Callable[[Fact], float]
) -> tuple[Fact | None, float]:
    """The cell of a row that fits the question best, and how well (0 to 1)."""
    latest = max((y for f in facts for y in column_years(f)), default="")
    named_by = {id(f): column_fit(f) for f in facts}
    most = max(named_by.values(), default=0.0)
    best: tuple[float, Fact | None] = (0.0, None)
    for fact in facts:
        fit = 0.3
        # The column the question names best; none named, the total (below).
        named = named_by[id(fact)] / most if most else 0.0
        fit += 0.6 * named
        years = column_years(fact)
        if intent.years:
            if years:
                fit += 0.6 if set(years) & set(intent.years) else -0.6
        elif years and years[-1] == latest and not intent.earlier:
            fit += 0.2  # 现在, or no year: the report's latest year
        elif years and intent.earlier and years[-1] != latest:
            fit += 0.2
        if is_total(_short_column(fact)):
            fit += 0.3 if intent.total or most == 0 else 0.0
        if is_change(fact) and not intent.change:
            fit -= 0.5
        if intent.unit_fits(fact.unit) is False:
            fit -= 0.8
        if fit > best[0]:
            best = (fit, fact)
    return best[1], min(best[0], 1.0)


def cell_sentence(chosen: Fact, facts: Sequence[Fact]) -> tuple[str, int]:
    """A table answer as a sentence, with where its figure starts in it.

    `企业开办平均用时：2021年 4小时（2020年 1.5个工作日）`, or
    `本年新收政府信息公开申请数量 · 总计：166件（自然人 147）`.
    """
    passage = chosen.passage
    label = " › ".join(passage.row_path) or (passage.section_path or ("",))[-1]
    column = " › ".join(chosen.qualifier.split(" ")) if chosen.qualifier else ""
    # The unit as the table's headers write it (万元), not as the value was scaled (元).
    written = next(
        (c.unit for c in passage.cells if c.start <= chosen.start < c.start + len(c.text)), ""
    )
    unit = written if written and not chosen.raw.endswith(written) else ""
    others = [f for f in facts if f is not chosen and f.qualifier != chosen.qualifier]
    if column_years(chosen):
        head = f"{label}：{column} " if column else f"{label}："
        context = [f for f in others if column_years(f) and not is_change(f)]
    else:
        head = f"{label} · {column}：" if column else f"{label}："
        totals = [f for f in others if is_total(_short_column(f))]
        context = totals or [f for f in others if not is_change(f)][:1]
    shown = "；".join(f"{_short_column(f)} {f.raw}" for f in context[:_CONTEXT_CELLS])
    text = f"{head}{chosen.raw}{unit}" + (f"（{shown}）" if shown else "")
    return text, len(head)


def _short_column(fact: Fact) -> str:
    """The last header of a cell's column (商业企业 of 法人或其他组织 商业企业)."""
    return fact.qualifier.split(" ")[-1] if fact.qualifier else ""
