"""Block Kit rendering (pure): markers and sources match, urgent first, links, figures, limits."""

from __future__ import annotations

import json
import re

from slack_harness import not_found_answer, sample_answer

from assistant.contract import Citation, IndicatorValue
from bots.slack.blocks import (ACTIONS_BLOCK, FEEDBACK_DOWN, FEEDBACK_UP, MAX_BLOCKS, MAX_SECTION_CHARS, SHARE,
                               answer_blocks, fallback_text, format_value, home_view, markers, reason_modal)

BASE = "https://lscb.example.org"


def texts(blocks: list[dict]) -> list[str]:
    """Every text in the blocks, in order (sections and context elements)."""
    out = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out += [e["text"] for e in block["elements"]]
    return out


def source_numbers(blocks: list[dict]) -> list[int]:
    lines = [line for b in blocks if b["type"] == "section" for line in b["text"]["text"].split("\n")]
    start = lines.index("*Sources*")
    return [int(m.group(1)) for line in lines[start + 1:] if (m := re.match(r"\[(\d+)\] ", line))]


def answer_markers(blocks: list[dict]) -> list[int]:
    """Markers in the answer text: the sections after the urgent banner, before figures/related/sources."""
    found: list[int] = []
    for block in blocks:
        if block["type"] == "context" or block.get("block_id") == "lscb_urgent":
            continue
        if block["type"] != "section":
            break
        text = block["text"]["text"]
        if text.startswith(("*Sources*", "*Related")) or "```" in text:
            break
        found += markers(text)
    return found


def check_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(len(e["text"]) <= MAX_SECTION_CHARS for e in block["elements"])
        if block["type"] == "actions":
            assert all(len(e["value"]) <= 2000 for e in block["elements"])
    json.dumps(blocks)  # plain JSON, nothing Slack would refuse to parse


def test_sources_numbers_match_the_markers_and_link_to_the_page():
    blocks = answer_blocks(sample_answer(), BASE)
    check_limits(blocks)
    assert answer_markers(blocks) == [1, 2]
    assert source_numbers(blocks) == [1, 2]
    sources = next(b for b in blocks if b.get("block_id") == "lscb_sources")["text"]["text"]
    assert ("[1] <https://lscb.example.org/documents/annual-report#page=12|Westshire LSCB Annual Report 2016-17> · "
            "Annual report › Private fostering · page 12 · para 4.2 · July 2017") in sources
    assert "[2] <https://lscb.example.org/documents/annual-report#page=13|" in sources


def test_without_a_public_url_sources_are_plain_text_and_no_chart():
    blocks = answer_blocks(sample_answer(), None)
    joined = "\n".join(texts(blocks))
    assert "[1] *Westshire LSCB Annual Report 2016-17* · Annual report › Private fostering · page 12" in joined
    assert "https://" not in joined and "<" not in joined.replace("&lt;", "")
    assert not [b for b in blocks if b["type"] == "image"]


def test_figures_as_a_compact_table_and_a_chart_with_a_public_url():
    blocks = answer_blocks(sample_answer(), BASE)
    table = next(t for t in texts(blocks) if "```" in t)
    assert table.startswith("*Private fostering notifications*")
    assert "2016/17  Westshire     12" in table and "breakdown" not in table  # empty columns left out
    images = [b for b in blocks if b["type"] == "image"]
    assert [i["image_url"] for i in images] == [
        "https://lscb.example.org/api/indicators/chart.png?q=Private%20fostering%20notifications"]
    assert images[0]["alt_text"] == "Chart: Private fostering notifications"


def test_urgent_banner_comes_first():
    answer = sample_answer(urgent=True, notices=["If a child is in immediate danger, call 999 now.",
                                                 "Otherwise, contact the MASH on 020 8708 3885 straight away."])
    blocks = answer_blocks(answer, BASE)
    assert blocks[0]["block_id"] == "lscb_urgent"
    assert blocks[0]["text"]["text"] == (":rotating_light: *If a child is in immediate danger, call 999 now.*\n"
                                         "Otherwise, contact the MASH on 020 8708 3885 straight away.")
    assert fallback_text(answer).startswith("If a child is in immediate danger, call 999 now.\nOtherwise")


def test_not_found_shows_related_passages_and_the_contact_it_quotes():
    blocks = answer_blocks(not_found_answer(), BASE)
    check_limits(blocks)
    joined = "\n".join(texts(blocks))
    assert joined.startswith("I could not find this in the documents.")
    related = next(t for t in texts(blocks) if t.startswith("*Related, but not an answer*"))
    assert "<https://lscb.example.org/documents/thresholds-2018#page=3|Westshire Thresholds Guidance 2018>" in related
    assert "Level 4 is for children at risk of significant harm" in related
    assert answer_markers(blocks) == source_numbers(blocks) == [1]


def test_buttons_carry_the_answer_id_and_share_only_when_asked():
    answer = sample_answer()
    actions = answer_blocks(answer, BASE)[-1]
    assert actions["block_id"] == ACTIONS_BLOCK
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (FEEDBACK_UP, answer.answer_id), (FEEDBACK_DOWN, answer.answer_id)]
    shared = answer_blocks(answer.model_copy(update={"resolved_question": "referrals in 2015/16"}), BASE, share=True)
    share = shared[-1]["elements"][0]
    assert share["action_id"] == SHARE and json.loads(share["value"]) == {"q": "referrals in 2015/16"}


def test_slack_markup_in_quotes_is_escaped():
    answer = sample_answer(answer="Thresholds <level 3> & <@U123> apply. [1]", citations=[
        sample_answer().citations[0].model_copy(update={"title": "A <b>|title</b>"})])
    joined = "\n".join(texts(answer_blocks(answer, BASE)))
    assert "Thresholds &lt;level 3&gt; &amp; &lt;@U123&gt; apply. [1]" in joined
    assert "|A &lt;b&gt;¦title&lt;/b&gt;>" in joined


def test_a_very_long_answer_stays_within_slack_limits_and_numbers_still_match():
    citations = [Citation(n=n, document_id=f"doc-{n}", title=f"Document {n} " + "x" * 150,
                          section=" › ".join(["Part"] * 60), page=n, quote="q", start=0, end=1,
                          url=f"/documents/doc-{n}#page={n}", passage_id=f"p{n}") for n in range(1, 121)]
    text = "\n".join(f"• Sentence number {n} " + "words " * 120 + f"[{n}]" for n in range(1, 121))
    figures = [IndicatorValue(indicator=f"Indicator {i}", period=f"20{i:02d}/{i + 1:02d}", value=i, unit="%",
                              document_id="d") for i in range(40)]
    answer = sample_answer(answer=text, citations=citations, indicators=figures, notices=["Call 999."], urgent=True)
    blocks = answer_blocks(answer, BASE, share=True)
    check_limits(blocks)
    assert blocks[0]["block_id"] == "lscb_urgent" and blocks[-1]["type"] == "actions"
    assert answer_markers(blocks) == source_numbers(blocks)
    assert len(fallback_text(answer)) <= 3000


def test_one_line_longer_than_a_section_is_split_between_words():
    answer = sample_answer(answer=("word " * 1500) + "[1]", citations=sample_answer().citations[:1])
    blocks = answer_blocks(answer, BASE)
    check_limits(blocks)
    assert answer_markers(blocks) == source_numbers(blocks) == [1]


def test_values_are_formatted_by_unit():
    assert format_value(4125, "count") == "4,125"
    assert format_value(12.5, "%") == "12.5%"
    assert format_value(1200, "£") == "£1,200"
    assert format_value(41.26, "rate per 10,000") == "41.26 rate per 10,000"


def test_home_tab_explains_what_it_knows_how_to_ask_and_the_urgent_route():
    view = home_view(["Westshire LSCB Annual Report 2016-17"], ["If a child is in immediate danger, call 999 now.",
                                                                 "Otherwise, contact the MASH."])
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_BLOCKS
    joined = "\n".join(texts(view["blocks"]))
    for expected in ("call 999 now", "What I know", "How to ask", "/lscb", "Westshire LSCB Annual Report 2016-17"):
        assert expected in joined


def test_reason_modal_carries_the_answer_id_and_counts_a_close():
    view = reason_modal("0123456789abcdef0123456789abcdef", "C0001")
    assert view["notify_on_close"] is True
    assert json.loads(view["private_metadata"]) == {"answer_id": "0123456789abcdef0123456789abcdef",
                                                    "channel": "C0001"}
    assert len(view["title"]["text"]) <= 24
