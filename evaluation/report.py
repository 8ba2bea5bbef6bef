"""Write evaluation reports: Markdown for reading and diffing, HTML with small SVG bar charts."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from evaluation.retrieval import RetrievalRow

HEADLINE = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def markdown_report(title: str, summaries: dict[str, dict[str, dict[str, float]]],
                    rows: dict[str, Sequence[RetrievalRow]], notes: Sequence[str] = ()) -> str:
    """summaries: system -> category -> metric -> value; rows: system -> per-question rows."""
    lines = [f"# {title}", ""]
    lines += [f"- {n}" for n in notes] + ([""] if notes else [])
    lines += ["## Systems side by side (all questions)", "",
              "| system | " + " | ".join(HEADLINE) + " | p50 ms | p95 ms | n |",
              "|---" * (len(HEADLINE) + 4) + "|"]
    for system, summary in summaries.items():
        s = summary.get("all", {})
        lines.append(f"| {system} | " + " | ".join(_fmt(s.get(m, 0.0)) for m in HEADLINE)
                     + f" | {s.get('p50_ms', 0):.1f} | {s.get('p95_ms', 0):.1f} | {int(s.get('n', 0))} |")
    first = next(iter(summaries))
    lines += ["", f"## {first} by category", "", "| category | n | " + " | ".join(HEADLINE) + " |",
              "|---" * (len(HEADLINE) + 2) + "|"]
    for category, s in summaries[first].items():
        lines.append(f"| {category} | {int(s['n'])} | " + " | ".join(_fmt(s[m]) for m in HEADLINE) + " |")
    lines += ["", f"## {first}: questions not answered in the top 5", "", "| id | category | question | first relevant rank | top passages |",
              "|---|---|---|---|---|"]
    for row in rows[first]:
        if (row.first_relevant or 99) > 5:
            lines.append(f"| {row.id} | {row.category} | {row.question} | {row.first_relevant or '-'} | {', '.join(row.top)} |")
    lines += ["", f"## {first}: every question", "", "| id | category | style | rank | latency ms |", "|---|---|---|---|---|"]
    for row in rows[first]:
        lines.append(f"| {row.id} | {row.category} | {row.style} | {row.first_relevant or '-'} | {row.latency_ms:.1f} |")
    return "\n".join(lines) + "\n"


def _bars(title: str, values: dict[str, float], width: int = 560) -> str:
    """A horizontal bar chart (values in 0..1) as inline SVG."""
    bar_h, label_w, gap = 18, 190, 6
    height = 30 + len(values) * (bar_h + gap)
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
             f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, value) in enumerate(values.items()):
        y = 26 + i * (bar_h + gap)
        length = max(0.0, min(1.0, value)) * (width - label_w - 50)
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="#2b6cb0"/>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 13}">{value:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report(title: str, markdown: str, summaries: dict[str, dict[str, dict[str, float]]]) -> str:
    first = next(iter(summaries))
    charts = [
        _bars("Recall@5 by system", {s: v.get("all", {}).get("recall@5", 0.0) for s, v in summaries.items()}),
        _bars("MRR@10 by system", {s: v.get("all", {}).get("mrr@10", 0.0) for s, v in summaries.items()}),
        _bars(f"Recall@5 by category ({first})", {c: v["recall@5"] for c, v in summaries[first].items()}),
    ]
    body = "".join(f"<figure>{c}</figure>" for c in charts)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            "pre{white-space:pre-wrap;font-size:12px}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}<pre>{html.escape(markdown)}</pre></body></html>")


def write_reports(directory: Path, stem: str, markdown: str, html_text: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    md_path, html_path = directory / f"{stem}.md", directory / f"{stem}.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(html_text, encoding="utf-8")
    return md_path, html_path
