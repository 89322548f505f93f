"""The `reportqa` command line: ask, index, facts and serve.

Errors a user can fix (a missing folder, a bad setting) print one line and exit with
status 2; nothing here prints a traceback for them.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from config import BadSetting, MissingSetting, Settings, redaction

if TYPE_CHECKING:
    from answers.engine import Engine
    from retrieval.model import DocumentMeta

logger = logging.getLogger(__name__)

# What `serve` runs: the bot, given by the launcher so that this module never imports it.
RunBot = Callable[[Settings, str | None], None]


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _settings(docs: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "REPORTQA_" + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise UsageError(f"invalid setting {name}: {message}") from error
    if docs is not None:
        settings = settings.model_copy(update={"docs_dir": docs})
    return settings


def _engine(settings: Settings) -> Engine:
    # Imported here so `reportqa --help` and setting errors stay instant.
    from answers.engine import Engine
    from retrieval.errors import DocsFolderError

    try:
        return Engine.from_settings(settings)
    except DocsFolderError as error:
        raise UsageError(str(error)) from error


def _questions(source: TextIO) -> Iterable[str]:
    for line in source:
        question = line.strip()
        if question:
            yield question


def ask(args: argparse.Namespace) -> int:
    """Answer questions for a person, or as JSON (one object per line in batch mode)."""
    from answers.render import answer_to_json, answer_to_text

    settings = _settings(args.docs)
    if args.top_k:
        settings = settings.model_copy(update={"top_k": args.top_k})
    engine = _engine(settings)
    batch = args.question == ["-"]
    questions = _questions(sys.stdin) if batch else [" ".join(args.question)]
    bold = sys.stdout.isatty()
    documents = {info.meta.doc_id: info.meta for info in engine.documents()}
    for question in questions:
        answer = engine.ask(question)
        if args.json:
            record = answer_to_json(answer, documents)
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(answer_to_text(answer, bold=bold), flush=True)
    return 0


def index(args: argparse.Namespace) -> int:
    """Build and validate the index of a folder, a line per document and per bad file."""
    import time

    from tqdm import tqdm

    from retrieval.cache import DocumentCache
    from retrieval.errors import DocsFolderError
    from retrieval.facts import extract_facts
    from retrieval.isolation import isolated_reader
    from retrieval.library import Duplicate, Failure, LoadedFile, document_files, iter_load
    from retrieval.tokenize import JiebaTokenizer

    settings = _settings(args.docs)
    started = time.perf_counter()
    try:
        total = len(document_files(settings.docs_dir))
        outcomes = iter_load(
            settings.docs_dir,
            JiebaTokenizer(),
            extract_facts,
            DocumentCache(settings.data_dir),
            isolated_reader(),
        )
        loaded = failed = 0
        # The bar shows only when the folder takes more than a moment.
        with tqdm(
            total=total,
            delay=1.0,
            unit="file",
            file=sys.stderr,
            leave=False,
            disable=not sys.stderr.isatty(),
        ) as bar:
            for outcome in outcomes:
                bar.update(1)
                if isinstance(outcome, LoadedFile):
                    loaded += 1
                    meta = outcome.entry.document.meta
                    source = "cache" if outcome.cached else "parsed"
                    bar.write(
                        f"ok      {outcome.path.name}: {describe(meta)} "
                        f"({len(outcome.entry.document.passages)} passages, "
                        f"{outcome.seconds * 1000:.0f} ms, {source})"
                    )
                elif isinstance(outcome, Failure):
                    failed += 1
                    bar.write(f"failed  {outcome.source}: {outcome.reason}")
                elif isinstance(outcome, Duplicate):
                    bar.write(f"skipped {outcome.source}: same report as {outcome.same_as}")
    except DocsFolderError as error:
        raise UsageError(str(error)) from error
    seconds = time.perf_counter() - started
    print(f"{loaded} documents loaded, {failed} failed, in {seconds:.2f} s")
    if loaded == 0:
        return 2
    return 1 if failed else 0


def describe(meta: DocumentMeta) -> str:
    """One line on a document: title, kind, 文号, publisher and date, as `index` lists them."""
    kind = {"fazhi": "fazhi report", "xxgk": "information disclosure report"}.get(
        meta.kind, "kind unknown"
    )
    title = meta.title
    if meta.title_from == "name":
        title += " (no title found: named after the file)"
    elif meta.title_from == "file":
        title += " (title from the file's own title fields)"
    fields = [
        title,
        kind,
        f"文号 {meta.doc_number}" if meta.doc_number else "no 文号",
        meta.publisher or "no publisher",
        meta.date or "no date",
    ]
    return " · ".join(fields)


def facts(args: argparse.Namespace) -> int:
    """List the facts of the documents, or audit how every numeral run was classified."""
    from answers.fact_table import facts_to_csv, facts_to_jsonl, facts_to_text_table

    engine = _engine(_settings(args.docs))
    if args.audit:
        return _audit(engine)
    found = engine.facts(args.keyword or "")
    titles = {info.meta.doc_id: info.meta.title for info in engine.documents()}
    if args.csv:
        # The byte order mark makes spreadsheets read the file as UTF-8.
        sys.stdout.buffer.write(facts_to_csv(found, titles).encode("utf-8"))
    elif args.json:
        sys.stdout.write(facts_to_jsonl(found, titles))
    else:
        print(facts_to_text_table(found))
        print(f"{len(found)} facts")
    return 0


def _audit(engine: Engine) -> int:
    """Print every digit or Chinese-numeral run with the fact or non-fact class it became."""
    from collections import Counter

    from retrieval.facts import classify_runs

    counts: Counter[str] = Counter()
    for info in engine.documents():
        document = engine.snapshot.index.document(info.meta.doc_id)
        print(f"# {info.meta.title} ({info.meta.source})")
        for passage in document.passages:
            for run in classify_runs(passage):
                counts[run.category] += 1
                what = f"{run.fact.raw} [{run.fact.kind}] {run.fact.label}" if run.fact else ""
                print(f"{passage.paragraph:>4}  {run.text:<12} {run.category:<14} {what}")
    summary = ", ".join(f"{category} {count}" for category, count in sorted(counts.items()))
    print(f"{sum(counts.values())} runs: {summary}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Run the Telegram bot with long polling, or behind a webhook."""
    from retrieval.errors import DocsFolderError

    run_bot: RunBot | None = args.run_bot
    if run_bot is None:
        raise UsageError("this entry point has no bot: run `reportqa serve`")
    settings = _settings(args.docs)
    level = logging.getLevelNamesMapping()[settings.log_level]
    logging.getLogger().setLevel(min(level, logging.INFO) if args.verbose else level)
    try:
        run_bot(settings, args.webhook_url)
    except (MissingSetting, BadSetting, DocsFolderError) as error:
        raise UsageError(str(error)) from error
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="reportqa",
        description="Answer questions about Chinese government reports, with citations.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True)

    docs_help = "documents folder (default: REPORTQA_DOCS_DIR, else the bundled report)"
    ask_parser = commands.add_parser("ask", help="answer a question")
    ask_parser.add_argument("question", nargs="+", help='the question, or "-" to read stdin')
    ask_parser.add_argument("--json", action="store_true", help="print JSON")
    ask_parser.add_argument("--docs", type=Path, help=docs_help)
    ask_parser.add_argument(
        "--top-k", type=int, choices=range(1, 11), metavar="1-10", help="answers (default 3)"
    )
    ask_parser.set_defaults(handler=ask)

    index_parser = commands.add_parser("index", help="build and check the index of a folder")
    index_parser.add_argument("--docs", type=Path, help=docs_help)
    index_parser.set_defaults(handler=index)

    facts_parser = commands.add_parser("facts", help="list the figures of the documents")
    facts_parser.add_argument("keyword", nargs="?", help="a word or figure to look for")
    facts_parser.add_argument("--docs", type=Path, help=docs_help)
    formats = facts_parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print JSON Lines")
    formats.add_argument("--csv", action="store_true", help="print CSV (UTF-8 with BOM)")
    formats.add_argument(
        "--audit", action="store_true", help="show how every numeral run was classified"
    )
    facts_parser.set_defaults(handler=facts)

    serve_parser = commands.add_parser("serve", help="run the Telegram bot")
    serve_parser.add_argument("--docs", type=Path, help=docs_help)
    serve_parser.add_argument("--webhook-url", help="public URL of a webhook (else polling)")
    serve_parser.set_defaults(handler=serve)
    return parser


def main(argv: Sequence[str] | None = None, run_bot: RunBot | None = None) -> int:
    """The command line; `run_bot` is what `serve` runs (the launcher passes the bot's)."""
    args = build_parser().parse_args(argv)
    args.run_bot = run_bot
    # Bad files are reported by the commands themselves; library warnings would repeat
    # them ahead of the one error line.
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.command == "serve" else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Before any setting is read: the token and webhook secret never reach the console.
    redaction.install()
    try:
        return int(args.handler(args))
    except UsageError as error:
        print(redaction.redact(f"error: {error}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    from launcher import main as launch

    sys.exit(launch())
