"""The evidence judge and its pure helpers: periods, figures, places, and the strength threshold."""

from __future__ import annotations

import pytest

from assistant.abstain import (
    EvidenceJudge,
    Judgement,
    Period,
    asked_periods,
    asked_places,
    load_places,
    states_figure,
    wants_figure,
)
from assistant.evidence import Candidate
from assistant.types import Passage, PassageKind
from index.query import normalise_periods

PLACES = {"havering": "Havering", "redbridge": "Redbridge", "kent": "Kent",
          "barking and dagenham": "Barking and Dagenham"}


def passage(text: str, section: tuple[str, ...] = ("Annual report", "Referrals"), kind: PassageKind = PassageKind.PROSE,
            context: str = "", pid: str = "p1") -> Passage:
    return Passage(id=pid, document_id="report", title="Westshire LSCB Annual Report", section=list(section), page=3,
                   paragraph=None, start=100, end=100 + len(text), kind=kind, text=text, context=context)


def candidate(p: Passage, sentence: str | None = None, dense: float = 0.8, lexical: float = 0.4,
              score: float = 1.0) -> Candidate:
    sentence = p.text if sentence is None else sentence
    start = p.text.index(sentence)
    return Candidate(p, row=0, rank=1, start=start, end=start + len(sentence), dense=dense, lexical=lexical,
                     score=score)


# --- periods -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question, expected", [
    ("referrals in 2016/17", [Period(2016, 2017)]),
    ("referrals 2016-2017", [Period(2016, 2017)]),
    ("referrals 2016 – 2017", [Period(2016, 2017)]),
    ("plans in 2013/4", [Period(2013, 2014)]),
    ("plans in 1999/00", [Period(1999, 2000)]),
    ("2016/17 and 2017/18", [Period(2016, 2017), Period(2017, 2018)]),
    ("in 2016-17 and in 2018", [Period(2016, 2017), Period(2018)]),
    ("from 2015 to 2017", [Period(2015), Period(2017)]),
    ("2015/2017", []),  # not consecutive years: not one period
    ("in 2016-2018", []),
])
def test_asked_periods_spans(question, expected):
    assert asked_periods(question) == expected


def test_short_period_is_normalised_before_the_judge_sees_it():
    assert asked_periods("cp plans 16/17") == []
    normalised = normalise_periods("cp plans 16/17")
    assert normalised == "cp plans 2016/17"
    assert asked_periods(normalised) == [Period(2016, 2017)]


@pytest.mark.parametrize("question, expected", [
    ("how many referrals in 2017", [Period(2017)]),
    ("children on a plan at 31 March 2018", [Period(2018)]),
    ("referrals since 2015?", [Period(2015)]),
    ("what changed during 2019", [Period(2019)]),
    ("2017 referrals", [Period(2017)]),  # a year that opens the question
    ("what does the Children Act 1989 say about harm", []),
    ("what does wt 2023 say about assessments", []),
    ("what does Working Together 2023 say about assessments", []),
    ("threshold guidance 2018 levels", []),
    ("section 47 enquiries in the 2017 report", []),
    ("referrals in 2018/", []),
])
def test_bare_years_count_only_after_time_words(question, expected):
    assert asked_periods(question) == expected


def test_a_year_in_a_document_title_is_not_a_period():
    assert asked_periods("referrals in 2017") == [Period(2017)]
    assert asked_periods("referrals in 2017", titles=("Westshire Annual Report 2017",)) == []
    assert asked_periods("referrals in 2017", titles=("Westshire Annual Report 2016",)) == [Period(2017)]


def test_a_named_law_does_not_hide_a_period_beside_it():
    assert asked_periods("under the Children Act 1989, how many referrals in 2016/17") == [Period(2016, 2017)]


@pytest.mark.parametrize("question", ["duties under the Children Act 1989 and 2004",
                                      "what do the Children Acts 1989 and 2004 say about cooperation"])
def test_a_second_year_of_a_named_law_is_not_a_period(question):
    assert asked_periods(question) == []


def test_period_prints_in_the_short_form():
    assert [str(Period(2016, 2017)), str(Period(1999, 2000)), str(Period(2017))] == ["2016/17", "1999/00", "2017"]


@pytest.mark.parametrize("text", ["2016/17", "2016-17", "2016 – 2017", "Year End 2016 – 2017", "2016/2017",
                                  "2016 /17", "Referrals (2016-2017) fell"])
def test_span_mentioned_in_varied_text(text):
    assert Period(2016, 2017).mentioned_in(text)


@pytest.mark.parametrize("text", ["2015/16", "2017/18", "In 2016 referrals rose", "201617", "12016/17", "2016/18"])
def test_span_not_mentioned(text):
    assert not Period(2016, 2017).mentioned_in(text)


@pytest.mark.parametrize("text", ["2010/ 11", "2010 / 11", "2010/11", "2010-2011", "2010/ 2011"])
def test_span_with_space_after_the_slash(text):
    assert Period(2010, 2011).mentioned_in(text)


@pytest.mark.parametrize("text, expected", [
    ("at 31 March 2018", True),
    ("2017/18", True),  # a year inside a span counts as the year
    ("2018/19", True),
    ("Level 20180", False),
    ("2019", False),
    ("2016/17", False),
])
def test_bare_year_mentioned_in(text, expected):
    assert Period(2018).mentioned_in(text) is expected


# --- figures -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question, expected", [
    ("how many referrals were there", True),
    ("How much was spent on training", True),
    ("what percentage of assessments were on time", True),
    ("what proportion of plans were repeat plans", True),
    ("number of children on a plan", True),
    ("rate of referrals per 10,000", True),
    ("what was the per cent of timely conferences", True),
    ("how often did the board meet", True),
    ("average caseload of a social worker", True),
    ("what is private fostering?", False),
    ("in 2016/17 what did the board prioritise", False),
    ("who chairs the board", False),
])
def test_wants_figure(question, expected):
    assert wants_figure(question) is expected


def test_wants_figure_for_a_percent_sign():
    assert wants_figure("what % of referrals were repeat referrals")


@pytest.mark.parametrize("text", ["There were 4,125 referrals.", "83.4% were timely", "£14,621 was spent",
                                  "Twelve children were notified", "12% fewer", "a rate of 1.5", "half of them"])
def test_states_figure(text):
    assert states_figure(text)


@pytest.mark.parametrize("text", ["In 2016/17 the board met.", "Referrals in 2017.", "2016 – 2017",
                                  "Year End 2016 – 2017", "2010/ 11 and 2011/ 12", "The board meets quarterly",
                                  "S47 enquiries are led by social care", "someone often calls"])
def test_years_and_periods_are_not_figures(text):
    assert not states_figure(text)


@pytest.mark.parametrize("text", ["£2,000 was spent on training", "There were 2,034 referrals"])
def test_grouped_or_money_numbers_in_the_year_range_are_figures(text):
    assert states_figure(text)


# --- places --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question, expected", [
    ("What are Havering's thresholds?", {"Havering"}),
    ("HAVERING referrals", {"Havering"}),
    ("barking & dagenham referrals", {"Barking and Dagenham"}),
    ("Barking-and-Dagenham referrals", {"Barking and Dagenham"}),
    ("Redbridge MASH", {"Redbridge"}),
    ("in kent.", {"Kent"}),
    ("a kent-based team", {"Kent"}),
    ("Havering and Kent compared", {"Havering", "Kent"}),
    ("a kentish town social worker", set()),
    ("the bankent scheme", set()),
    ("what is private fostering?", set()),
])
def test_asked_places(question, expected):
    assert asked_places(question, PLACES) == expected


def test_the_shipped_places_list():
    places = load_places()
    assert len(places) == 151
    assert places["barking and dagenham"] == "Barking and Dagenham"
    assert places["stockton on tees"] == "Stockton-on-Tees"
    assert not any(key.startswith("#") or not key for key in places)
    assert asked_places("Havering's thresholds", places) == {"Havering"}
    assert asked_places("Hammersmith & Fulham MASH", places) == {"Hammersmith and Fulham"}
    assert asked_places("kentish town", places) == set()


@pytest.mark.parametrize("question", ["what reading should new board members do?",
                                      "is there a reading list on neglect"])
def test_common_words_are_not_places(question):
    assert asked_places(question, load_places()) == set()


# --- the judge -----------------------------------------------------------------------------------------------


def judge(min_strength: float = 0.5, areas: tuple[str, ...] = ("Redbridge",), **kw) -> EvidenceJudge:
    return EvidenceJudge(min_strength, list(areas), places=PLACES, **kw)


STRONG = candidate(passage("In 2016/17 there were 4,125 referrals to children's social care."), dense=0.7,
                   lexical=0.4)


def test_a_place_the_documents_do_not_cover_is_refused_by_rule():
    result = judge().judge("What are Havering's thresholds?", [STRONG])
    assert result == Judgement(True, "The documents cover Redbridge; they hold nothing about Havering.",
                               by_rule=True)


def test_several_uncovered_places_are_named_in_order_and_no_areas_reads_plainly():
    result = judge(areas=()).judge("Kent and Havering referrals", [STRONG])
    assert result.reason == "The documents cover no named area; they hold nothing about Havering, Kent."
    both = judge(areas=("Redbridge", "national")).judge("Kent referrals", [STRONG])
    assert both.reason == "The documents cover Redbridge and national; they hold nothing about Kent."


def test_a_covered_place_beside_another_is_not_refused():
    result = judge().judge("Redbridge and Havering referrals", [STRONG])
    assert not result.abstain and result.candidates == [STRONG]


def test_a_period_no_candidate_mentions_is_refused_by_rule():
    result = judge().judge("referrals in 2019/20", [STRONG])
    assert result == Judgement(True, "The documents do not give this for 2019/20.", by_rule=True)
    two = judge().judge("referrals in 2016/17 and 2019/20", [STRONG])
    assert two.reason == "The documents do not give this for 2016/17 and 2019/20."


def test_the_period_check_keeps_only_candidates_that_mention_it():
    other = candidate(passage("In 2015/16 there were 5,086 referrals.", pid="p2"), dense=0.9, lexical=0.9)
    result = judge().judge("referrals in 2016/17", [other, STRONG])
    assert not result.abstain
    assert result.candidates == [STRONG]
    assert result.strength == pytest.approx(0.7 + 0.5 * 0.4)


def test_the_period_may_sit_in_the_heading_or_the_text_just_before():
    in_heading = candidate(passage("There were 4,125 referrals.", section=("Annual report", "Year End 2016 – 2017")))
    assert not judge().judge("referrals in 2016/17", [in_heading]).abstain
    text = "This section covers 2016/17. There were 4,125 referrals."
    before = candidate(passage(text), sentence="There were 4,125 referrals.")
    assert not judge().judge("referrals in 2016/17", [before]).abstain


def test_the_period_too_far_before_the_sentence_does_not_count():
    text = "This section covers 2016/17. " + "x " * 150 + "There were 4,125 referrals."
    far = candidate(passage(text), sentence="There were 4,125 referrals.")
    assert text.index("There") - text.index("2016/17") > 300
    assert judge().judge("referrals in 2016/17", [far]).abstain


def test_a_table_row_reads_the_period_from_the_repeated_header():
    table = passage("Referrals\t5175\t5086\t4125", kind=PassageKind.TABLE, context="Year\t2014/15\t2015/16\t2016/17")
    row = candidate(table)
    result = judge().judge("how many referrals in 2016/17", [row])
    assert not result.abstain and result.candidates == [row]
    prose = passage("Referrals\t5175\t5086\t4125", context="Year\t2014/15\t2015/16\t2016/17")
    assert judge().judge("how many referrals in 2016/17", [candidate(prose)]).abstain


def test_a_figure_question_needs_a_sentence_that_states_one():
    words = candidate(passage("Referrals are made to the MASH in 2016/17 by phone.", pid="p3"))
    result = judge().judge("how many referrals in 2016/17", [words])
    assert result == Judgement(True, "The documents do not publish that figure.", by_rule=True)
    kept = judge().judge("how many referrals in 2016/17", [words, STRONG])
    assert not kept.abstain and kept.candidates == [STRONG]


def test_no_candidates_at_all_is_refused():
    assert judge().judge("what is private fostering?", []) == Judgement(
        True, "The documents do not answer this.", by_rule=True)


def test_weak_evidence_is_refused_by_strength_not_by_rule():
    weak = candidate(passage("Private fostering is arranged privately."), dense=0.3, lexical=0.2)
    result = judge(min_strength=0.5).judge("what is private fostering?", [weak])
    assert result.abstain and not result.by_rule
    assert result.reason == "Nothing in the documents answers this closely enough."
    assert result.candidates == [weak] and result.strength == pytest.approx(0.4)


def test_strength_at_the_threshold_answers_and_uses_the_lexical_weight():
    evidence = candidate(passage("Private fostering is arranged privately."), dense=0.25, lexical=0.5)
    assert not judge(min_strength=0.5).judge("what is private fostering?", [evidence]).abstain
    heavier = judge(min_strength=0.5, lexical_weight=1.0).judge("what is private fostering?", [evidence])
    assert heavier.strength == pytest.approx(0.75) and not heavier.abstain
    assert judge(min_strength=0.51).judge("what is private fostering?", [evidence]).abstain


def test_strength_is_judged_on_the_first_candidate_not_the_strongest():
    first = candidate(passage("Private fostering is arranged privately.", pid="a"), dense=0.2, lexical=0.0)
    second = candidate(passage("Private fostering lasts 28 days or more.", pid="b"), dense=0.9, lexical=1.0)
    result = judge().judge("what is private fostering?", [first, second])
    assert result.abstain and result.strength == pytest.approx(0.2)
