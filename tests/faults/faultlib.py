"""Shared by the fault tests: a tiny corpus, a baseline index copied into each test, and the checks after a fault.

The baseline (three documents, three complete versions so that the next refresh also prunes one) is built once
per session, with one parse, and copied into each test's own folder. Every fault test ends by recording a row
(fault, what happened, what was lost) that `lscb bench faults` prints as its table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

FAULTS = Path(__file__).resolve().parent
TESTS = FAULTS.parent
if str(TESTS) not in sys.path:  # samples, api_server: run alone (`pytest tests/faults`) or from the bench
    sys.path.insert(0, str(TESTS))

from assistant.cli import main as lscb  # noqa: E402
from assistant.config import Settings  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from index.embedder import HashingEmbedder  # noqa: E402
from index.loaded import LoadedIndex  # noqa: E402
from index.retriever import HybridRetriever  # noqa: E402
from index.store import IndexStore, StoreError  # noqa: E402
from samples import POLICY, THRESHOLDS  # noqa: E402

KILL_AT = FAULTS / "kill_at.py"
ADMIN_TOKEN = "fault-injection-admin-token-0123456789"
FULL_RUN_FLAG = "lscb_faults_full"  # an attribute of the plugin `lscb bench faults` registers

LADO = """# Allegations against people who work with children

## The LADO

An allegation that a person who works with children has harmed a child, or may have, is referred to the Local
Authority Designated Officer (LADO) within one working day. The LADO decides with the employer and the police
what happens next.
"""


def _long_protocol(title: str, subject: str) -> str:
    """A document long enough to need several embedding batches (passages plus their sentence units)."""
    sentences = [f"Rule {i} of the {subject} protocol: volunteer number {i} checks the register at gate {i} and "
                 f"reports any concern about a child to the named safeguarding lead before the end of shift {i}."
                 for i in range(1, 25)]
    duties, reporting = " ".join(sentences[:12]), " ".join(sentences[12:])
    return f"# {title}\n\n## Duties\n\n{duties}\n\n## Reporting\n\n{reporting}\n"


BASE_DOCUMENTS = {"policy.md": POLICY, "thresholds.md": THRESHOLDS, "lado.md": LADO}
ADDED_DOCUMENTS = {"kite-festival.md": _long_protocol("Kite festival protocol", "kite festival"),
                   "swimming-gala.md": _long_protocol("Swimming gala protocol", "swimming gala")}
REMOVED_DOCUMENT = "thresholds.md"


def fault_settings(root: Path, **overrides: object) -> Settings:
    """Settings on `root`/corpus and `root`/data with the hashing embedder (three versions kept, the default)."""
    options: dict[str, object] = {"embedder": "hashing", "parse_timeout_s": 60,
                                  "ask_rate_per_minute": 1_000_000, "abstain_min_strength": 0.3, **overrides}
    return Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data", **options)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for an `lscb` subprocess on these settings."""
    return {**os.environ, "LSCB_CORPUS_DIR": str(settings.corpus_dir), "LSCB_DATA_DIR": str(settings.data_dir),
            "LSCB_EMBEDDER": "hashing", "LSCB_KEEP_VERSIONS": str(settings.keep_versions),
            "LSCB_PARSE_TIMEOUT_S": str(int(settings.parse_timeout_s)),
            "LSCB_ASK_RATE_PER_MINUTE": str(settings.ask_rate_per_minute),
            "LSCB_ABSTAIN_MIN_STRENGTH": str(settings.abstain_min_strength), **extra}


def run_cli(settings: Settings, *args: str) -> Result:
    """`lscb --corpus-dir … --data-dir … ARGS` in-process, exceptions caught (a traceback is a finding)."""
    env = {"LSCB_EMBEDDER": "hashing", "LSCB_KEEP_VERSIONS": str(settings.keep_versions),
           "LSCB_PARSE_TIMEOUT_S": str(int(settings.parse_timeout_s))}
    return CliRunner().invoke(lscb, ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir),
                                     *args], env=env)


def clean_failure(result: Result) -> bool:
    """The CLI stopped with its own `error:` message and exit code, not an exception's traceback."""
    return isinstance(result.exception, SystemExit) and result.exit_code != 0 and "error:" in result.output


def apply_scenario(corpus_dir: Path, scenario: str) -> None:
    """Change the corpus as the refresh under test sees it: `added` two documents (it parses and embeds) or
    `removed` one (it only writes)."""
    if scenario == "added":
        for name, text in ADDED_DOCUMENTS.items():
            (corpus_dir / name).write_text(text, encoding="utf-8")
    elif scenario == "removed":
        (corpus_dir / REMOVED_DOCUMENT).unlink()
    else:
        raise ValueError(f"unknown scenario {scenario!r}: choose 'added' or 'removed'")


@dataclass(frozen=True)
class Serving:
    """What a version holds, as far as losing anything is concerned."""

    version: str
    corpus_version: str
    documents: frozenset[str]
    passages: int


def serving(store: IndexStore) -> Serving:
    """The serving version, checked as a service would use it: checksums, it opens, and a search finds a passage."""
    version = store.current_version()
    if version is None:
        raise AssertionError(f"nothing is serving in {store.root}")
    store.verify(version)
    index = LoadedIndex(store.version_dir(version))
    retriever = HybridRetriever(index, HashingEmbedder())
    retriever.warm_up()
    hits = retriever.search("private fostering arrangement", k=3)
    if not hits or hits[0].passage.document_id != "policy":
        raise AssertionError(f"version {version} opens but a search for private fostering finds {hits[:1]}")
    m = index.manifest
    return Serving(m.version, m.corpus_version, frozenset(index.documents), m.passage_count)


def lost(expected: Serving, actual: Serving) -> list[str]:
    """What `actual` lacks compared with a clean build of the same corpus (empty: nothing lost)."""
    missing = [f"document {d}" for d in sorted(expected.documents - actual.documents)]
    if actual.passages != expected.passages:
        missing.append(f"{expected.passages - actual.passages} passages")
    if actual.corpus_version != expected.corpus_version:
        missing.append(f"corpus {actual.corpus_version} instead of {expected.corpus_version}")
    return missing


def switchable_broken(store: IndexStore) -> list[str]:
    """Versions on disk that pass their checksums (so `switch` accepts them) yet cannot be opened."""
    broken = []
    for version in store.versions():
        try:
            store.verify(version)
        except StoreError:
            continue  # refused by switch: harmless
        try:
            LoadedIndex(store.version_dir(version))
        except StoreError:
            broken.append(version)
    return broken


def lock_free(store: IndexStore) -> bool:
    try:
        with store.lock():
            return True
    except StoreError:
        return False


def staging_left(store: IndexStore) -> list[str]:
    return sorted(p.name for p in store.versions_dir.glob(".tmp-*"))


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def workers_outliving(trace: Path, timeout_s: float = 15.0) -> list[int]:
    """Parse workers of a killed refresh still running after `timeout_s`."""
    path = trace / "workers"
    pids = [int(line) for line in path.read_text().split()] if path.exists() else []
    deadline = time.monotonic() + timeout_s
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def start_kill_at(settings: Settings, point: str, action: str, trace: Path, *args: str) -> subprocess.Popen:
    """Start `lscb` (default `ingest --json`) in a subprocess with the fault `action` injected at `point`."""
    return subprocess.Popen([sys.executable, str(KILL_AT), point, action, str(trace), *args],
                            env=cli_env(settings), cwd=settings.data_dir.parent, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def kill_at(settings: Settings, point: str, action: str, trace: Path, *args: str) -> subprocess.CompletedProcess:
    """`start_kill_at` and wait for it."""
    proc = start_kill_at(settings, point, action, trace, *args)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run_lscb(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """`lscb ARGS` as its own process (what an operator runs in another terminal)."""
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=cli_env(settings),
                          cwd=settings.data_dir.parent, capture_output=True, text=True, timeout=300)


def wait_for(predicate, timeout_s: float = 60.0, every_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every_s)
    return False


class Baselines:
    """The pristine baseline and the clean reference builds, made once per session and copied from."""

    _root: Path | None = None
    _references: dict[str, Serving] = {}

    @classmethod
    def root(cls, factory: pytest.TempPathFactory) -> Path:
        if cls._root is None:
            root = factory.mktemp("fault-baseline")
            settings = fault_settings(root)
            settings.corpus_dir.mkdir(parents=True)
            for name, text in BASE_DOCUMENTS.items():
                (settings.corpus_dir / name).write_text(text, encoding="utf-8")
            for _ in range(settings.keep_versions):  # later ones reuse every passage; the next refresh prunes
                assert ingest(settings, HashingEmbedder()).usable
            cls._root = root
        return cls._root

    @classmethod
    def reference(cls, factory: pytest.TempPathFactory, scenario: str) -> Serving:
        """A clean, uninterrupted refresh of the baseline with `scenario` applied: what nothing lost looks like."""
        if scenario not in cls._references:
            settings = copy_baseline(factory, factory.mktemp(f"reference-{scenario}"))
            apply_scenario(settings.corpus_dir, scenario)
            assert ingest(settings, HashingEmbedder()).usable
            cls._references[scenario] = serving(IndexStore(settings.index_root))
        return cls._references[scenario]


def copy_baseline(factory: pytest.TempPathFactory, into: Path, **overrides: object) -> Settings:
    """A private copy of the baseline corpus and index under `into`."""
    source = Baselines.root(factory)
    for part in ("corpus", "data"):
        shutil.copytree(source / part, into / part, symlinks=True)
    return fault_settings(into, **overrides)


def full_run(config: pytest.Config) -> bool:
    """True under `lscb bench faults`, which runs every fault at full size; `make test` runs the quick part."""
    return any(getattr(plugin, FULL_RUN_FLAG, False) for plugin in config.pluginmanager.get_plugins())


def record(request: pytest.FixtureRequest, fault: str, happened: str, lost_items: list[str] | str) -> None:
    """A row of the fault table (`lscb bench faults`): the fault, what happened, what was lost."""
    text = lost_items if isinstance(lost_items, str) else ("nothing" if not lost_items else "; ".join(lost_items))
    request.node.user_properties.append(("fault", {"fault": fault, "happened": happened, "lost": text}))
