"""The urgent-concern detector: the red-team list, the held-out list, the loader's errors and the notice lines.

Held-out result (evaluation/redteam/urgent.yaml `heldout:`, written after the rules were final, never tuned
against), recorded from its first run:

    round 2 (the current `heldout:`): urgent 16/22 detected (recall 72.7%), ordinary 0/42 false alarms (0.0%)
    round 1 (since moved into the tuned lists): urgent 15/22 (68.2%), ordinary 1/42 (2.4%)

So the 100% recall goal holds on the red-team list but not on unseen phrasings; the held-out recall test
asserts the goal and is marked xfail (strict) until it does. Run `pytest tests/test_urgent.py -q -rx -s`
to see the figures.
"""

from __future__ import annotations

import dataclasses
import time
import tomllib
from pathlib import Path

import pytest
import yaml

from assistant.urgent import DEFAULT_RULES, UrgentDetector, UrgentMatch, UrgentRules, normalise

ROOT = Path(__file__).resolve().parents[1]
REDTEAM = ROOT / "evaluation" / "redteam" / "urgent.yaml"
GOLD = ROOT / "evaluation" / "gold"
MAX_FALSE_ALARMS = 0.02
HELDOUT_FIRST_RUN = "held-out first run: urgent 16/22 detected (72.7%), ordinary 0/42 false alarms (0.0%)"


@pytest.fixture(scope="module")
def detector() -> UrgentDetector:
    return UrgentDetector.from_file()


@pytest.fixture(scope="module")
def redteam() -> dict:
    return yaml.safe_load(REDTEAM.read_text(encoding="utf-8"))


def _report(name: str, detector: UrgentDetector, urgent: list[str], ordinary: list[str]) -> tuple[list, list]:
    missed = [t for t in urgent if detector.detect(t) is None]
    alarms = [t for t in ordinary if detector.detect(t) is not None]
    print(f"\n{name}: urgent {len(urgent) - len(missed)}/{len(urgent)} detected "
          f"({1 - len(missed) / len(urgent):.1%}), ordinary {len(alarms)}/{len(ordinary)} false alarms "
          f"({len(alarms) / len(ordinary):.1%})")
    return missed, alarms


# --- the red-team list -----------------------------------------------------------------------------------

def test_redteam_list_is_big_enough_and_has_no_overlap(redteam):
    assert len(redteam["urgent"]) >= 60 and len(redteam["ordinary"]) >= 150
    assert len(redteam["heldout"]["urgent"]) >= 20 and len(redteam["heldout"]["ordinary"]) >= 40
    everything = redteam["urgent"] + redteam["ordinary"] + redteam["heldout"]["urgent"] + redteam["heldout"]["ordinary"]
    assert len(everything) == len(set(everything)), "a phrasing appears twice"


def test_every_urgent_phrasing_is_detected(detector, redteam):
    missed, _ = _report("red-team", detector, redteam["urgent"], redteam["ordinary"])
    assert not missed, f"{len(missed)} urgent phrasings missed: {missed}"


def test_false_alarms_on_ordinary_questions_within_budget(detector, redteam):
    _, alarms = _report("red-team", detector, redteam["urgent"], redteam["ordinary"])
    assert len(alarms) / len(redteam["ordinary"]) <= MAX_FALSE_ALARMS, alarms


@pytest.mark.skipif(not GOLD.is_dir(), reason="no evaluation/gold folder")
def test_false_alarms_on_the_gold_questions_within_budget(detector):
    questions = [q["question"] for f in sorted(GOLD.glob("*.yaml"))
                 for q in yaml.safe_load(f.read_text(encoding="utf-8")) or []]
    alarms = [q for q in questions if detector.detect(q) is not None]
    print(f"\ngold questions: {len(alarms)}/{len(questions)} false alarms")
    assert len(alarms) / len(questions) <= MAX_FALSE_ALARMS, alarms


# --- the held-out list: same goals, never tuned against --------------------------------------------------

@pytest.mark.xfail(strict=True, reason=HELDOUT_FIRST_RUN + "; unseen phrasings still slip past the word lists")
def test_heldout_urgent_phrasings_are_detected(detector, redteam):
    held = redteam["heldout"]
    missed, _ = _report("held-out", detector, held["urgent"], held["ordinary"])
    assert not missed, f"{len(missed)} held-out urgent phrasings missed: {missed}"


def test_heldout_false_alarms_within_budget(detector, redteam):
    held = redteam["heldout"]
    _, alarms = _report("held-out", detector, held["urgent"], held["ordinary"])
    assert len(alarms) / len(held["ordinary"]) <= MAX_FALSE_ALARMS, alarms


# --- behaviour the data file documents -------------------------------------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("a child told me her dad hits her", "physical+disclosure"),
    ("a 14 year old has gone missing tonight", "missing+time_strong"),
    ("I think my neighbour's kids are left home alone every night", "neglect+present_state"),
    ("what do I do if a child is missing right now", "missing+time_strong"),
    ("a pupil says her dad hits her, what are the thresholds?", "physical+disclosure"),
    ("my dad hits me", "physical+first_person"),
    ("14yo gone mising tonite", "missing+time_strong"),
])
def test_fires_with_a_reason_naming_the_rules(detector, text, reason):
    assert detector.detect(text) == UrgentMatch(reason=reason, harm=reason.split("+")[0], cue=reason.split("+")[1])


@pytest.mark.parametrize("text", [
    "what should I do if a child discloses abuse?",
    "what happens when a child goes missing from care?",
    "how many children went missing from home in 2016/17",
    "how many children are currently missing from care",
    "what are the thresholds for physical abuse",
    "what counts as neglect",
    "",
])
def test_ordinary_questions_do_not_fire(detector, text):
    assert detector.detect(text) is None


def test_match_holds_rule_names_only(detector):
    match = detector.detect("a 15 year old told me her uncle raped her")
    assert match is not None
    assert {f.name for f in dataclasses.fields(UrgentMatch)} == {"reason", "harm", "cue"}
    assert match.harm in {name for name, _ in detector.rules.harms}
    assert match.cue in {cue.name for cue in detector.rules.cues}
    assert match.reason == f"{match.harm}+{match.cue}"
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.reason = "x"  # type: ignore[misc]


def test_detection_is_well_under_a_millisecond(detector, redteam):
    texts = redteam["urgent"] + redteam["ordinary"]
    start = time.perf_counter()
    for text in texts:
        detector.detect(text)
    mean_ms = (time.perf_counter() - start) / len(texts) * 1000
    print(f"\nmean detection time: {mean_ms:.3f} ms")
    assert mean_ms < 1.0


def test_normalise_reads_slack_style_text(detector):
    rules = detector.rules
    read = lambda text: normalise(text, rules.spelling, rules.typo_words, rules.typo_deletes)  # noqa: E731
    assert read("My Neighbour’s 14yo  isn't HOME!!") == "my neighbours 14 year old isnt home"
    assert read("15 y/o girl, brusies and mising?") == "15 year old girl bruises and missing ?"
    assert read("a teenage girl, on a plan for 2yrs") == "a teenage girl on a plan for 2yrs"
    assert read("if a child discloses") == "if a child discloses"


# --- notice() --------------------------------------------------------------------------------------------

def test_notice_with_a_front_door_from_the_corpus(detector):
    assert detector.notice("the Redbridge MASH on\n 020 8708 3885") == [
        "If a child is in immediate danger, call 999 now.",
        "Otherwise, contact the Redbridge MASH on 020 8708 3885 straight away to report your concern.",
    ]


@pytest.mark.parametrize("front_door", [None, "", "   "])
def test_notice_without_a_front_door_uses_the_fallback(detector, front_door):
    assert detector.notice(front_door) == [
        "If a child is in immediate danger, call 999 now.",
        "Otherwise, contact your local authority's children's social care front door (MASH) straight away "
        "to report your concern.",
    ]


# --- loading and its errors ------------------------------------------------------------------------------

def _rules() -> dict:
    return tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))


def test_from_file_defaults_to_the_file_beside_the_module(tmp_path):
    copy = tmp_path / "rules.toml"
    copy.write_text(DEFAULT_RULES.read_text(encoding="utf-8"), encoding="utf-8")
    assert UrgentDetector.from_file(copy).detect("a 14 year old has gone missing tonight") is not None
    assert UrgentDetector.from_file().rules.first_line == "If a child is in immediate danger, call 999 now."


def test_a_tiny_rules_file_works_on_its_own():
    rules = UrgentRules.from_dict({
        "version": 1,
        "notice": {"first_line": "Call 999.", "front_door_line": "Then {front_door}.", "front_door_fallback": "the MASH"},
        "typos": {"words": ["missing"]},
        "vocabulary": {"child": ["child", "girls?"]},
        "harms": {"missing": ["missing"]},
        "subjects": {"patterns": ["<child>"]},
        "cues": {"now": {"overrides": ["figures"], "patterns": ["tonight"]}},
        "frames": {"figures": {"patterns": ["how many"]}, "question": {"patterns": ["^what"]}},
    })
    detector = UrgentDetector(rules)
    assert detector.detect("a girl is mising tonight") == UrgentMatch("missing+now", "missing", "now")
    assert detector.detect("how many girls went missing tonight") is not None  # `now` overrides figures
    assert detector.detect("what if a girl is missing tonight") is None  # but not the question frame
    assert detector.detect("a girl is missing") is None  # no cue
    assert detector.notice(None) == ["Call 999.", "Then the MASH."]


def test_bad_toml_names_the_file_and_the_fix(tmp_path):
    bad = tmp_path / "urgent.toml"
    bad.write_text("version = 1\n[notice\nfirst_line = 'x'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid TOML.*fix the syntax"):
        UrgentDetector.from_file(bad)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="no such file.*restore assistant/urgent.toml"):
        UrgentDetector.from_file(tmp_path / "nowhere.toml")


def test_missing_table_in_a_file(tmp_path):
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace("[cues.", "[hints.")
    broken = tmp_path / "urgent.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"has no \[cues\] table; add \[cues\]"):
        UrgentDetector.from_file(broken)


def _break(change):
    data = _rules()
    change(data)
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: d["notice"].pop("first_line"), r"\[notice\] has no 'first_line'; set first_line"),
    (lambda d: d["notice"].pop("front_door_fallback"), r"\[notice\] has no 'front_door_fallback'"),
    (lambda d: d["notice"].update(front_door_line="Contact the MASH."), r"no \{front_door\} placeholder; put"),
    (lambda d: d.pop("harms"), r"has no \[harms\] table"),
    (lambda d: d["subjects"].pop("patterns"), r"\[subjects\] is empty or not a table; fill in \[subjects\]"),
    (lambda d: d["subjects"].update(patterns="she"), r"\[subjects\] 'patterns' is not a list of strings"),
    (lambda d: d["cues"]["time_strong"].pop("overrides"), r"\[cues.time_strong\] has no 'overrides' list"),
    (lambda d: d.update(version=2), r"has version 2; set version = 1"),
    (lambda d: d["harms"]["missing"].append("(unclosed"), r"\[harms\] missing pattern '\(unclosed' is not a valid"),
    (lambda d: d["harms"]["missing"].append("<chlid> gone"), r"refers to <chlid>.*define chlid"),
    (lambda d: d["harms"]["missing"].append("gone "), r"ends with a space.*remove the space"),
    (lambda d: d["cues"]["alarm"].update(overrides=["figurez"]), r"unknown frames \['figurez'\]; choose from"),
    (lambda d: d["typos"]["words"].append("hit"), r"\[typos\] lists \['hit'\]; list only single words of six"),
    (lambda d: d["vocabulary"].update(harm=["x"]), r"defines 'harm'.*rename"),
    (lambda d: d["vocabulary"].update(loop=["<loop>"], child=d["vocabulary"]["child"] + ["<loop>"]),
     r"uses <loop> inside itself"),
])
def test_invalid_rules_raise_value_error_naming_the_problem(change, message):
    with pytest.raises(ValueError, match=message):
        UrgentRules.from_dict(_break(change), "urgent.toml")


def test_detector_needs_rules_not_a_dict():
    with pytest.raises(TypeError, match="UrgentRules.load"):
        UrgentDetector(_rules())  # type: ignore[arg-type]
