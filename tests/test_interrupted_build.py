"""A build killed with SIGKILL, mid-parse or mid-write, leaves the previous version serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.loaded import LoadedIndex
from index.store import IndexStore

from samples import POLICY, THRESHOLDS


def run_ingest(settings, wait: bool = True) -> subprocess.Popen:
    env = {**os.environ, "LSCB_CORPUS_DIR": str(settings.corpus_dir), "LSCB_DATA_DIR": str(settings.data_dir),
           "LSCB_EMBEDDER": "hashing"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if wait:
        proc.wait(timeout=300)
    return proc


def wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("point", ["parsing", "staging"])
def test_killed_build_leaves_old_index_serving(settings, point):
    (settings.corpus_dir / "policy.md").write_text(POLICY)
    assert run_ingest(settings).returncode == 0
    store = IndexStore(settings.index_root)
    before = store.current_version()
    for i in range(40):
        (settings.corpus_dir / f"extra-{i}.md").write_text(THRESHOLDS.replace("Level 4", f"Level {i}") * 20)
    proc = run_ingest(settings, wait=False)
    if point == "staging":
        seen = wait_for(lambda: any(store.versions_dir.glob(".tmp-*")))
    else:
        seen = wait_for(lambda: (settings.index_root / "lock").exists() and proc.poll() is None, timeout=30)
        time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert seen, f"never reached {point}"
    assert store.current_version() == before
    assert LoadedIndex(store.current_dir()).manifest.passage_count > 0
    again = run_ingest(settings)
    assert again.returncode == 0, again.stderr.read().decode()
    assert store.current_version() != before
    assert not list(Path(store.versions_dir).glob(".tmp-*"))
