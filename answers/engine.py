"""The engine: the served index of a documents folder, questions, reloads and uploads.

A reload builds a new snapshot off the serving path and swaps it in with one reference
assignment, so questions asked meanwhile are answered from the previous snapshot, and a
failed build leaves the previous snapshot serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from answers.compose import Composer
from answers.examples import example_questions
from answers.followup import FollowUp, complete
from answers.model import Answer, AnswerRef, Citation, ShortAnswer
from answers.routing import Router
from config import Settings
from retrieval.cache import CachedDocument, DocumentCache, cache_key
from retrieval.errors import DocsFolderError
from retrieval.facts import extract_facts, sentence_of
from retrieval.index import Index
from retrieval.ingest import save_upload
from retrieval.isolation import isolated_reader
from retrieval.library import Analyser, FactExtractor, LoadResult, load_folder
from retrieval.model import Document, DocumentMeta, Fact
from retrieval.normalize import compact
from retrieval.tokenize import JiebaTokenizer, is_number

logger = logging.getLogger(__name__)

_ANSWERS_CACHED = 4096


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A served document and how many passages it has."""

    meta: DocumentMeta
    passages: int


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a reload changed, and each file that failed with its reason."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    updated: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]
    duplicates: tuple[tuple[str, str], ...]
    documents: int
    kept_previous: bool
    seconds: float


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Where an upload was saved, the document it holds, and the reload that followed."""

    saved_as: str
    document: DocumentMeta
    reload: ReloadReport


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent state: the load it came from, the index and the composer over it,
    and the answers already given from it (a reload starts a new snapshot, so a new cache).
    """

    load: LoadResult
    index: Index
    composer: Composer
    facts: tuple[tuple[Fact, ...], ...]
    answers: AnswerCache = field(default_factory=lambda: AnswerCache(_ANSWERS_CACHED))


class AnswerCache:
    """The most recent answers by question and top_k: citizens ask the same questions
    (the example buttons, the hotline, the 满意率) again and again."""

    def __init__(self, capacity: int) -> None:
        self._items: OrderedDict[tuple[str, int], Answer] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: tuple[str, int], answer: Answer) -> None:
        with self._lock:
            self._items[key] = answer
            if len(self._items) > self._capacity:
                self._items.popitem(last=False)


class Engine:
    """Answers questions over a documents folder and reloads it without downtime."""

    def __init__(
        self,
        settings: Settings,
        tokenizer: JiebaTokenizer | None = None,
        extract: FactExtractor = extract_facts,
        snapshot: Snapshot | None = None,
    ) -> None:
        self.settings = settings
        self.tokenizer = tokenizer or JiebaTokenizer()
        self.extract = extract
        self.cache = DocumentCache(settings.data_dir)
        # Files are read in a worker process with memory and time limits: a hostile
        # upload fails alone and never takes the served index down.
        self.analyser: Analyser = isolated_reader()
        self._reload_lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self._snapshot: Snapshot | None = snapshot
        self._examples: dict[int, tuple[str, ...]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        """An engine with the documents of `settings.docs_dir` loaded.

        Raises DocsFolderError when the folder is missing, unreadable or holds no report.
        """
        engine = cls(settings)
        engine._snapshot = engine._build()
        return engine

    @property
    def max_upload_bytes(self) -> int:
        """The largest document an administrator may upload."""
        return self.settings.max_upload_mb * 1024 * 1024

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot now served."""
        if self._snapshot is None:
            raise DocsFolderError("no documents are loaded")
        return self._snapshot

    @property
    def load_result(self) -> LoadResult:
        """What the served snapshot was built from, failures included."""
        return self.snapshot.load

    def _build(self) -> Snapshot:
        load = load_folder(
            self.settings.docs_dir, self.tokenizer, self.extract, self.cache, self.analyser
        )
        if not load.files:
            reasons = "; ".join(f"{f.source}: {f.reason}" for f in load.failures)
            raise DocsFolderError(
                f"no report could be loaded from {self.settings.docs_dir}"
                + (f" ({reasons})" if reasons else "")
            )
        documents = tuple(f.entry.document for f in load.files)
        terms = [t for f in load.files for t in f.entry.terms]
        offsets = [o for f in load.files for o in f.entry.offsets]
        facts = tuple(fs for f in load.files for fs in f.entry.facts)
        index = Index.build(documents, terms, offsets=offsets)
        router = Router.build([d.meta for d in documents], self.tokenizer)
        composer = Composer(index, self.tokenizer, facts, self.settings.min_confidence, router)
        return Snapshot(load=load, index=index, composer=composer, facts=facts)

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """Answer a question from the served snapshot, one step after the other.

        An answer already given from this snapshot is given again from its cache.
        """
        snapshot = self.snapshot  # one snapshot for the whole question
        key = (question, top_k or self.settings.top_k)
        cached = snapshot.answers.get(key)
        if cached is not None:
            return cached
        steps = snapshot.composer
        understood = steps.understand(question)
        scope = steps.route(understood)
        hits = steps.retrieve(understood, scope)
        choices = steps.compose(understood, hits)
        answer = steps.judge(understood, scope, choices, key[1])
        snapshot.answers.put(key, answer)
        return answer

    def reopen(self, ref: AnswerRef) -> ShortAnswer | None:
        """The short answer `ref` points at, from the served snapshot; None when its report
        is no longer loaded (removed, or replaced by another version)."""
        index = self.snapshot.index
        found = index.passage_at(ref.doc_id, ref.paragraph, ref.row_path)
        if found is None:
            return None
        meta = index.document(ref.doc_id).meta
        citation = Citation(meta, found.section_path, found.paragraph, ref.page)
        return ShortAnswer(ref.text, found, 0.0, citation, ref.figure, ref.figure_at)

    def cached(self, question: str, top_k: int | None = None) -> Answer | None:
        """The answer already given to `question` from the served snapshot, if any."""
        return self.snapshot.answers.get((question, top_k or self.settings.top_k))

    def follow_up(self, previous: str, message: str, year: str) -> FollowUp | None:
        """`message` completed from the chat's last question `previous` when it only changes
        its place, year or topic (那桐溪呢); `year` is the year of the report that answered."""
        places = self.snapshot.composer.router.places
        return complete(previous, message, year, places, self.tokenizer.noun_phrases)

    def documents(self) -> tuple[DocumentInfo, ...]:
        """The served documents with their passage counts."""
        return tuple(DocumentInfo(d.meta, len(d.passages)) for d in self.snapshot.index.documents)

    def example_questions(self, count: int = 3) -> tuple[str, ...]:
        """Questions the served reports answer, for users who do not know what to ask."""
        snapshot = self.snapshot
        cached = self._examples.get(id(snapshot))
        if cached is None or len(cached) < count:
            everything = (f for fs in snapshot.facts for f in fs)
            cached = example_questions(self.ask, everything, self.tokenizer.is_noun_phrase, count)
            self._examples = {id(snapshot): cached}
        return cached[:count]

    def facts(self, keyword: str = "") -> tuple[Fact, ...]:
        """Every fact of the served documents, or those whose figure, label or sentence
        holds `keyword` (compared after normalization, so full-width digits match too)."""
        everything = (f for fs in self.snapshot.facts for f in fs)
        needle = compact(keyword)
        if not needle:
            return tuple(everything)
        if is_number(needle):
            # A figure is looked up among figures, not in the sentences around them.
            return tuple(f for f in everything if needle in compact(f.raw))
        return tuple(
            f
            for f in everything
            if needle in compact(f.raw)
            or needle in compact(f.label)
            or needle in compact(sentence_of(f))
        )

    def reload(self) -> ReloadReport:
        """Rebuild from the documents folder and swap the new index in, or keep the old one."""
        started = time.perf_counter()
        with self._reload_lock:
            previous = self._snapshot
            try:
                fresh = self._build()
            except DocsFolderError as error:
                logger.error("reload failed, still serving the previous index: %s", error)
                return _report(previous, None, started, error)
            self._snapshot = fresh
        logger.info("reloaded %d documents", len(fresh.index.documents))
        return _report(previous, fresh, started, None)

    def ingest(self, filename: str, content: bytes) -> IngestReport:
        """Check, parse and save an uploaded file under the documents folder, then reload.

        Raises DocumentError (nothing saved) for a bad type, size or content.
        """
        analysed: dict[str, CachedDocument] = {}

        def parse(name: str, data: bytes) -> Document:
            # Read in the worker, as every file is; kept to spare the reload reading again.
            analysed[name] = self.analyser(name, data, self.tokenizer, self.extract)
            return analysed[name].document

        with self._ingest_lock:
            loaded = {f.entry.document.content_hash: f.path.name for f in self.snapshot.load.files}
            path, document = save_upload(
                self.settings.docs_dir,
                filename,
                content,
                self.max_upload_bytes,
                loaded,
                parse=parse,
            )
            entry = analysed.get(path.name)  # saved under the name it was read as
            if entry is not None:
                key = cache_key(content, path.name, self.tokenizer.fingerprint)
                self.cache.put(key, entry)
        return IngestReport(path.name, document.meta, self.reload())


def _by_source(snapshot: Snapshot | None) -> dict[str, str]:
    if snapshot is None:
        return {}
    return {f.path.name: f.entry.document.content_hash for f in snapshot.load.files}


def _report(
    previous: Snapshot | None,
    fresh: Snapshot | None,
    started: float,
    error: DocsFolderError | None,
) -> ReloadReport:
    before = _by_source(previous)
    served = fresh or previous
    failures: tuple[tuple[str, str], ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    if fresh is None:
        failures = (("", str(error)),)
        after = before
    else:
        after = _by_source(fresh)
        failures = tuple((f.source, f.reason) for f in fresh.load.failures)
        duplicates = tuple((d.source, d.same_as) for d in fresh.load.duplicates)
    return ReloadReport(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        updated=tuple(s for s in sorted(after.keys() & before.keys()) if after[s] != before[s]),
        failures=failures,
        duplicates=duplicates,
        documents=len(served.index.documents) if served else 0,
        kept_previous=fresh is None,
        seconds=time.perf_counter() - started,
    )
