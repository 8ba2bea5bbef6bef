"""`lscb bench faults`: the fault-injection suite at full size, and a table of what each fault did and lost.

The faults are the tests in tests/faults (SIGKILL at every point of a refresh, a full disk, damaged versions,
refreshes racing for the lock, index swaps under 50 clients, SIGTERM with requests in flight). `make test` runs
their quick part; this runs all of them through pytest, with a plugin that marks the run as full and collects
the row each test records: the fault, what happened, and what was lost (which must be nothing).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from assistant.config import PROJECT_ROOT

FAULTS_DIR = PROJECT_ROOT / "tests" / "faults"


class FaultBenchError(RuntimeError):
    """The fault suite cannot run here; the message says what to do."""


@dataclass(frozen=True)
class FaultRow:
    fault: str
    happened: str
    lost: str
    check: str  # passed | FAILED | known bug (xfail) | skipped


class FaultCollector:
    """A pytest plugin: `lscb_faults_full` tells the tests to run every fault; it gathers their rows."""

    def __init__(self, full: bool) -> None:
        self.lscb_faults_full = full
        self.rows: list[FaultRow] = []

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return  # a setup or teardown that passed
        rows = [value for key, value in report.user_properties if key == "fault"]
        if hasattr(report, "wasxfail"):
            check = "known bug (xfail)"
        elif report.failed:
            if "[XPASS(strict)]" in str(report.longrepr):  # a known bug is fixed: its xfail marker must go
                check, rows = "FAILED", [_row(report, "nothing", "fixed: remove the test's xfail marker. ")]
            else:
                check, rows = "FAILED", [_row(report, "unknown: the check failed (see above)")]
        elif report.skipped:
            if report.when == "call":
                return  # a kill point left to the full run (--quick)
            check, rows = "skipped", [_row(report, "-")]
        else:
            check = "passed"
        self.rows.extend(FaultRow(check=check, **row) for row in rows)


def _row(report: Any, lost: str, prefix: str = "") -> dict[str, str]:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        reason = str(longrepr[2])
    else:
        crash = getattr(longrepr, "reprcrash", None)
        reason = crash.message if crash is not None else str(longrepr)
    first = reason.splitlines()[0][:200] if reason else ""
    return {"fault": report.nodeid.split("::", 1)[-1], "happened": prefix + first, "lost": lost}


def print_table(rows: list[FaultRow], console: Console) -> None:
    table = RichTable("fault", "what happened", "lost", "check", title="Fault injection", show_lines=True)
    style = {"passed": "green", "FAILED": "bold red", "known bug (xfail)": "yellow", "skipped": "dim"}
    for row in rows:
        table.add_row(row.fault, row.happened, row.lost, row.check, style=style.get(row.check, ""))
    console.print(table)
    failed = sum(r.check == "FAILED" for r in rows)
    known = sum(r.check == "known bug (xfail)" for r in rows)
    lossy = [r for r in rows if r.check == "passed" and r.lost != "nothing"]
    console.print(f"{len(rows)} faults: {sum(r.check == 'passed' for r in rows)} passed with nothing lost, "
                  f"{known} known bugs (xfail), {failed} failed" + (f", {len(lossy)} lost something" if lossy else ""))


def run_fault_bench(console: Console, full: bool = True, keyword: str | None = None) -> tuple[list[FaultRow], int]:
    """Run tests/faults (every fault when `full`), print the table; returns the rows and pytest's exit code."""
    try:
        import pytest
    except ImportError as exc:
        raise FaultBenchError("the fault suite runs under pytest: install the test extras "
                              "(pip install -e '.[test]')") from exc
    if not FAULTS_DIR.is_dir():
        raise FaultBenchError(f"{FAULTS_DIR} is missing: run `lscb bench faults` from a source checkout")
    collector = FaultCollector(full)
    args = [str(FAULTS_DIR), "-q", "-p", "no:cacheprovider", "--rootdir", str(PROJECT_ROOT)]
    if keyword:
        args += ["-k", keyword]
    code = int(pytest.main(args, plugins=[collector]))
    print_table(collector.rows, console)
    return collector.rows, code


def write_rows(rows: list[FaultRow], path: Path) -> None:
    """The table as JSON (a list of {fault, happened, lost, check})."""
    path.write_text(json.dumps([asdict(r) for r in rows], indent=2))
