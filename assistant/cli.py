"""The `lscb` command line. Domain errors become a clean message and exit code here, nowhere else."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from assistant.config import Settings
from assistant.runtime import build_embedder, open_index, open_indicator_lookup, open_retriever
from corpus.manifest import ManifestError
from corpus.worker import WorkerError
from index.store import StoreError

console = Console(stderr=True)
out = Console()


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group()
@click.option("--corpus-dir", type=click.Path(path_type=Path), help="Corpus folder (default LSCB_CORPUS_DIR).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (default LSCB_DATA_DIR).")
@click.pass_context
def main(ctx: click.Context, corpus_dir: Path | None, data_dir: Path | None) -> None:
    """LSCB knowledge assistant: ingest the board's documents and search them."""
    overrides = {k: v for k, v in {"corpus_dir": corpus_dir, "data_dir": data_dir}.items() if v is not None}
    ctx.obj = {"settings": Settings(**overrides)}


def fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}")
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-switch", is_flag=True, help="Build the version but keep serving the current one "
              "(check it with `lscb eval --index VERSION`, then `lscb index publish VERSION`).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, no_switch: bool) -> None:
    """Build a new index version from the corpus folder plus any PATHS named."""
    from assistant.render import ingest_summary, ingest_to_dict
    from corpus.ingest import ingest as run_ingest

    settings = _settings(ctx)
    embedder = build_embedder(settings)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True, disable=as_json) as bar:
            task = bar.add_task("starting", total=None)

            def progress(message: str, done: int, total: int) -> None:
                bar.update(task, description=message, completed=done, total=total)

            report = run_ingest(settings, embedder, list(paths), progress=progress, switch=not no_switch)
    except (StoreError, ManifestError, WorkerError) as exc:
        fail(str(exc))
    if as_json:
        out.print_json(json.dumps(ingest_to_dict(report)))
    else:
        ingest_summary(report, out)
    if not report.usable:
        fail("nothing usable was indexed: see the skipped files above", code=2)


@main.command()
@click.argument("query", required=False)
@click.option("-k", "--top", default=5, show_default=True, help="How many passages to show.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "lexical"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.option("--interactive", is_flag=True, help="Keep asking for queries at a prompt.")
@click.pass_context
def search(ctx: click.Context, query: str | None, top: int, mode: str, as_json: bool, interactive: bool) -> None:
    """Ranked passages for QUERY, with title, section, page and score."""
    from assistant.render import print_hits

    if not query and not interactive:
        fail("give a query, e.g. lscb search \"private fostering\", or --interactive", code=2)
    try:
        retriever = open_retriever(_settings(ctx))
    except StoreError as exc:
        fail(str(exc))
    queries = [query] if query else []
    if interactive:
        console.print(f"Index {retriever.index.version}: {len(retriever.index.passages)} passages. "
                      "Type a question (empty line or Ctrl-D to quit).")
    while True:
        if queries:
            text = queries.pop(0)
        elif interactive:
            try:
                text = input("search> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not text:
                break
        else:
            break
        hits = retriever.search(text, k=top, mode=mode)
        if as_json:
            out.print_json(json.dumps([h.model_dump(mode="json") for h in hits]))
        else:
            print_hits(hits, out)


def _engine(ctx: click.Context):
    from assistant.runtime import open_engine

    try:
        return open_engine(_settings(ctx))
    except StoreError as exc:
        fail(str(exc))


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer contract as JSON.")
@click.option("--conversation", "conversation_id", help="Continue this conversation (id from a previous answer).")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, conversation_id: str | None) -> None:
    """Answer QUESTION from the documents, quoted and cited (or say plainly that they don't hold it)."""
    from assistant.engine import QuestionError
    from assistant.render import print_answer

    engine = _engine(ctx)
    try:
        answer = engine.ask(question, conversation_id)
    except QuestionError as exc:
        fail(str(exc), code=2)
    if as_json:
        out.print_json(answer.model_dump_json(by_alias=True))
    else:
        print_answer(answer, out)


@main.command()
@click.pass_context
def chat(ctx: click.Context) -> None:
    """Ask questions in a loop; follow-ups ("and the year before?") use the conversation so far."""
    from assistant.engine import QuestionError
    from assistant.render import print_answer

    engine = _engine(ctx)
    try:
        import readline  # noqa: F401  (line editing and history at the prompt, where available)
    except ImportError:
        pass
    console.print(f"Index {engine.corpus_version}. Ask a question; 'new' starts a new conversation; "
                  "an empty line or Ctrl-D quits.")
    conversation_id: str | None = None
    while True:
        try:
            text = input("lscb> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not text:
            break
        if text.lower() == "new":
            conversation_id = None
            continue
        try:
            answer = engine.ask(text, conversation_id)
        except QuestionError as exc:
            console.print(f"[yellow]{exc}[/yellow]")
            continue
        conversation_id = answer.conversation_id
        print_answer(answer, out)


@main.command()
@click.option("--host", help="Address to bind (default LSCB_HOST, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default LSCB_PORT, 8000).")
@click.option("--workers", type=int, help="Worker processes (default LSCB_WORKERS, 1).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API, the widget demo page at /, the admin page and the Slack endpoint."""
    import os

    import uvicorn

    from assistant.api.app import check_secrets

    settings = _settings(ctx)
    try:
        check_secrets(settings)
    except ValueError as exc:
        fail(str(exc), code=2)
    # Worker processes read their settings from the environment: pass on what the command line chose.
    os.environ["LSCB_CORPUS_DIR"] = str(settings.corpus_dir)
    os.environ["LSCB_DATA_DIR"] = str(settings.data_dir)
    host, port = host or settings.host, port or settings.port
    console.print(f"Serving on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops after requests finish.")
    uvicorn.run("assistant.api.main:build", factory=True, host=host, port=port, workers=workers or settings.workers,
                timeout_graceful_shutdown=30, log_level="info", access_log=False)


@main.command()
@click.option("--socket", "socket_mode", is_flag=True,
              help="Connect to Slack with Socket Mode (SLACK_APP_TOKEN) instead of serving HTTP.")
@click.pass_context
def slack(ctx: click.Context, socket_mode: bool) -> None:
    """Run the Slack bot. HTTP mode is part of `lscb serve` (POST /slack/events); --socket connects out."""
    settings = _settings(ctx)
    if not socket_mode:
        fail("the Slack bot's HTTP mode runs inside `lscb serve` at /slack/events when SLACK_BOT_TOKEN and "
             "SLACK_SIGNING_SECRET are set; use `lscb slack --socket` to connect with Socket Mode instead", code=2)
    missing = [name for name, value in (("SLACK_BOT_TOKEN", settings.slack_bot_token),
                                        ("SLACK_APP_TOKEN", settings.slack_app_token)) if not value]
    if missing:
        fail(f"set {' and '.join(missing)} first (see bots/slack/README.md)", code=2)
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from assistant.api.services import Services
    from bots.slack import CurrentEngine, EventLedger, build_slack_app, run_socket_mode

    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    try:
        identity = client.auth_test()
    except SlackApiError as exc:
        fail(f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')}): copy the Bot User OAuth Token (xoxb-) "
             "from the app's Install App page")
    services = Services(settings)
    try:
        services.warm_up()
        app = build_slack_app(
            CurrentEngine(services.engine), client, settings.slack_signing_secret, services.history,
            EventLedger(settings.slack_events_path), public_base_url=settings.public_url,
            command=settings.slack_command,
            home_documents=lambda: [d.meta.title for d in services.engine().index.documents.values()])
        console.print(f"Slack: connecting as @{identity.get('user')} to {identity.get('team')} with Socket Mode "
                      f"(index {services.engine().corpus_version}); Ctrl-C to stop")
        run_socket_mode(app, settings.slack_app_token, housekeeping=services.housekeeping)
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    finally:
        services.close()


@main.group()
def indicators() -> None:
    """The figures extracted from the documents' tables and prose."""


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def indicators_list(ctx: click.Context, as_json: bool) -> None:
    """Every indicator series: name, unit, breakdowns, periods, areas and source."""
    from assistant.indicators.lookup import group_series
    from assistant.render import print_series

    try:
        index = open_index(_settings(ctx))
    except StoreError as exc:
        fail(str(exc))

    series = group_series(index.indicators)
    if as_json:
        out.print_json(json.dumps([{"indicator": s.indicator, "unit": s.unit, "document_id": s.key[0],
                                    "table_id": s.key[1], "records": len(s.records), "breakdowns": s.breakdowns,
                                    "periods": sorted({r.period for r in s.records if r.period}),
                                    "areas": sorted({r.area for r in s.records if r.area})} for s in series]))
    else:
        print_series(series, out)


@indicators.command("show")
@click.argument("name")
@click.option("--period")
@click.option("--area")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def indicators_show(ctx: click.Context, name: str, period: str | None, area: str | None, as_json: bool) -> None:
    """The records of the series best matching NAME (all periods unless --period)."""
    _show_lookup(ctx, name, period, area, as_json)


@indicators.command("search")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def indicators_search(ctx: click.Context, text: str, as_json: bool) -> None:
    """Look up a figure as a question would ("% of assessments within 45 days vs national 2016/17")."""
    _show_lookup(ctx, text, None, None, as_json)


def _show_lookup(ctx: click.Context, text: str, period: str | None, area: str | None, as_json: bool) -> None:
    from assistant.render import print_records

    try:
        lookup = open_indicator_lookup(_settings(ctx))
    except StoreError as exc:
        fail(str(exc))
    result = lookup.lookup(text, period=period, area=area)
    if as_json:
        out.print_json(json.dumps({"series": result.series.indicator if result.series else None,
                                   "score": round(result.score, 4), "missing_period": result.missing_period,
                                   "records": [r.model_dump(mode="json") for r in result.records]}))
        return
    print_records(result, out)


@main.group()
def index() -> None:
    """Inspect or roll back index versions."""


@index.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def index_status(ctx: click.Context, as_json: bool) -> None:
    """The serving version and the versions kept for rollback."""
    from index.store import IndexStore

    store = IndexStore(_settings(ctx).index_root)
    try:
        manifest = store.read_manifest()
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        data = manifest.model_dump(mode="json", exclude={"checksums"})
        data["versions"] = store.versions()
        out.print_json(json.dumps(data))
        return
    out.print(f"Serving version [bold]{manifest.version}[/bold] (corpus {manifest.corpus_version}), built "
              f"{manifest.built_at:%Y-%m-%d %H:%M} UTC in {manifest.build_seconds:.1f} s")
    out.print(f"{len(manifest.documents)} documents, {manifest.passage_count} passages, {manifest.table_count} tables; "
              f"model {manifest.model} ({manifest.dimension}-d, FAISS {manifest.dense_kind})")
    out.print("Versions on disk: " + ", ".join(
        f"[bold]{v}[/bold]" if v == manifest.version else v for v in store.versions()))


@index.command("publish")
@click.argument("version")
@click.pass_context
def index_publish(ctx: click.Context, version: str) -> None:
    """Serve VERSION (one built with `lscb ingest --no-switch`), after checking its checksums."""
    from index.store import IndexStore

    store = IndexStore(_settings(ctx).index_root)
    if version not in store.versions():
        fail(f"no index version {version!r}: see `lscb index status` for the versions on disk", code=2)
    try:
        with store.lock():
            store.switch(version)
    except StoreError as exc:
        fail(str(exc))
    out.print(f"Now serving {version}.")


@index.command("rollback")
@click.pass_context
def index_rollback(ctx: click.Context) -> None:
    """Serve the version before the current one."""
    from index.store import IndexStore

    store = IndexStore(_settings(ctx).index_root)
    try:
        with store.lock():
            target = store.rollback()
    except StoreError as exc:
        fail(str(exc))
    out.print(f"Now serving {target}.")


@main.group()
def corpus() -> None:
    """The corpus folder and its manifest."""


@corpus.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def corpus_list(ctx: click.Context, as_json: bool) -> None:
    """Documents in the corpus folder, with their manifest entry (or what was inferred)."""
    from corpus.manifest import discover, infer_meta, load_manifest

    settings = _settings(ctx)
    try:
        manifest = load_manifest(settings.manifest_path)
    except ManifestError as exc:
        fail(str(exc))
    rows = []
    for path in discover(settings.corpus_dir):
        relative = str(path.relative_to(settings.corpus_dir.resolve()))
        meta = manifest.get(relative) or infer_meta(path, settings.corpus_dir.resolve())
        rows.append(meta)
    if as_json:
        out.print_json(json.dumps([m.model_dump(mode="json") for m in rows]))
        return
    table = RichTable("id", "title", "kind", "area", "published", "file", "in manifest")
    for m in rows:
        table.add_row(m.id, m.title, m.kind.value, m.area or "", str(m.published or ""), m.path,
                      "yes" if m.in_manifest else "[yellow]no (inferred)[/yellow]")
    out.print(table)


@main.command("eval")
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Gold set folder (default evaluation/gold).")
@click.option("--baselines/--no-baselines", default=True, show_default=True, help="Also run BM25, dense and naive.")
@click.option("--gate", is_flag=True, help="Exit non-zero when a metric is below evaluation/thresholds.toml.")
@click.option("--index", "candidate", help="Compare this index version (id or folder) with the serving one.")
@click.option("--reports", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True)
@click.option("--answers/--no-answers", default=True, show_default=True, help="Also score the answer engine.")
@click.option("--calibrate", is_flag=True, help="Sweep the abstention threshold and print the one to set.")
@click.pass_context
def eval_command(ctx: click.Context, gold_dir: Path | None, baselines: bool, gate: bool, candidate: str | None,
                 report_dir: Path, answers: bool, calibrate: bool) -> None:
    """Score retrieval on the gold set, side by side with baselines; write reports/eval-<date>.md and .html.

    With --index NEW, compare a freshly built version with the serving one, question by question.
    """
    from assistant.render import print_comparison, print_eval
    from assistant.runtime import open_index
    from evaluation.goldset import GOLD_DIR
    from evaluation.run import compare, evaluate
    from index.loaded import LoadedIndex
    from index.store import IndexStore

    settings = _settings(ctx)
    try:
        index = open_index(settings)
        other = None
        if candidate:
            folder = Path(candidate) if Path(candidate).is_dir() else IndexStore(settings.index_root).version_dir(candidate)
            if not folder.is_dir():
                fail(f"no index version {candidate!r}: see `lscb index status` for the versions on disk", code=2)
            other = LoadedIndex(folder)
    except StoreError as exc:
        fail(str(exc))
    embedder = build_embedder(settings)
    embedder.warm_up()
    if calibrate:
        from evaluation.run import calibrate_abstention

        points, chosen = calibrate_abstention(settings, index, embedder, gold_dir or GOLD_DIR)
        table = RichTable("threshold", "abstention recall", "false abstention", title="Abstention sweep")
        for p in points:
            if abs(p.threshold * 20 - round(p.threshold * 20)) < 1e-9 or p == chosen:
                style = "bold green" if p == chosen else ""
                table.add_row(f"{p.threshold:.2f}", f"{p.recall:.3f}", f"{p.false_abstention:.3f}", style=style)
        out.print(table)
        out.print(f"Chosen: LSCB_ABSTAIN_MIN_STRENGTH={chosen.threshold} (recall {chosen.recall:.3f}, false "
                  f"abstention {chosen.false_abstention:.3f}); current setting {settings.abstain_min_strength}")
        return
    if other is not None:
        print_comparison(compare(settings, index, other, embedder, gold_dir or GOLD_DIR), out)
        return
    result = evaluate(settings, index, embedder, gold_dir or GOLD_DIR, baselines=baselines, report_dir=report_dir,
                      answers=answers)
    print_eval(result, out)
    if gate and result.failures:
        fail("quality gate failed:\n  " + "\n  ".join(result.failures), code=3)


@main.group()
def bench() -> None:
    """Benchmarks (speed is proven here, never in timed tests)."""


@bench.command("ingest")
@click.option("--output", type=click.Path(path_type=Path), help="Also write the figures as JSON here.")
@click.pass_context
def bench_ingest(ctx: click.Context, output: Path | None) -> None:
    """Full ingest of the corpus into a scratch data folder vs raw model encode time of the same passages."""
    from assistant.bench import run_ingest_bench

    figures = run_ingest_bench(_settings(ctx), console=out)
    if output:
        output.write_text(json.dumps(figures, indent=2))


@bench.command("search")
@click.option("--queries", default=200, show_default=True)
@click.option("--output", type=click.Path(path_type=Path))
@click.pass_context
def bench_search(ctx: click.Context, queries: int, output: Path | None) -> None:
    """Search latency p50/p95 (query embedding included) over the serving index."""
    from assistant.bench import run_search_bench

    try:
        figures = run_search_bench(_settings(ctx), n=queries, console=out)
    except StoreError as exc:
        fail(str(exc))
    if output:
        output.write_text(json.dumps(figures, indent=2))


@bench.command("ask")
@click.option("--questions", default=300, show_default=True)
@click.option("--output", type=click.Path(path_type=Path))
@click.pass_context
def bench_ask(ctx: click.Context, questions: int, output: Path | None) -> None:
    """Answer latency p50/p95 (retrieval, sentence scoring, checks) over the serving index."""
    from assistant.bench import run_ask_bench

    try:
        figures = run_ask_bench(_settings(ctx), n=questions, console=out)
    except StoreError as exc:
        fail(str(exc))
    if output:
        output.write_text(json.dumps(figures, indent=2))


@bench.command("http")
@click.option("--workers", "worker_counts", default="1,2", show_default=True, help="Worker counts to run.")
@click.option("--clients", default=20, show_default=True, help="Concurrent clients in the closed-loop run.")
@click.option("--seconds", default=30.0, show_default=True, help="Length of the closed-loop run.")
@click.option("--step-seconds", default=10.0, show_default=True, help="Length of each open-loop rate step.")
@click.option("--rates", default="5,10,20,30,40,60,80,120", show_default=True, help="Open-loop rates (req/s).")
@click.option("--output", type=click.Path(path_type=Path))
@click.pass_context
def bench_http(ctx: click.Context, worker_counts: str, clients: int, seconds: float, step_seconds: float, rates: str,
               output: Path | None) -> None:
    """Load /api/ask over loopback against a real `lscb serve`: closed loop, then stepped constant rates."""
    from assistant.bench_http import run_http_bench

    try:
        rows = run_http_bench(_settings(ctx), tuple(int(w) for w in worker_counts.split(",")), clients, seconds,
                              step_seconds, tuple(float(r) for r in rates.split(",")))
    except RuntimeError as exc:
        fail(str(exc))
    table = RichTable("workers", "run", "requests", "ok", "req/s", "p50 ms", "p95 ms", "p99 ms", "shed", "errors",
                      title="lscb bench http (loopback)")
    for row in rows:
        table.add_row(*(str(row.get(k, "")) for k in ("workers", "run", "requests", "ok", "rps", "p50_ms", "p95_ms",
                                                       "p99_ms", "shed_429_503", "errors")))
    out.print(table)
    if output:
        output.write_text(json.dumps(rows, indent=2))


@bench.command("scale")
@click.option("--sizes", default="10000,100000,1000000", show_default=True, help="Passage counts to grow to.")
@click.option("--questions", default=200, show_default=True, help="Gold questions timed at each size.")
@click.option("--hnsw-threshold", type=int, help="Override LSCB_HNSW_THRESHOLD for the run.")
@click.option("--ivfpq-threshold", type=int, help="Override LSCB_IVFPQ_THRESHOLD for the run.")
@click.option("--no-ivfpq", is_flag=True, help="Skip the extra IVF-PQ build at the largest size.")
@click.option("--no-ingest", is_flag=True, help="Skip the ingest-throughput run on the real documents.")
@click.option("--scratch", type=click.Path(path_type=Path, file_okay=False),
              help="Where the grown indexes are written (default: the system temp folder; 1M needs ~4 GB).")
@click.option("--output", type=click.Path(path_type=Path), help="Also write the figures as JSON here.")
@click.pass_context
def bench_scale(ctx: click.Context, sizes: str, questions: int, hnsw_threshold: int | None,
                ivfpq_threshold: int | None, no_ivfpq: bool, no_ingest: bool, scratch: Path | None,
                output: Path | None) -> None:
    """Grow the serving index to 10k, 100k and 1M passages (vectors mixed from real ones, BM25 text from real
    terms) and report build time, memory, search and answer p50/p95 and recall@10 against exact search."""
    from assistant.bench_scale import ScaleOptions, run_scale_bench

    settings = _settings(ctx)
    try:
        options = ScaleOptions(
            sizes=tuple(int(size.replace("_", "")) for size in sizes.split(",")), questions=questions,
            hnsw_threshold=hnsw_threshold or settings.hnsw_threshold,
            ivfpq_threshold=ivfpq_threshold or settings.ivfpq_threshold, hnsw_m=settings.hnsw_m,
            ef_construction=settings.hnsw_ef_construction, ivfpq_at_largest=not no_ivfpq, scratch=scratch)
        figures = run_scale_bench(settings, Console(width=max(out.width, 180)), options, ingest=not no_ingest)
    except ValueError as exc:
        fail(f"{exc}: give --sizes as comma-separated passage counts, e.g. 10000,100000")
    except StoreError as exc:
        fail(str(exc))
    if output:
        output.write_text(json.dumps(figures, indent=2, default=str))


@bench.command("indicators")
@click.option("--lookups", default=300, show_default=True)
@click.option("--output", type=click.Path(path_type=Path))
@click.pass_context
def bench_indicators(ctx: click.Context, lookups: int, output: Path | None) -> None:
    """Indicator lookup latency p50/p95 (query embedding included) over the serving index."""
    from assistant.bench import run_indicator_bench

    try:
        figures = run_indicator_bench(_settings(ctx), n=lookups, console=out)
    except StoreError as exc:
        fail(str(exc))
    if output:
        output.write_text(json.dumps(figures, indent=2))


@bench.command("faults")
@click.option("--quick", is_flag=True, help="Only the part `make test` runs (6 of the 27 kill points).")
@click.option("-k", "keyword", help="Only the faults whose test names match this pytest -k expression.")
@click.option("--output", type=click.Path(path_type=Path), help="Also write the table as JSON here.")
def bench_faults(quick: bool, keyword: str | None, output: Path | None) -> None:
    """Fault injection on scratch corpora: SIGKILL a refresh at 27 points, fill the disk, damage versions, race
    two refreshes, swap the index under 50 clients, SIGTERM the server mid-request; prints each fault, what
    happened and what was lost."""
    from assistant.bench_faults import FaultBenchError, run_fault_bench, write_rows

    try:
        rows, code = run_fault_bench(out, full=not quick, keyword=keyword)
    except FaultBenchError as exc:
        fail(str(exc), code=2)
    if output:
        write_rows(rows, output)
    if code != 0:
        fail("a fault check failed: see pytest's report and the table above", code=1)


if __name__ == "__main__":
    main()
