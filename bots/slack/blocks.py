"""Block Kit for the Slack app: pure functions from an `Answer` (and a few ids) to Slack message and view JSON.

Nothing here talks to Slack or reads settings. The order of an answer, top to bottom:

    urgent banner (when the engine gave notices) · "shared by" line · the answer text with its [n] markers ·
    figures as a compact table (and chart images when the service has a public URL) · related passages
    (for "not found") · sources, one line per marker · edition / "read as" / corpus footer · buttons

Slack's limits are kept here, in one place: at most 50 blocks, section text at most 3,000 characters, at most
10 context elements, button values at most 2,000 characters. The sources list holds exactly the markers that
the displayed text shows, so the numbers always match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from assistant.contract import Answer, Citation, IndicatorValue, Related

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK_CHARS = 3000
MAX_TEXT_SECTIONS = 12
MAX_SOURCE_SECTIONS = 8
MAX_FIGURE_ROWS = 15
MAX_FIGURE_TABLES = 3
MAX_CHARTS = 2

FEEDBACK_UP = "lscb_feedback_up"
FEEDBACK_DOWN = "lscb_feedback_down"
SHARE = "lscb_share"
ACTIONS_BLOCK = "lscb_answer_actions"
REASON_CALLBACK = "lscb_feedback_reason"
REASON_BLOCK = "lscb_reason"
REASON_INPUT = "lscb_reason_input"

MARKER = re.compile(r"\[(\d+)\]")
_SPACE_RUN = re.compile(r"[ \t]+")


# -- text helpers -----------------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Text made safe for Slack mrkdwn: the three characters Slack asks to escape."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _label(text: str) -> str:
    """Link label: escaped, and no '|' (which would end the label)."""
    return escape(text).replace("|", "¦")


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"


def absolute_url(url: str | None, public_base_url: str | None) -> str | None:
    """`url` (a path like /documents/<id>#page=3) on the public service, or None when it cannot be linked."""
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url
    if not public_base_url:
        return None
    return public_base_url.rstrip("/") + "/" + quote(url.lstrip("/"), safe="/#=?&%:-_.~")


def _link(title: str, url: str | None) -> str:
    return f"<{url}|{_label(title)}>" if url else f"*{_label(title)}*"


def markers(text: str) -> list[int]:
    """The [n] marker numbers in `text`, each once, in order of first use."""
    return list(dict.fromkeys(int(n) for n in MARKER.findall(text)))


def _section(text: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(texts: Iterable[str]) -> dict:
    elements = [{"type": "mrkdwn", "text": _clip(t, MAX_SECTION_CHARS)} for t in texts if t]
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def _pack(lines: Sequence[str], limit: int = MAX_SECTION_CHARS) -> list[str]:
    """Lines joined into chunks of at most `limit` characters, breaking between lines (or, for a line that
    is too long on its own, between words) so a [n] marker is never cut."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


# -- the answer ---------------------------------------------------------------------------------------------
def answer_blocks(answer: Answer, public_base_url: str | None, *, share: bool = False,
                  shared_by: str | None = None) -> list[dict]:
    """The whole answer as Block Kit blocks, within Slack's limits.

    `public_base_url`: the HTTP service's public URL; sources then link to the document at its page and
    figures get their chart image. Without it sources are plain text and no image is shown.
    `share`: add a "Share in channel" button (for an ephemeral /lscb answer).
    `shared_by`: the Slack user id who shared the answer into the channel (adds a line saying so).
    """
    base = public_base_url or None
    head: list[dict] = []
    if answer.urgent and answer.notices:
        head.append(urgent_banner(answer.notices))
    if shared_by:
        head.append(_context([f"<@{shared_by}> shared an answer to: _{escape(_clip(_question(answer), 500))}_"]))

    text_chunks = _pack([escape(line.replace("\t", "  ")) for line in answer.answer.split("\n")])
    if len(text_chunks) > MAX_TEXT_SECTIONS:
        text_chunks = text_chunks[:MAX_TEXT_SECTIONS - 1] + [_clip(text_chunks[MAX_TEXT_SECTIONS - 1], 2900) +
                                                             "\n_(answer shortened)_"]
    body = [_section(chunk) for chunk in text_chunks]
    shown = markers("\n".join(text_chunks))
    by_number = {c.n: c for c in answer.citations}
    cited = [by_number[n] for n in sorted(shown) if n in by_number]

    optional: list[list[dict]] = [
        _figures(answer.indicators),
        _charts(answer.indicators, base),
        _related(answer.related, base),
        _footer(answer),
    ]
    sources = _sources(cited, base)
    actions = [_actions(answer, share)]
    # Drop optional parts (charts first, then related, footer, figures) until everything fits in 50 blocks.
    for drop in (1, 2, 3, 0, None):
        blocks = head + body + optional[0] + optional[1] + optional[2] + sources + optional[3] + actions
        if len(blocks) <= MAX_BLOCKS or drop is None:
            break
        optional[drop] = []
    return blocks[:MAX_BLOCKS - 1] + actions if len(blocks) > MAX_BLOCKS else blocks


def _question(answer: Answer) -> str:
    return answer.resolved_question or answer.question


def urgent_banner(notices: Sequence[str]) -> dict:
    """The urgent-concern lines, first line bold, as one section."""
    first, *rest = [escape(" ".join(line.split())) for line in notices if line.strip()] or [""]
    text = "\n".join([f":rotating_light: *{first}*", *rest])
    return _section(_clip(text, MAX_SECTION_CHARS), block_id="lscb_urgent")


def _where(section: str | None, page: int | None, paragraph: str | None = None) -> list[str]:
    parts = []
    if section:
        parts.append(_clip(escape(section), 200))
    if page:
        parts.append(f"page {page}")
    if paragraph:
        parts.append(f"para {escape(paragraph)}")
    return parts


def source_line(citation: Citation, public_base_url: str | None) -> str:
    """`[n] <link|Title> · Section › Sub · page 3 · para 4.2 · July 2017`."""
    url = absolute_url(citation.url, public_base_url)
    parts = [_link(_clip(citation.title, 200), url), *_where(citation.section, citation.page, citation.paragraph)]
    if citation.published:
        parts.append(f"{citation.published:%B %Y}")
    return f"[{citation.n}] " + " · ".join(parts)


def _sources(cited: Sequence[Citation], base: str | None) -> list[dict]:
    if not cited:
        return []
    chunks = _pack(["*Sources*", *(source_line(c, base) for c in cited)])
    return [_section(chunk, block_id="lscb_sources" if i == 0 else None)
            for i, chunk in enumerate(chunks[:MAX_SOURCE_SECTIONS])]


def _related(related: Sequence[Related], base: str | None) -> list[dict]:
    if not related:
        return []
    lines = ["*Related, but not an answer*"]
    for r in related:
        head = " · ".join([_link(_clip(r.title, 200), absolute_url(r.url, base)), *_where(r.section, r.page)])
        snippet = escape(_clip(" ".join(r.snippet.split()), 300))
        lines.append(f"• {head}\n      {snippet}")
    return [_section(chunk) for chunk in _pack(lines)[:2]]


def format_value(value: float, unit: str) -> str:
    """4125 -> '4,125'; 12.5 % -> '12.5%'; £ -> '£1,200'; other units after the number."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "count":
        return number
    if unit == "%":
        return f"{number}%"
    if unit == "£":
        return f"£{number}"
    return f"{number} {unit}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows under their header as aligned monospace columns, leaving out columns with no value in any row (the
    last column, the value, right-aligned)."""
    columns = [i for i in range(len(header)) if any(row[i] for row in rows)]
    widths = {i: max(len(row[i]) for row in (header, *rows)) for i in columns}
    lines = []
    for row in (header, *rows):
        cells = [row[i].rjust(widths[i]) if i == len(row) - 1 else row[i].ljust(widths[i]) for i in columns]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _figures(values: Sequence[IndicatorValue]) -> list[dict]:
    if not values:
        return []
    groups: dict[str, list[IndicatorValue]] = {}
    for v in values:
        groups.setdefault(v.indicator, []).append(v)
    parts = []
    for indicator, group in list(groups.items())[:MAX_FIGURE_TABLES]:
        rows = [[_clip(v.period or "", 12), _clip(v.area or "", 20), _clip(v.breakdown or "", 30),
                 format_value(v.value, v.unit)] for v in group[:MAX_FIGURE_ROWS]]
        more = f"\n_…and {len(group) - MAX_FIGURE_ROWS} more_" if len(group) > MAX_FIGURE_ROWS else ""
        table = _table(["period", "area", "breakdown", "value"], rows)
        # Backticks inside a code block would end it early.
        parts.append(f"*{escape(_clip(indicator, 150))}*\n```{escape(table).replace('`', ' ')}```{more}")
    return [_section(_clip(part, MAX_SECTION_CHARS)) for part in parts]


def chart_url(public_base_url: str, indicator: str) -> str:
    """The chart image the HTTP service draws for an indicator, by name."""
    return f"{public_base_url.rstrip('/')}/api/indicators/chart.png?q={quote(_clip(indicator, 500), safe='')}"


def _charts(values: Sequence[IndicatorValue], base: str | None) -> list[dict]:
    if not values or not base:
        return []
    names = list(dict.fromkeys(v.indicator for v in values))[:MAX_CHARTS]
    return [{"type": "image", "image_url": chart_url(base, name), "alt_text": _clip(f"Chart: {name}", 2000)}
            for name in names]


def _footer(answer: Answer) -> list[dict]:
    notes = []
    if answer.resolved_question:
        notes.append(f"Read as: _{escape(_clip(answer.resolved_question, 500))}_")
    if answer.edition:
        notes.append(escape(answer.edition))
    notes.append(f"From the board's own documents · index {escape(answer.corpus_version)}")
    return [_context(notes)]


def share_value(answer: Answer) -> str:
    """The Share button's value: the standalone question, so the answer can be given again in the channel."""
    question = _question(answer)
    while True:
        value = json.dumps({"q": question}, ensure_ascii=False)
        if len(value) <= MAX_BUTTON_VALUE:
            return value
        question = question[: len(question) - (len(value) - MAX_BUTTON_VALUE) - 1]


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "action_id": action_id, "value": value,
              "text": {"type": "plain_text", "text": text, "emoji": True}}
    if style:
        button["style"] = style
    return button


def _actions(answer: Answer, share: bool) -> dict:
    elements = [_button("👍 Helpful", FEEDBACK_UP, answer.answer_id),
                _button("👎 Not helpful", FEEDBACK_DOWN, answer.answer_id)]
    if share:
        elements.insert(0, _button("Share in channel", SHARE, share_value(answer), style="primary"))
    return {"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements}


def fallback_text(answer: Answer) -> str:
    """The message's plain `text` (notifications, screen readers): urgent lines first, then the answer."""
    lines = [*answer.notices] if answer.urgent else []
    lines.append(answer.answer)
    return _clip(escape("\n".join(lines)), MAX_FALLBACK_CHARS)


# -- other messages and views --------------------------------------------------------------------------------
def notice_blocks(text: str) -> list[dict]:
    """A short message of the bot's own (help, an error, a refusal to answer as asked)."""
    return [_section(chunk) for chunk in _pack([escape(line) for line in text.split("\n")])[:5]]


def reason_modal(answer_id: str, channel_id: str | None) -> dict:
    """The 👎 modal: an optional reason; closing it still records the 👎 (notify_on_close)."""
    return {
        "type": "modal", "callback_id": REASON_CALLBACK, "notify_on_close": True,
        "private_metadata": json.dumps({"answer_id": answer_id, "channel": channel_id}),
        "title": {"type": "plain_text", "text": "Not helpful"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            _section("Thanks for saying so. What was wrong with the answer? The board reads every reason."),
            {"type": "input", "block_id": REASON_BLOCK, "optional": True,
             "label": {"type": "plain_text", "text": "Reason (optional)"},
             "element": {"type": "plain_text_input", "action_id": REASON_INPUT, "multiline": True,
                         "max_length": 2000,
                         "placeholder": {"type": "plain_text", "text": "e.g. the figure is for the wrong year"}}},
            _context(["Please don't name a child or family: reasons are kept, with names and contact details "
                      "removed."]),
        ],
    }


def thanks_view(recorded: bool) -> dict:
    text = ("Thank you: your feedback is recorded." if recorded else
            "Thank you. This answer is older than the feedback history keeps, so it could not be recorded.")
    return {"type": "modal", "title": {"type": "plain_text", "text": "Not helpful"},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [_section(text)]}


def home_view(documents: Sequence[str], urgent_lines: Sequence[str], command: str = "/lscb") -> dict:
    """The App Home tab: what the assistant knows, how to ask, and the urgent-concern route."""
    knows = ("I answer questions from the Local Safeguarding Children Board's own documents: annual reports, "
             "thresholds guidance, protocols, policies and the business plan. Every answer quotes the documents "
             "word for word, with numbered sources [1] that link to the page. When the documents don't hold the "
             "answer I say so, and show related passages and the board's contacts. I don't give advice on a "
             "particular case.")
    titles = [f"• {escape(_clip(t, 200))}" for t in documents[:30]]
    if len(documents) > 30:
        titles.append(f"• …and {len(documents) - 30} more")
    how = "\n".join([
        "• *In a channel:* mention me, `@LSCB what is private fostering?`. I answer in a thread; mention me "
        "again in that thread for a follow-up (`@LSCB and the year before?`).",
        "• *In a direct message:* just ask. Follow-ups carry on from your last question.",
        f"• *Anywhere:* `{escape(command)} your question`. Only you see the answer, with a button to share it.",
        "• Tell me whether an answer helped with 👍 / 👎: the board reads every reason.",
    ])
    urgent = "\n".join([f":rotating_light: *{escape(urgent_lines[0])}*", *map(escape, urgent_lines[1:])]) \
        if urgent_lines else ""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "LSCB safeguarding knowledge assistant"}},
        _section("*Urgent concern about a child?*\n" + urgent) if urgent else None,
        _section("*What I know*\n" + knows),
        *([_section(chunk) for chunk in _pack(["*Documents*", *titles])[:3]] if titles else []),
        _section("*How to ask*\n" + how),
        _context(["Please don't name a child or family. Questions are kept with names and contact details "
                  "removed; a conversation is forgotten after a spell of inactivity."]),
    ]
    return {"type": "home", "blocks": [b for b in blocks if b][:MAX_BLOCKS]}
