"""SIGKILL a refresh at 27 points, from taking the lock to pruning old versions.

After each kill: the version that served before keeps serving (or, once `current` was swapped, the complete new
one): it passes its checksums, opens and answers a search; no version on disk passes its checksums yet fails to
open; the build lock is free; no parse worker outlives the build. The next refresh then succeeds, clears what the
kill left behind, keeps the version that served before (the rollback target), and builds exactly what an
uninterrupted refresh of the same corpus builds. `make test` runs six points; `lscb bench faults` runs all 27.
"""

from __future__ import annotations

import signal

import pytest

from corpus.ingest import ingest
from faultlib import (Baselines, apply_scenario, copy_baseline, full_run, kill_at, lock_free, lost, record, serving,
                      staging_left, switchable_broken, workers_outliving)
from index.embedder import HashingEmbedder
from index.store import IndexStore, StoreError
from kill_at import POINTS, Point

# Points after parsing need no parse worker (3 s to start): `make test` runs these; a parse-time kill is also
# covered there by tests/test_interrupted_build.py.
QUICK = frozenset({"corpus-db-half-written", "vectors-npy-torn", "after-rename", "switch-link-made",
                   "switched-not-fsynced", "prune-half-way"})


def _left_behind(store: IndexStore, served: set[str]) -> dict[str, str]:
    """What the kill left on disk besides complete versions that served, by folder name."""
    items = {name: f"staging folder {name}" for name in staging_left(store)}
    for version in store.versions():
        try:
            store.verify(version)
        except StoreError:
            items[version] = f"incomplete folder {version} (switch refuses it)"
            continue
        if version not in served:
            items[version] = f"unswitched complete version {version} (verifies and opens)"
    return items


def _cleared(store: IndexStore, left: dict[str, str]) -> str:
    if not left:
        return "nothing left behind; the next refresh built"
    kept = any((store.versions_dir / name).exists() for name in left)
    fate = "the next refresh kept it, for pruning in turn" if kept else "the next refresh removed it"
    return f"left behind: {', '.join(left.values())}; {fate} and built"


@pytest.mark.parametrize("point", [pytest.param(p, id=p.name, marks=() if p.name in QUICK else pytest.mark.slow)
                                   for p in POINTS])
def test_sigkill_during_refresh_loses_nothing(point: Point, tmp_path, tmp_path_factory, request):
    if point.name not in QUICK and not full_run(request.config):
        pytest.skip("`lscb bench faults` runs every kill point; make test runs six")
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    versions_before = set(store.versions())
    expected = Baselines.reference(tmp_path_factory, point.scenario)
    apply_scenario(settings.corpus_dir, point.scenario)

    trace = tmp_path / "trace"
    killed = kill_at(settings, point.name, "kill", trace)
    assert (trace / "reached").exists(), f"the refresh never reached {point.name}:\n{killed.stderr[-3000:]}"
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]

    now = serving(store)  # checksums pass, it opens, a search finds the passage
    if point.serves == "old":
        assert now == before, f"killed at {point.name}, yet {now.version} serves instead of {before.version}"
    else:
        assert now.version not in versions_before and lost(expected, now) == []
    assert switchable_broken(store) == [], "a version passes its checksums but cannot be opened"
    assert lock_free(store), "the killed build left the lock held"
    assert workers_outliving(trace) == [], "a parse worker outlived the killed build"
    left = _left_behind(store, versions_before | {now.version})

    report = ingest(settings, HashingEmbedder())
    after = serving(store)
    assert report.switched and after.version == report.manifest.version
    assert staging_left(store) == [], "the next refresh left the killed build's staging folder"
    assert before.version in store.versions(), f"the version that served before ({before.version}) was pruned"
    missing = lost(expected, after)
    assert missing == []

    kept = "the previous version" if point.serves == "old" else "the new, complete version"
    record(request, f"SIGKILL: {point.doing}",
           f"{kept} kept serving (checksums, open, search); lock free; {_cleared(store, left)} what a clean "
           "refresh builds", missing)


def test_versions_left_by_killed_builds_never_push_out_the_rollback_target(tmp_path, tmp_path_factory, request):
    record(request, "two refreshes SIGKILLed after their rename, then a good refresh",
           "prune keeps the version that served before, and `lscb index rollback` goes back to it (prune used to "
           "delete it: fixed)", "nothing")
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    for attempt in range(2):
        killed = kill_at(settings, "after-rename", "kill", tmp_path / f"trace-{attempt}")
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert serving(store) == before
    assert ingest(settings, HashingEmbedder()).switched
    assert before.version in store.versions(), f"the version that served before ({before.version}) was pruned"
    assert store.rollback() == before.version
