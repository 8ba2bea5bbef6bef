"""Disk full during a refresh: injected at each writer (with the error that writer raises on a full disk, its file
left half-written), and for real on a small tmpfs when the suite runs as root.

The refresh fails; the previous version keeps serving; no staging folder or half-written version is left; the lock
is free; and once there is space again the next refresh builds exactly what an uninterrupted one builds.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from assistant.admin.refresh import RefreshRunner
from corpus.ingest import ingest
from faultlib import (Baselines, apply_scenario, clean_failure, copy_baseline, lock_free, lost, record, run_cli,
                      serving, staging_left, switchable_broken)
from index.embedder import HashingEmbedder
from index.loaded import LoadedIndex
from index.store import IndexStore
from kill_at import BY_NAME, firing, install

WRITERS = ("corpus-db-half-written", "indicators-torn", "vectors-npy-torn", "dense-faiss-torn", "units-faiss-torn",
           "bm25-torn", "manifest-torn", "switch-link")


def _full_disk_refresh(name: str, tmp_path: Path, factory, monkeypatch):
    settings = copy_baseline(factory, tmp_path)
    apply_scenario(settings.corpus_dir, "removed")
    with monkeypatch.context() as patch:
        install(BY_NAME[name], firing("enospc", tmp_path), patch.setattr)
        result = run_cli(settings, "ingest")
    assert (tmp_path / "reached").exists(), f"the refresh never reached {name}: {result.output}"
    return settings, result


@pytest.mark.parametrize("name", WRITERS)
def test_disk_full_fails_the_refresh_and_the_old_index_serves(name, tmp_path, tmp_path_factory, monkeypatch,
                                                              request):
    before = serving(IndexStore(copy_baseline(tmp_path_factory, tmp_path / "before").index_root))
    settings, result = _full_disk_refresh(name, tmp_path, tmp_path_factory, monkeypatch)
    store = IndexStore(settings.index_root)
    assert result.exit_code != 0
    assert serving(store) == before
    assert staging_left(store) == [], "the failed build left its staging folder"
    assert switchable_broken(store) == []
    assert lock_free(store)

    assert ingest(settings, HashingEmbedder()).switched
    missing = lost(Baselines.reference(tmp_path_factory, "removed"), serving(store))
    assert missing == []
    shown = "a clean `error:` message" if clean_failure(result) else \
        f"a traceback ({type(result.exception).__name__}: {str(result.exception)[:60]}…)"
    record(request, f"disk full: {BY_NAME[name].doing}",
           f"`lscb ingest` exited {result.exit_code} with {shown}; previous version kept serving; staging removed; "
           "next refresh succeeded", missing)


@pytest.mark.parametrize("name", ["vectors-npy-torn", "corpus-db-half-written", "dense-faiss-torn", "switch-link"])
def test_disk_full_is_reported_cleanly_by_the_cli(name, tmp_path, tmp_path_factory, monkeypatch, request):
    record(request, f"disk full, CLI message: {BY_NAME[name].doing}",
           "`lscb ingest` ends with an `error:` line saying to free disk space (it used to be a traceback: fixed)",
           "nothing")
    _, result = _full_disk_refresh(name, tmp_path, tmp_path_factory, monkeypatch)
    assert clean_failure(result), f"{type(result.exception).__name__}: {result.exception}"
    assert "space" in result.output.lower() or "disk is full" in result.output.lower()


def test_admin_refresh_on_a_full_disk_fails_on_the_page(tmp_path, tmp_path_factory, monkeypatch, request):
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    runner = RefreshRunner(settings, HashingEmbedder(), store, lambda v: LoadedIndex(store.version_dir(v)),
                           gold_dir=None)
    with monkeypatch.context() as patch:
        install(BY_NAME["vectors-npy-torn"], firing("enospc", tmp_path), patch.setattr)
        runner.start()
        runner.join(120)
    failed = runner.status()
    assert failed.state == "failed" and "No space left on device" in (failed.error or "")
    assert serving(store) == before and staging_left(store) == [] and lock_free(store)

    runner.start()
    runner.join(120)
    assert runner.status().state == "ready"
    published = runner.publish()
    after = serving(store)
    assert after.version == published.candidate_version
    missing = lost(Baselines.reference(tmp_path_factory, "removed"), after)
    assert missing == []
    record(request, "disk full during an admin refresh",
           f"the page showed `failed`: {failed.error[:70]}…; previous version kept serving; the next refresh "
           "was built and published", missing)


# A real full disk: a tmpfs holding the baseline, shrunk to leave a little headroom.

def _mount(target: Path, size_kb: int, remount: bool = False) -> bool:
    options = f"remount,size={size_kb}k" if remount else f"size={size_kb}k"
    args = ["mount", "-o", options, str(target)] if remount else ["mount", "-t", "tmpfs", "-o", options, "tmpfs",
                                                                   str(target)]
    return subprocess.run(args, capture_output=True).returncode == 0


def _used_kb(target: Path) -> int:
    stat = os.statvfs(target)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize // 1024


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted at tmp_path/disk (root only; skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not _mount(disk, 8192):
        pytest.skip("mounting a tmpfs needs root (the injected disk-full tests cover this elsewhere)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


@pytest.mark.parametrize("headroom_kb", [8, 40, 100])
def test_real_full_disk_fails_cleanly_and_old_index_survives(headroom_kb, small_disk, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, small_disk)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    used = _used_kb(small_disk)
    assert _mount(small_disk, used + headroom_kb, remount=True)

    result = run_cli(settings, "ingest")
    assert result.exit_code != 0, "the refresh fitted: the headroom is too large for this test"
    assert serving(store) == before
    assert staging_left(store) == [] and _used_kb(small_disk) <= used + 4, "the failed build did not free its space"
    assert switchable_broken(store) == [] and lock_free(store)

    assert _mount(small_disk, 8192, remount=True)
    assert ingest(settings, HashingEmbedder()).switched
    missing = lost(Baselines.reference(tmp_path_factory, "removed"), serving(store))
    assert missing == []
    error = result.exception if not isinstance(result.exception, SystemExit) else result.output.strip()
    shown = "a clean `error:` message" if clean_failure(result) else f"a traceback ({type(error).__name__}: {error})"
    record(request, f"real disk full (tmpfs, {headroom_kb} KB free)",
           f"`lscb ingest` exited {result.exit_code} with {shown[:110]}; previous version kept serving; space "
           "given back; after enlarging the disk the next refresh succeeded", missing)
