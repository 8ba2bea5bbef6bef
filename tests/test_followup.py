"""Follow-up resolution as pure functions: which questions lean on the previous turn, and what they become."""

import pytest

from assistant.conversation import Turn
from assistant.followup import KINDS, Resolution, is_followup, resolve_followup, shift_period

REFERRALS = Turn("how many referrals to csc in 16/17", "Referrals to Children's Social Care", "2016/17", "Redbridge",
                 0.0)
NEGLECT = Turn("How many children became subject to a child protection plan under the category of neglect in "
               "2016/17?", None, "2016/17", "Redbridge", 0.0)
TRAINING = Turn("What was NELFT's Level 3 safeguarding children training compliance at year end 2016/17?", None,
                "2016/17", None, 0.0)
MISSING = Turn("How many children went missing from home in 2016/17, and on how many occasions?", None, "2016/17",
               None, 0.0)
ASSESSMENTS = Turn("What % of assessments were completed within 45 days in Redbridge in 2016/17?", None, "2016/17",
                   "Redbridge", 0.0)
TARGETS = Turn("What are the missing children targets for 2017/18?", None, None, None, 0.0)
CHAIR = Turn("who chairs the lscb", "Governance", None, None, 0.0)


def resolve(question: str, previous: Turn | None) -> Resolution:
    result = resolve_followup(question, previous)
    assert result.kind in KINDS
    assert result.followup == (result.kind != "standalone")
    return result


# --- standalone ------------------------------------------------------------------------------------------
STANDALONE = [
    "what are the thresholds for a referral?",
    "how many referrals in 2016/17",
    "What is private fostering?",
    "who chairs the lscb",
    "Is it ok to disagree with other professionals about a child?",
    "what does it mean to be looked after?",
    "What is a CAF and who can use it?",
    "what should I do if I'm worried about a child?",
    "How many children were subject to a child protection plan at 31 March 2017?",
    "What percentage of assessments were completed within 45 days nationally?",
    "who leads on the e-safety campaign",
    "what are the services that help families with housing?",
    "What happened the year before the Ofsted inspection?",
    "how many s47s in q4",
    "privte fostering 16/17",
    "Neglect",
    "Tell me about the LADO",
    "what was the take up rate for return home interviews last year",
    "When should a strategy discussion be held?",
    "What does Working Together 2023 say about the role of schools?",
    "How does the MASH work?",
]


@pytest.mark.parametrize("question", STANDALONE)
def test_complete_questions_are_standalone_even_after_a_turn(question):
    assert not is_followup(question)
    assert resolve(question, REFERRALS) == Resolution(question.strip(), False, "standalone")


@pytest.mark.parametrize("question", ["and the year before?", "who leads on that?", "what about neglect?",
                                      "and nationally?", "why?", "what is private fostering?"])
def test_without_a_previous_turn_everything_is_standalone(question):
    assert resolve(question, None) == Resolution(question, False, "standalone")


# --- periods ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("period, years, expected", [
    ("2016/17", -1, "2015/16"), ("2000/01", -1, "1999/00"), ("1999/00", 1, "2000/01"), ("2016/17", 1, "2017/18"),
    ("2016-17", -2, "2014/15"), ("16/17", -1, "2015/16"), ("2016/2017", -1, "2015/16"), ("2016", -1, "2015"),
    ("2009/10", 1, "2010/11"),
])
def test_shift_period(period, years, expected):
    assert shift_period(period, years) == expected


@pytest.mark.parametrize("bad", ["2016/18", "last year", "16", ""])
def test_shift_period_refuses_what_is_not_a_period(bad):
    with pytest.raises(ValueError, match="write it as '2016/17'"):
        shift_period(bad, -1)


@pytest.mark.parametrize("question, expected", [
    ("and the year before?", "2015/16"),
    ("and a year earlier?", "2015/16"),
    ("what about the previous year", "2015/16"),
    ("The year prior?", "2015/16"),
    ("last year?", "2015/16"),
    ("and the preceding year", "2015/16"),
    ("how about the year before that?", "2015/16"),
    ("the year after?", "2017/18"),
    ("and a year later?", "2017/18"),
    ("what about the following year?", "2017/18"),
    ("two years earlier?", "2014/15"),
    ("and the year before last?", "2014/15"),
    ("and 2015/16?", "2015/16"),
    ("and in 2019/20?", "2019/20"),
    ("what about 2013-14", "2013/14"),
    ("and 12/13?", "2012/13"),
    ("2014/15?", "2014/15"),
    ("what was it in 2014/15?", "2014/15"),
    ("how many were there in 2015/16?", "2015/16"),
])
def test_period_follow_ups_shift_or_replace_the_period(question, expected):
    assert is_followup(question)
    result = resolve(question, REFERRALS)
    assert result == Resolution(f"how many referrals to csc in {expected}", True, "period")


@pytest.mark.parametrize("previous_question", ["how many referrals to csc in 2016-17?", "referrals 16/17",
                                               "How many referrals were there in 2016/2017?"])
def test_the_period_is_found_in_the_previous_question_in_any_form(previous_question):
    previous = Turn(previous_question, None, None, None, 0.0)
    text = resolve("and the year before?", previous).text
    assert "2015/16" in text and "2016" not in text.replace("2015/16", "")


def test_the_turn_period_is_used_when_the_question_names_none():
    previous = Turn("how many children were missing from education", None, "2000/01", None, 0.0)
    assert resolve("and the year before?", previous) == Resolution(
        "how many children were missing from education in 1999/00", True, "period")


def test_bare_years_and_dates_shift_too():
    fostering = Turn("How many children were living in notified private fostering arrangements at 31 March 2017?",
                     None, "2016/17", None, 0.0)
    assert resolve("and a year earlier?", fostering).text.endswith("at 31 March 2016?")
    lado = Turn("How many notifications did the LADO receive in 2016?", None, "2016", None, 0.0)
    assert resolve("and the year after?", lado).text == "How many notifications did the LADO receive in 2017?"


def test_a_period_follow_up_with_its_own_subject_keeps_it():
    result = resolve("how many children were on cp plans the year before?", REFERRALS)
    assert result == Resolution("how many children were on cp plans in 2015/16?", True, "period")


def test_with_no_period_anywhere_the_relative_words_are_kept():
    result = resolve("and the year before?", CHAIR)
    assert result.followup and result.kind == "period" and result.text == "who chairs the lscb the year before"


# --- areas -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("question, phrase", [
    ("and nationally?", "nationally"),
    ("what about nationally", "nationally"),
    ("national?", "nationally"),
    ("what about england", "in England"),
    ("And in England?", "in England"),
    ("and for statistical neighbours?", "for statistical neighbours"),
    ("what about our stat neighbours?", "for statistical neighbours"),
    ("and London?", "in London"),
    ("what about outer london", "in Outer London"),
    ("and in havering?", "in Havering"),
])
def test_area_follow_ups_replace_the_area(question, phrase):
    assert is_followup(question)
    result = resolve(question, ASSESSMENTS)
    assert result == Resolution(f"What % of assessments were completed within 45 days in 2016/17 {phrase}?", True,
                                "area")


@pytest.mark.parametrize("question", ["vs statistical neighbours", "versus England?", "compared with London?",
                                      "and compared to statistical neighbours?"])
def test_comparisons_keep_the_old_area_and_add_the_new_one(question):
    result = resolve(question, ASSESSMENTS)
    assert result.kind == "area"
    assert "in Redbridge" in result.text and "compared with" in result.text


def test_an_area_at_the_start_or_as_a_possessive_is_replaced():
    national = Turn("Nationally, what share of new child protection plans were under emotional abuse in 2015/16?",
                    None, "2015/16", "National", 0.0)
    assert resolve("and in redbridge?", national).text == (
        "what share of new child protection plans were under emotional abuse in 2015/16 in Redbridge?")
    rate = Turn("What was Redbridge's rate of children on child protection plans per 10,000 at 31 March 2017?",
                None, "2016/17", "Redbridge", 0.0)
    assert resolve("and nationally?", rate).text == (
        "What was the rate of children on child protection plans per 10,000 at 31 March 2017 nationally?")


def test_area_and_period_together():
    result = resolve("and nationally in 2015/16?", ASSESSMENTS)
    assert result.text == "What % of assessments were completed within 45 days in 2015/16 nationally?"


# --- topics ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("question, topic", [
    ("what about emotional abuse?", "emotional abuse"),
    ("and for emotional abuse?", "emotional abuse"),
    ("how about sexual abuse", "sexual abuse"),
    ("same for physical abuse", "physical abuse"),
    ("And what about neglect?", "neglect"),
    ("what of sexual abuse?", "sexual abuse"),
    ("and multiple categories?", "multiple categories"),
    ("physical abuse?", "physical abuse"),
])
def test_a_category_of_abuse_replaces_another(question, topic):
    previous = Turn(NEGLECT.question.replace("neglect", "domestic abuse"), None, "2016/17", None, 0.0)
    assert is_followup(question)
    assert resolve(question, previous) == Resolution(
        "How many children became subject to a child protection plan under the category of "
        f"{topic} in 2016/17?", True, "topic")


@pytest.mark.parametrize("question, expected", [
    ("and BHRUT?", "What was BHRUT's Level 3"),
    ("what about the police?", "What was the police's Level 3"),
    ("and schools?", "What was schools' Level 3"),
    ("and level 2?", "What was NELFT's level 2"),
    ("how about level 1", "What was NELFT's level 1"),
])
def test_an_agency_replaces_an_agency_and_a_level_a_level(question, expected):
    result = resolve(question, TRAINING)
    assert result.kind == "topic"
    assert result.text == f"{expected} safeguarding children training compliance at year end 2016/17?"


def test_a_phrase_with_a_preposition_replaces_the_same_kind_of_phrase():
    assert resolve("what about from care?", MISSING) == Resolution(
        "How many children went missing from care in 2016/17, and on how many occasions?", True, "topic")
    assert resolve("and in q3?", Turn("how many s47s in q4", None, None, None, 0.0)).text == "how many s47s in q3"
    thresholds = Turn("what are the thresholds for a referral?", None, None, None, 0.0)
    assert resolve("and for an early help assessment?", thresholds).text == (
        "what are the thresholds for an early help assessment?")


def test_a_topic_with_nothing_to_replace_is_prepended_to_the_previous_content():
    result = resolve("what about private fostering?", REFERRALS)
    assert result == Resolution("how many private fostering referrals csc 2016/17", True, "topic")
    assert resolve("and for girls?", NEGLECT).text.startswith("How many girls children became subject")


def test_a_topic_and_a_period_together():
    result = resolve("what about emotional abuse the year before?", NEGLECT)
    assert result.kind == "topic"
    assert result.text.endswith("under the category of emotional abuse in 2015/16?")


# --- references ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("question, expected", [
    ("who leads on that?", "who leads on missing children targets 2017/18?"),
    ("Who is responsible for this?", "Who is responsible for missing children targets 2017/18?"),
    ("when was it published", "when was missing children targets 2017/18 published"),
    ("what does that mean", "what does missing children targets 2017/18 mean"),
    ("when is that due?", "when is missing children targets 2017/18 due?"),
    ("is there a shorter version of it?", "is there a shorter version of missing children targets 2017/18?"),
    ("how many of those were met?", "how many of missing children targets 2017/18 were met?"),
    ("and who monitors them?", "who monitors missing children targets 2017/18?"),
    ("what was it before?", "what was missing children targets 2017/18 before?"),
    ("how does that compare nationally?", "how does missing children targets 2017/18 compare nationally?"),
])
def test_a_pronoun_is_replaced_by_the_previous_question_content(question, expected):
    assert is_followup(question)
    assert resolve(question, TARGETS) == Resolution(expected, True, "reference")


@pytest.mark.parametrize("question, expected", [
    ("why?", "why (missing children targets 2017/18)?"),
    ("Why", "Why (missing children targets 2017/18)"),
    ("tell me more", "tell me more (missing children targets 2017/18)"),
    ("Can you explain?", "Can you explain (missing children targets 2017/18)?"),
    ("and what did they spend?", "what did they spend (missing children targets 2017/18)?"),
    ("more detail please", "more detail please (missing children targets 2017/18)"),
    ("and?", "missing children targets 2017/18"),
])
def test_a_bare_reference_gets_the_previous_question_content_after_it(question, expected):
    assert is_followup(question)
    assert resolve(question, TARGETS) == Resolution(expected, True, "reference")


def test_the_turn_topic_helps_only_when_the_previous_question_is_thin():
    assert resolve("what else does he chair?", CHAIR).text == "what else does he chair (chairs lscb; Governance)?"
    assert resolve("who leads on that?", CHAIR).text == "who leads on chairs lscb (Governance)?"
    rich = Turn(TARGETS.question, "Some Section Title", None, None, 0.0)
    assert resolve("who leads on that?", rich).text == "who leads on missing children targets 2017/18?"


def test_chained_follow_ups_build_on_the_resolved_text():
    first = resolve("and the year before?", REFERRALS)
    second = resolve("and the year before?", Turn(first.text, None, "2015/16", None, 0.0))
    third = resolve("and nationally?", Turn(second.text, None, "2014/15", None, 0.0))
    assert third.text == "how many referrals to csc in 2014/15 nationally"


def test_acknowledgements_are_not_follow_ups():
    for question in ("thanks", "ok", "Thank you!"):
        assert resolve(question, REFERRALS).kind == "standalone"
