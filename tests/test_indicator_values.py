"""Figures in cells (never zero for a blank) and the units labels name."""

from __future__ import annotations

import pytest

from assistant.indicators.values import infer_unit, is_placeholder, parse_value, strip_marker


@pytest.mark.parametrize(("cell", "expected"), [
    ("54,000", (54000.0, None)),
    ("1008.47", (1008.47, None)),
    ("3,494.38", (3494.38, None)),
    ("£42000", (42000.0, "£")),
    ("£1,200", (1200.0, "£")),
    ("£1.2m", (1_200_000.0, "£")),
    ("£42k", (42000.0, "£")),
    ("17.9%", (17.9, "%")),
    ("24.0 %", (24.0, "%")),
    ("22.3%*", (22.3, "%")),
    ("5 per cent", (5.0, "%")),
    ("-3.50", (-3.5, None)),
    ("0", (0.0, None)),
    ("12 weeks", (12.0, "weeks")),
    ("3 days", (3.0, "days")),
    ("\u00a04019 ", (4019.0, None)),
])
def test_parse_value_reads_one_number_and_its_sign(cell, expected):
    assert parse_value(cell) == expected


@pytest.mark.parametrize("cell", [
    "", " ", "-", "–", "—", "n/a", "N/A", "..", "x", "*", "<5", "(12)", "12.515.3", "1,08", "4,0195",
    "01 04 17", "31/03/2017", "2016/17", "1.1.2", "July 2017", "Grade: White", "\uf0e9", "£5%",
])
def test_parse_value_gives_none_for_blanks_placeholders_and_non_numbers(cell):
    assert parse_value(cell) is None


def test_placeholders_and_markers():
    assert is_placeholder("-") and is_placeholder("n/a") and is_placeholder("") and not is_placeholder("0")
    assert strip_marker("National 2015/16*") == ("National 2015/16", "*")
    assert strip_marker("Total") == ("Total", None)
    assert strip_marker("*") == ("*", None)


@pytest.mark.parametrize(("label", "unit"), [
    ("% of repeat referrals within 12 months", "%"),
    ("% of assessments completed within 45 days", "%"),
    ("Percentage of children", "%"),
    ("Income", "£"),
    ("Total Expenditure", "£"),
    ("Cost (£)", "£"),
    ("Children who are the subject of a Child Protection Plan - rate per 10,000", "rate per 10,000"),
    ("Rate of referrals", "rate per 10,000"),
    ("Average duration of CP plans (weeks)", "weeks"),
    ("Days to complete", "days"),
    ("Average no. of episodes per child", "average per child"),
    ("No. of children", "count"),
    ("Number of children who became the subject of a plan", "count"),
    ("Staff to child ratio", "ratio"),
])
def test_infer_unit(label, unit):
    assert infer_unit(label) == unit


@pytest.mark.parametrize("label", ["Referrals to Children's Social Care", "Neglect", "Conferences held within 15 days",
                                   "RAG Rating", "Level 2", ""])
def test_infer_unit_gives_none_when_a_label_names_no_unit(label):
    assert infer_unit(label) is None
