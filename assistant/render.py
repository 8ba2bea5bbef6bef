"""Terminal rendering of ingest reports and search hits (rich)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table as RichTable

from assistant.types import SearchHit
from corpus.ingest import IngestReport


def ingest_to_dict(report: IngestReport) -> dict:
    return {
        "version": report.manifest.version if report.manifest else None,
        "corpus_version": report.manifest.corpus_version if report.manifest else None,
        "passages": report.manifest.passage_count if report.manifest else 0,
        "tables": report.manifest.table_count if report.manifest else 0,
        "embedded_passages": report.embedded_passages,
        "seconds": {"parse_wait": round(report.parse_seconds, 2), "embed": round(report.embed_seconds, 2),
                    "total": round(report.total_seconds, 2)},
        "files": [dataclasses.asdict(f) for f in report.files],
    }


def ingest_summary(report: IngestReport, console: Console) -> None:
    table = RichTable("document", "status", "pages", "passages", "tables", "reason / what to do", title="Ingest summary")
    for f in report.files:
        note = f"{f.reason}: {f.advice}" if f.reason else "; ".join(f.warnings)
        style = {"skipped": "red", "reused": "dim"}.get(f.status, "")
        table.add_row(f.document_id or f.path, f"[{style}]{f.status}[/{style}]" if style else f.status,
                      str(f.pages), str(f.passages), str(f.tables), note)
    console.print(table)
    indexed = [f for f in report.files if f.status in ("indexed", "reused")]
    console.print(
        f"{len(indexed)} documents ({sum(f.pages for f in indexed)} pages, {sum(f.passages for f in indexed)} passages, "
        f"{sum(f.tables for f in indexed)} tables); {len(report.skipped)} skipped; "
        f"{report.embedded_passages} passages embedded in {report.embed_seconds:.1f} s; total {report.total_seconds:.1f} s"
    )
    if report.manifest and report.switched:
        console.print(f"Now serving index version [bold]{report.manifest.version}[/bold] "
                      f"(corpus {report.manifest.corpus_version}).")
    elif report.manifest:
        console.print(f"Built index version [bold]{report.manifest.version}[/bold] (corpus "
                      f"{report.manifest.corpus_version}); still serving the previous one. Check it with "
                      f"`lscb eval --index {report.manifest.version}`, then `lscb index publish {report.manifest.version}`.")


def print_hits(hits: Sequence[SearchHit], console: Console) -> None:
    if not hits:
        console.print("No passages matched.")
        return
    for hit in hits:
        p = hit.passage
        where = " · ".join(x for x in (
            p.title, p.section_path or None, f"page {p.page}" if p.page else None,
            f"para {p.paragraph}" if p.paragraph else None) if x)
        console.print(f"[bold]{hit.rank}.[/bold] [cyan]{where}[/cyan]  [dim]score {hit.score:.4f} "
                      f"(dense #{hit.dense_rank or '-'}, bm25 #{hit.lexical_rank or '-'}) · {p.kind.value}[/dim]")
        text = p.text if len(p.text) <= 400 else p.text[:400].rsplit(" ", 1)[0] + " …"
        console.print(f"   {text}\n", highlight=False)


def print_eval(result, console: Console) -> None:
    """Summary table of an evaluation run: systems side by side, then the gate."""
    metrics = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10", "p95_ms")
    table = RichTable("system", *metrics, title="Retrieval on the gold set (all questions)")
    for system, summary in result.summaries.items():
        overall = summary["all"]
        table.add_row(system, *(f"{overall[m]:.3f}" if m != "p95_ms" else f"{overall[m]:.1f}" for m in metrics))
    console.print(table)
    for note in result.notes:
        console.print(f"[dim]{note}[/dim]")
    if result.paths:
        console.print(f"Reports: {result.paths[0]} and {result.paths[1]}")
    console.print("[green]gate passed[/green]" if not result.failures else
                  "[red]below threshold:[/red] " + "; ".join(result.failures))


def print_comparison(comparison, console: Console) -> None:
    """Serving index vs a candidate: headline metrics, then the questions that moved."""
    table = RichTable("metric", f"serving {comparison.serving}", f"candidate {comparison.candidate}",
                      title="Hybrid retrieval, serving vs candidate")
    for metric in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"):
        a, b = comparison.serving_summary[metric], comparison.candidate_summary[metric]
        colour = "green" if b > a else "red" if b < a else ""
        table.add_row(metric, f"{a:.3f}", f"[{colour}]{b:.3f}[/{colour}]" if colour else f"{b:.3f}")
    console.print(table)
    for title, rows, colour in (("Better", comparison.better, "green"), ("Worse", comparison.worse, "red")):
        if rows:
            moved = RichTable("id", "question", "rank before", "rank after", title=f"[{colour}]{title}[/{colour}]")
            for qid, question, before, after in rows:
                moved.add_row(qid, question, str(before or "-"), str(after or "-"))
            console.print(moved)
    console.print(f"{len(comparison.better)} better, {len(comparison.worse)} worse, {comparison.unchanged} unchanged")


def print_answer(answer, console: Console) -> None:
    """An Answer in the terminal: urgent lines, the quoted answer, its sources, related passages."""
    for line in answer.notices:
        console.print(f"[bold red]{line}[/bold red]", highlight=False)
    if answer.resolved_question:
        console.print(f"[dim](read as: {answer.resolved_question})[/dim]", highlight=False)
    console.print(answer.answer, highlight=False)
    if answer.edition:
        console.print(f"[dim]{answer.edition}[/dim]", highlight=False)
    if answer.citations:
        console.print("[bold]Sources[/bold]")
        for c in answer.citations:
            where = " · ".join(x for x in (c.title, c.section or None, f"page {c.page}" if c.page else None,
                                           f"para {c.paragraph}" if c.paragraph else None,
                                           f"{c.published:%B %Y}" if c.published else None) if x)
            console.print(f"  [{c.n}] {where}", highlight=False)
    if answer.related:
        console.print("[bold]Related, but not an answer[/bold]")
        for r in answer.related:
            console.print(f"  • {r.title} · {r.section}{f' · page {r.page}' if r.page else ''}", highlight=False)
    console.print(f"[dim]corpus {answer.corpus_version} · {answer.timings_ms.get('total', 0):.0f} ms[/dim]")


def print_series(series, console: Console) -> None:
    """`lscb indicators list`: one row per series."""
    table = RichTable("indicator", "unit", "breakdowns", "periods", "areas", "records", "source",
                      title=f"{len(series)} indicator series")
    for s in series:
        periods = sorted({r.period for r in s.records if r.period})
        table.add_row(s.indicator, s.unit, str(len(s.breakdowns)), ", ".join(periods[:4]) + (" …" if len(periods) > 4 else ""),
                      ", ".join(sorted({r.area for r in s.records if r.area})), str(len(s.records)),
                      f"{s.key[0]}{' ' + s.key[1].split(':')[-1] if s.key[1] else ' prose'}")
    console.print(table)


def print_records(result, console: Console) -> None:
    """`lscb indicators show|search`: the matched series and its records."""
    if result.series is None:
        console.print("No indicators in this index.")
        return
    console.print(f"[bold]{result.series.indicator}[/bold] [dim](match {result.score:.3f})[/dim]")
    if result.missing_period:
        console.print(f"Not published for {', '.join(result.periods)}; periods available: "
                      f"{', '.join(result.available_periods) or 'none'}")
        return
    table = RichTable("breakdown", "area", "period", "value", "unit", "page", "from", "note")
    for r in result.records:
        table.add_row(r.breakdown or "", r.area or "", r.period or "", f"{r.value:g}", r.unit,
                      str(r.page or ""), r.source, r.note or "")
    console.print(table)
