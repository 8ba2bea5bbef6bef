"""Periods as documents print them, to one canonical form; shifting canonical periods by whole years."""

from __future__ import annotations

import pytest

from assistant.indicators.periods import combine_periods, find_periods, normalise_period, shift_period


@pytest.mark.parametrize(("text", "expected"), [
    ("2016/17", "2016/17"),
    ("2016/2017", "2016/17"),
    ("2016-17", "2016/17"),
    ("2016 – 2017", "2016/17"),
    ("2016 -17", "2016/17"),
    ("Year End 2016 – 2017", "2016/17"),
    ("Year End 2015 - 2016", "2015/16"),
    ("2013/4", "2013/14"),
    ("2009/0", "2009/10"),
    ("2010/ 11", "2010/11"),
    ("2016//17", "2016/17"),
    ("FY 2016-17", "2016/17"),
    ("Financial year 2016/17", "2016/17"),
    ("1999/00", "1999/00"),
    ("year ending 31 March 2017", "2016/17"),
    ("April 2016 – March 2017", "2016/17"),
    ("2016", "2016"),
    ("2015*", "2015"),
    ("Q4 2016/17", "2016/17 Q4"),
    ("Quarter 4 2016-17", "2016/17 Q4"),
    ("2016/17 Q1", "2016/17 Q1"),
    ("Quarter 4", "Q4"),
    ("at 31 March 2017", "31 March 2017"),
    ("as at 31st March 2017", "31 March 2017"),
    ("31/03/2017", "31 March 2017"),
    ("March 2017", "31 March 2017"),
    ("as at February 2016", "29 February 2016"),
])
def test_normalise_period_reads_each_printed_form(text, expected):
    assert normalise_period(text) == expected


@pytest.mark.parametrize("text", [
    "", "0-17", "45 days", "12 months", "2016-2018", "2016/18", "Q1 2017", "01 04 17", "1.1", "Level 2",
    "Redbridge 2016/17", "31 February 2017", "1885", "4019", "Grade: White",
])
def test_normalise_period_refuses_what_is_not_one_period(text):
    assert normalise_period(text) is None


def test_find_periods_gives_spans_inside_labels():
    label = "Missing from home 2014/15 (estimate based on six months data)"
    [match] = find_periods(label)
    assert (label[match.start:match.end], match.period) == ("2014/15", "2014/15")
    header = "As a % of the 0-17 population in Redbridge"
    assert find_periods(header) == []
    sentence = "The table shows the contributions from partner agencies in 2016 -17, and the expenditure incurred."
    assert [m.period for m in find_periods(sentence)] == ["2016/17"]
    assert [m.period for m in find_periods("between 2016-2018 and in 2011")] == ["2011"]


def test_combine_periods_joins_a_quarter_and_a_year_and_refuses_disagreement():
    assert combine_periods("Q4", "2016/17") == "2016/17 Q4"
    assert combine_periods("2016/17", "Q1") == "2016/17 Q1"
    assert combine_periods("2016/17", None) == "2016/17"
    assert combine_periods("2016/17", "2016/17") == "2016/17"
    assert combine_periods("2015/16", "2016/17") is None


@pytest.mark.parametrize(("period", "years", "expected"), [
    ("2016/17", -1, "2015/16"),
    ("1999/00", 1, "2000/01"),
    ("2016", 2, "2018"),
    ("2016/17 Q4", -1, "2015/16 Q4"),
    ("31 March 2017", -1, "31 March 2016"),
    ("29 February 2016", 1, "28 February 2017"),
])
def test_shift_period(period, years, expected):
    assert shift_period(period, years) == expected


def test_shift_period_refuses_a_non_canonical_period():
    with pytest.raises(ValueError, match="not a canonical period"):
        shift_period("2016-17", 1)
