"""Shared fixtures: the tokenizer, the bundled report parsed, and engines built once a session.

Building an engine loads jieba and parses every report, so engines are session-scoped and
tests must not change them (ask questions only; no reload or ingest).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from answers.engine import Engine
from config import BUNDLED_DOCS_DIR, Settings
from retrieval.model import Document
from retrieval.readers import read_document
from retrieval.structure import build_document
from retrieval.tokenize import JiebaTokenizer
from tests.fakes import FakeBotApi
from tests.report_fixtures import ReportText, load_report, write_report_files

BUNDLED_REPORT = BUNDLED_DOCS_DIR / "qingliu-2020-fazhi-report.txt"

# A fictional second county's report in the bundled report's layout, with its own figures,
# for questions that must pick a county or admit that both counties answer them.
SECOND_COUNTY_REPORT_NAME = "meilin-2020-fazhi-report.txt"
SECOND_COUNTY_REPORT = """\
• 索 引 号: ML05200-0100-2021-00003
• 备注/文号: 梅政文〔2021〕3号
• 发布机构: 梅林县人民政府
• 公文生成日期: 2021-02-08
梅林县2020年法治政府建设情况报告
梅政文〔2021〕3号

2020年主要工作

2020年,梅林县坚持以习近平新时代中国特色社会主义思想为指导,全面推进依法行政,法治政府建设取得新成效。

一、加强党对法治政府建设的领导

(一)压实第一责任人职责。县政府主要负责人带头履行推进法治建设第一责任人职责,全年召开县政府常务会议专题研究法治政府建设4次。

(二)落实领导干部学法制度。县政府常务会议会前学法11次,组织领导干部旁听庭审1次。

二、深化“放管服”改革,优化营商环境

(一)推进权责清单管理。完成县直部门权责清单调整工作,调整后公布的县直部门权责清单事项共3920项。

(二)抓好12345便民服务工作。全年共收到2846件群众诉求,按时办结率为100%,群众满意率98.60%。

(三)压缩企业开办时间。城区企业开办时间压缩至1个工作日,不动产一般登记发证平均用时2.5天。

三、化解社会矛盾纠纷

(一)做好矛盾纠纷排查化解工作。全县共排查调处各类矛盾纠纷512件,调解成功率为98.4%。县级调解中心面积达180平方米,中心现有驻会调解员6人。

(二)加强普法宣传教育。开展民法典宣讲35场次,发放宣传品8000余份。

在看到成绩的同时,我县法治政府建设还存在一些短板和不足,执法队伍专业化水平有待提高。

2021年工作思路

2021年,梅林县将继续深化法治政府建设,推进严格规范公正文明执法。

梅林县人民政府
2021年2月8日
"""

EngineFactory = Callable[[Path], Engine]


# --- text processing -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tokenizer() -> JiebaTokenizer:
    """The default tokenizer with the bundled user dictionary, question words and synonyms."""
    return JiebaTokenizer()


@pytest.fixture(scope="session")
def bundled_document() -> Document:
    """The bundled Qingliu report, read and parsed into passages."""
    return build_document(read_document(BUNDLED_REPORT))


# --- engines ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def make_engine(tmp_path_factory: pytest.TempPathFactory) -> EngineFactory:
    """Build an engine over a documents folder, with a fresh data folder for its cache."""

    def build(docs_dir: Path) -> Engine:
        data_dir = tmp_path_factory.mktemp("data")
        # No .env: a developer's settings must not change what the tests see.
        settings = Settings(docs_dir=docs_dir, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
        return Engine.from_settings(settings)

    return build


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory, make_engine: EngineFactory) -> Engine:
    """An engine over a copy of the bundled reports folder."""
    docs_dir = tmp_path_factory.mktemp("bundled") / "reports"
    shutil.copytree(BUNDLED_DOCS_DIR, docs_dir)
    return make_engine(docs_dir)


@pytest.fixture(scope="session")
def two_county_engine(
    tmp_path_factory: pytest.TempPathFactory, make_engine: EngineFactory
) -> Engine:
    """An engine over the bundled Qingliu report and the fictional Meilin report."""
    docs_dir = tmp_path_factory.mktemp("two-counties")
    shutil.copy(BUNDLED_REPORT, docs_dir)
    (docs_dir / SECOND_COUNTY_REPORT_NAME).write_text(SECOND_COUNTY_REPORT, encoding="utf-8")
    return make_engine(docs_dir)


@pytest.fixture(scope="session")
def report() -> ReportText:
    """The shortened bundled report every fixture file is written from."""
    return load_report()


@pytest.fixture(scope="session")
def report_files(tmp_path_factory: pytest.TempPathFactory, report: ReportText) -> dict[str, Path]:
    """The report in every format (tests/report_fixtures.py), written once for the session."""
    return write_report_files(tmp_path_factory.mktemp("formats"), report)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """A fake Bot API serving on a free port of 127.0.0.1."""
    with FakeBotApi().running() as api:
        yield api
