import pytest

from evaluation.answer_metrics import (abstention_scores, citation_supports, citation_valid, fact_present,
                                       indicator_match, key_fact_accuracy)


def test_numbers_match_as_numbers_and_text_as_text():
    assert fact_present("There were 4,125 referrals.", "4125")
    assert fact_present("Total spend was £14,621.", "£14,621")
    assert fact_present("93.5% of assessments", "93.5%")
    assert not fact_present("There were 41,250 referrals.", "4125")
    assert not fact_present("2016/17 figures", "17")  # a number inside a period is not the fact 17
    assert fact_present("within 45 working days", "45 working days")
    assert key_fact_accuracy("12 children, up from 6", ["12", "6", "28 days"]) == pytest.approx(2 / 3)
    assert key_fact_accuracy("anything", []) == 1.0


def test_citation_validity_needs_verbatim_quote_and_exact_offsets():
    document = "Intro. Private fostering lasts 28 days or more. End."
    passage = "Private fostering lasts 28 days or more."
    start = document.index(passage)
    assert citation_valid("lasts 28 days", passage, document, start + 18, start + 31)
    assert not citation_valid("lasts 28 days", passage, document, start, start + 13)
    assert not citation_valid("lasts 29 days", passage, document, start + 18, start + 31)
    assert citation_supports(["Some text", passage], ["28 days or more"])
    assert not citation_supports(["Some text"], ["28 days or more"])


def test_abstention_scores():
    scores = abstention_scores([(True, True), (True, False), (False, True), (False, False), (False, False)])
    assert scores == {"precision": 0.5, "recall": 0.5, "false_abstention": pytest.approx(1 / 3)}
    assert abstention_scores([]) == {"precision": 1.0, "recall": 1.0, "false_abstention": 0.0}


def test_indicator_exact_match_normalises_period_unit_and_area():
    expected = {"value": 93.5, "unit": "%", "period": "2016/17", "area": "Redbridge"}
    assert indicator_match(expected, {"value": "93.5", "unit": "percent", "period": "2016-17", "area": "redbridge"})
    assert not indicator_match(expected, {"value": 93.4, "unit": "%", "period": "2016/17", "area": "Redbridge"})
    assert not indicator_match(expected, {"value": 93.5, "unit": "%", "period": "2015/16", "area": "Redbridge"})
    assert not indicator_match(expected, {"value": 93.5, "unit": "%", "period": "2016/17", "area": "National"})
    assert not indicator_match(expected, {"unit": "%"})


def test_indicator_match_accepts_an_agency_given_as_area_or_as_breakdown():
    from evaluation.answer_metrics import indicator_match

    expected = {"value": 570, "unit": "count", "period": "2016/17", "area": "Children's social care"}
    as_breakdown = {"value": 570.0, "unit": "count", "period": "2016-17", "area": "Redbridge",
                    "breakdown": "Children's social care"}
    assert indicator_match(expected, as_breakdown)
    assert not indicator_match(expected, {**as_breakdown, "breakdown": "Children's Centres"})
    assert indicator_match({**expected, "period": "2016/17"}, {**as_breakdown, "period": "31 March 2017"})
