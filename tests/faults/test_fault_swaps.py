"""50 clients asking at once while `current` is switched 100 times between three versions that differ.

The service (a real uvicorn server, checking `current` on every request) must answer every request (0 errors),
and every answer must come wholly from the one version it names: each citation's passage exists in that
version, belongs to the cited document, holds the quote, and the quote sits at its offsets in that version's
document text (version B changes a sentence of A; version C drops a document of B).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import httpx
import pytest

from api_server import serve
from assistant.api.app import create_app
from assistant.api.services import Services
from corpus.ingest import ingest
from faultlib import REMOVED_DOCUMENT, copy_baseline, record, serving
from index.embedder import HashingEmbedder
from index.loaded import LoadedIndex
from index.store import IndexStore

CLIENTS = 50
SWAPS = 100
QUESTIONS = ("What is a private fostering arrangement?",
             "Which children need a referral to the Multi-Agency Safeguarding Hub?",
             "Who decides what happens after an allegation against a person who works with children?")


@pytest.fixture(autouse=True)
def _quiet_service_log(caplog):
    """The service logs every reopen (hundreds here); keep a failure's log to warnings."""
    caplog.set_level("WARNING", logger="lscb.service")


def _versions(settings) -> list[str]:
    """Three versions with different content: A serving, B with one sentence changed, C without one document."""
    store = IndexStore(settings.index_root)
    a = serving(store).version
    policy = settings.corpus_dir / "policy.md"
    policy.write_text(policy.read_text().replace("28 days or more", "42 days or more"))
    b = ingest(settings, HashingEmbedder(), switch=False).manifest.version
    (settings.corpus_dir / REMOVED_DOCUMENT).unlink()
    c = ingest(settings, HashingEmbedder(), switch=False).manifest.version
    return [a, b, c]


def _mixed(answer: dict, index: LoadedIndex) -> list[str]:
    """Ways in which `answer` does not come wholly from `index` (empty: it does)."""
    problems = []
    for c in answer["citations"]:
        row = index.row_of.get(c["passage_id"])
        document = index.documents.get(c["document_id"])
        if row is None or document is None:
            problems.append(f"{c['passage_id']} / {c['document_id']} not in {index.version}")
            continue
        passage = index.passages[row]
        if passage.document_id != c["document_id"] or document.text[c["start"]:c["end"]] != c["quote"]:
            problems.append(f"quote {c['quote'][:40]!r} not at {c['start']}:{c['end']} of {index.version}")
        if c["quote"] not in passage.text and c["quote"] not in document.text:
            problems.append(f"quote {c['quote'][:40]!r} not in passage {c['passage_id']}")
    return problems


def test_concurrent_questions_across_index_swaps(tmp_path, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, tmp_path, max_inflight_asks=CLIENTS)  # all 50 admitted at once
    store = IndexStore(settings.index_root)
    versions = _versions(settings)
    indexes = {v: LoadedIndex(store.version_dir(v)) for v in versions}
    services = Services(settings, HashingEmbedder(), check_every_s=0.0)
    swapped = threading.Event()
    results: list[tuple[int, dict | str]] = []
    lock = threading.Lock()
    switches: list[str] = []

    def swapper() -> None:
        for version in itertools.islice(itertools.cycle(versions[1:] + versions[:1]), SWAPS):
            store.switch(version)
            switches.append(version)
            time.sleep(0.002)
        swapped.set()

    def client(base: str, n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            for i in itertools.count():
                if swapped.is_set() and i > 0:
                    return
                try:
                    response = http.post("/api/ask", json={"question": QUESTIONS[(n + i) % len(QUESTIONS)]})
                    item = (response.status_code, response.json() if response.status_code == 200 else response.text)
                except httpx.HTTPError as exc:
                    item = (0, f"{type(exc).__name__}: {exc}")
                with lock:
                    results.append(item)

    with serve(create_app(settings, services)) as base:
        threads = [threading.Thread(target=client, args=(base, n)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        swap = threading.Thread(target=swapper)
        started = time.monotonic()
        swap.start()
        swap.join(300)
        for t in threads:
            t.join(300)
        seconds = time.monotonic() - started
    errors = [r for r in results if r[0] != 200]
    answers = [r[1] for r in results if r[0] == 200]
    assert len(switches) == SWAPS and len(results) >= CLIENTS
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:3]}"
    tags = Counter(a["corpus_version"] for a in answers)
    assert set(tags) <= set(versions), f"answers tagged with unknown versions: {set(tags) - set(versions)}"
    mixed = [(a["corpus_version"], p) for a in answers for p in _mixed(a, indexes[a["corpus_version"]])]
    assert mixed == [], mixed[:5]
    assert len(tags) == 3, f"the swaps were not seen: {tags}"
    fostering = Counter((a["corpus_version"] == versions[0], "28 days" in a["answer"]) for a in answers
                        if "days or more" in a["answer"])
    assert fostering[(True, False)] == 0, "an answer tagged A quotes B's changed sentence"
    assert fostering[(False, True)] == 0, "an answer tagged B or C quotes A's sentence"
    assert fostering[(True, True)] and fostering[(False, False)], f"the changed sentence was never asked: {fostering}"
    record(request, f"{CLIENTS} concurrent questions across {SWAPS} index swaps (3 versions)",
           f"{len(answers)} answers in {seconds:.1f} s, 0 errors; each tagged with one version "
           f"({', '.join(str(n) for n in tags.values())} per version) and every citation found at its offsets in "
           "that version", "nothing")
