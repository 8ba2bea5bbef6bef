"""Redaction of personal details before a question is written anywhere (assistant/redact.py)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

import assistant.redact as redact_module
from assistant.redact import KINDS, Redactor, nhs_number_valid, redact, redaction_counts
from privacy_samples import generate_private_questions

PLACEHOLDER = re.compile(r"\[(?:email|phone|nhs-number|date|postcode|address|name)\]")


# --- each kind, in the formats practitioners type -------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("email jayden.smith@gmail.com please", "email [email] please"),
    ("mum is J.O'Connor@nhs.net.", "mum is [email]."),
    ("contact: sarah_k+school@redbridge.gov.uk", "contact: [email]"),
])
def test_emails(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("phone", [
    "07700 900123", "07700900123", "07700-900-123", "07700 900 123", "+44 7700 900123", "+447700900123",
    "+44 (0)7700 900123", "0044 7700 900123", "020 7946 0958", "(020) 7946 0958", "020-7946-0958",
    "0207 946 0958", "+44 20 7946 0958", "+44 (0)20 7946 0958", "0161 496 0000", "01632 960123",
    "(01632) 960123", "0800 123 4567",
])
def test_uk_phone_numbers(phone):
    assert redact(f"mum's number is {phone}, call after 5") == "mum's number is [phone], call after 5"


def test_phone_next_to_figures_keeps_the_figures():
    assert redact("in 2016 07700 900123 rang 3 times") == "in 2016 [phone] rang 3 times"
    assert redact("call 07700 900123 07700 900124") == "call [phone] [phone]"


@pytest.mark.parametrize("nhs", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_nhs_numbers(nhs):
    assert redact(f"NHS no {nhs}.") == "NHS no [nhs-number]."
    assert redaction_counts(f"NHS no {nhs}.") == {"nhs-number": 1}


def test_ten_digit_run_with_a_wrong_check_digit_is_still_redacted():
    # A mistyped NHS number still points at a child; no figure in a question has ten digits.
    assert redact("nhs 943 476 5910") == "nhs [nhs-number]"
    assert redact("ref 1234567890") == "ref [nhs-number]"
    # ...and one that reads as a phone number is labelled a phone number.
    assert redact("0123456780") == "[phone]"


def test_nhs_number_check_digit():
    assert nhs_number_valid("9434765919")
    assert nhs_number_valid("943 476 5919") and nhs_number_valid("943-476-5919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("943476591")  # nine digits
    assert not nhs_number_valid("94347659190")
    assert not nhs_number_valid("94347659x9")
    assert not any(nhs_number_valid(f"100000001{d}") for d in range(10))  # remainder 10: no valid number
    assert nhs_number_valid("4010232137")


@pytest.mark.parametrize("text, expected", [
    ("DOB 12/03/2015", "DOB [date]"),
    ("dob: 12.03.15", "dob: [date]"),
    ("d.o.b. 2015-03-12", "d.o.b. [date]"),
    ("date of birth 3/4/2015", "date of birth [date]"),
    ("born 3 March 2015", "born [date]"),
    ("born on the 3rd of March 2015", "born on the [date]"),
    ("born march 3, 2015", "born [date]"),
    ("born in March 2015", "born in [date]"),
    ("born in 2015 in Ilford", "born in [date] in Ilford"),
    ("birthday is 12/03", "birthday is [date]"),
    ("seen 12.03.15 at school", "seen [date] at school"),
    ("seen 12/3/15", "seen [date]"),
    ("visit on 2015-03-12T10:00", "visit on [date]T10:00"),
    ("incident on 3 May", "incident on [date]"),
    ("12 September and 6 October 2016", "[date] and [date]"),
    ("DOB 31/03/2015", "DOB [date]"),  # a quarter-end date of birth is still a date of birth
    ("born 31 March 2015", "born [date]"),
])
def test_dates(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("postcode IG1 2AB", "postcode [postcode]"),
    ("lives at ig1 2ab", "lives at [postcode]"),
    ("IG12AB", "[postcode]"),
    ("sw1a 1aa", "[postcode]"),
    ("EC1V 9HX, London", "[postcode], London"),
    ("family in IG1", "family in [postcode]"),
    ("moved to rm6 last year", "moved to [postcode] last year"),
    ("lives in E11", "lives in [postcode]"),
    ("postcode: n1", "postcode: [postcode]"),
])
def test_postcodes(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("lives at 12 Acacia Avenue", "lives at [address]"),
    ("lives at 12 acacia avenue", "lives at [address]"),
    ("flat 3, 45 High Road, Ilford IG1 2AB", "[address], Ilford [postcode]"),
    ("Flat 3B", "[address]"),
    ("12a Church St.", "[address]"),
    ("45-47 Cranbrook Rd", "[address]"),
    ("lives on Acacia Avenue with mum", "lives on [address] with mum"),
])
def test_addresses(text, expected):
    assert redact(text) == expected


# --- names -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("how do I refer my client Jayden Smith aged 14 to MASH", "how do I refer my client [name] aged 14 to MASH"),
    ("my client jayden smith has disclosed", "my client [name] has disclosed"),
    ("a child called Oluwaseun", "a child called [name]"),
    ("a boy named tallulah o'connor", "a boy named [name]"),
    ("girl called Siân", "girl called [name]"),
    ("her name is Zoë Nowak.", "her name is [name]."),
    ("his name is bartosz", "his name is [name]"),
    ("the child is named Kehinde", "the child is named [name]"),
    ("pupil Jayden-Lee D'Souza", "pupil [name]"),
    ("student niamh murphy is 17", "student [name] is 17"),
    ("young person Tendai", "young person [name]"),
    ("YP dariusz has gone missing", "YP [name] has gone missing"),
    ("mum sarah and dad john", "mum [name] and dad [name]"),
    ("Mother Aoife said", "Mother [name] said"),
    ("father cormac", "father [name]"),
    ("baby Amelia has bruises", "baby [name] has bruises"),
    ("Mr and Mrs Patel", "Mr and Mrs [name]"),
    ("mrs patel", "mrs [name]"),
    ("Dr Okafor is the GP", "Dr [name] is the GP"),
    ("Ms Da Silva", "Ms [name]"),
    ("miss hall said", "miss [name] said"),
    ("mum's boyfriend Dean", "mum's boyfriend [name]"),
    ("mums partner Kyle", "mums partner [name]"),
    ("a girl called grace", "a girl called [name]"),
    ("a boy called will", "a boy called [name]"),
    ("my client is Jayden", "my client is [name]"),
    ("client: Xiu Chen", "client: [name]"),
    ("my client jayden's mum", "my client [name]'s mum"),
    ("Jayden Smith is 14", "[name] is 14"),
    ("is jayden at risk", "is [name] at risk"),
    ("Can Mohammed Ali come to the meeting", "Can [name] come to the meeting"),
])
def test_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "named nurse for safeguarding", "who is the named doctor", "mum called the police", "dad called 999",
    "pupil premium funding", "pupil referral unit", "student nurse placement", "student social worker",
    "yp is 15 and the yp's mum", "mum drinks heavily", "dad hits him", "mother and baby unit",
    "baby bruising protocol", "father figure", "children who miss school", "child protection plan",
    "child sexual exploitation", "when a child dies", "partner agencies", "child J review", "the Baby P case",
    "mum is White British", "King George Hospital", "St George's Hospital", "Sarah's Law", "Clare's Law",
    "Victoria Climbié inquiry", "lessons from the Arthur Labinjo-Hughes review",
    "Ofsted judged Redbridge good", "Working Together to Safeguard Children", "Early Help", "the LADO",
    "how do I escalate a disagreement with another agency",
])
def test_safeguarding_terms_are_not_names(text):
    assert redact(text) == text


def test_allow_list_keeps_public_names_written_in_full():
    redactor = Redactor(allow_names=["John Goldup"])
    assert redactor.redact("what did John Goldup say") == "what did John Goldup say"
    assert redactor.redact("my client john") == "my client [name]"
    assert redactor.redact("Mr Goldup said") == "Mr [name] said"
    # The default list holds national case reviews; a surname alone is anyone's.
    assert redact("Hamzah Khan review") == "Hamzah Khan review"
    assert redact("Mr Khan said") == "Mr [name] said"
    # Without an allow-list the chair's name goes too: privacy first.
    assert redact("John Goldup chairs the LSCB") == "[name] chairs the LSCB"


def test_allow_list_is_validated():
    with pytest.raises(ValueError, match="has no letters"):
        Redactor(allow_names=["1234"])
    with pytest.raises(TypeError, match="strings"):
        Redactor(allow_names=[None])  # type: ignore[list-item]


# --- what must stay ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "how many referrals in 2016/17", "the 2016-17 figures", "2016/2017 and 2015-2016", "in 2016",
    "section 47 enquiries", "S47 and S17", "Children Act 1989", "83.4% of referrals", "5086 contacts",
    "45 days", "Working Together 2023", "Level 3", "CP plan", "4,125 referrals", "table 4,125 5,086 3,210",
    "years 2014 2015 2016 2017", "0 1 2 3 4 5 6 7 8 9", "April 2016 to March 2017", "as at 31 March 2017",
    "between 1 April 2016 and 31 March 2017", "by 30 September 2016", "paragraph 4.2.10", "version 1.2.3",
    "level 3 may be enough", "KS2 results", "Y6 pupils", "B12", "the M25", "45 days in court",
    "3 children at Family Court", "lives in the park", "the 5 ways to", "100% sure", "24/7 service",
    "18.9% fall", "10-12 year olds", "ratio 1:4", "Q3 2016/17", "call 999 or 101",
])
def test_figures_periods_and_terms_are_kept(text):
    assert redact(text) == text
    assert redaction_counts(text) == {}


def test_gold_questions_pass_through_unchanged():
    """The evaluation questions are real practitioners' wording with no private details."""
    changed = []
    for path in sorted(Path(__file__).parent.parent.joinpath("evaluation", "gold").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for question in [item.get("question"), *(item.get("paraphrases") or [])]:
                if question and redact(question) != question:
                    changed.append((question, redact(question)))
    assert changed == []


# --- counts, placeholders, robustness ----------------------------------------------------------------------

def test_counts_name_each_kind_found():
    text = ("my client jayden smith (DOB 12/03/2015, NHS 943 476 5919) lives at 12 Acacia Avenue IG1 2AB; "
            "mum sarah 07700 900123 sarah@example.org")
    assert redaction_counts(text) == {"email": 1, "phone": 1, "nhs-number": 1, "date": 1, "postcode": 1,
                                      "address": 1, "name": 2}
    assert redact(text) == ("my client [name] (DOB [date], NHS [nhs-number]) lives at [address] [postcode]; "
                            "mum [name] [phone] [email]")
    assert redaction_counts("what is a section 47 enquiry?") == {}
    assert set(KINDS) == {"email", "phone", "nhs-number", "date", "postcode", "address", "name"}


def test_redacting_twice_changes_nothing_more():
    for question in generate_private_questions(50, seed=3):
        once = redact(question.text)
        assert redact(once) == once


def test_non_str_is_a_type_error():
    with pytest.raises(TypeError, match="takes a str"):
        redact(None)  # type: ignore[arg-type]


def test_fails_closed(monkeypatch):
    def broken(text, counts):
        raise RuntimeError("boom")

    monkeypatch.setattr(redact_module, "_numbers", broken)
    assert redact("my client 07700 900123") == "[redacted]"
    assert redaction_counts("my client 07700 900123") == {"unredactable": 1}


def test_never_raises_on_odd_unicode():
    rng = random.Random(0)
    pool = list("0123456789 +()-./:,'’@[]\t\nabcxyzABCXYZéÉßſKİıΣσς٠١٢٣４５６७८") + [
        "mum ", "called ", "DOB ", "born ", "IG1 ", "07700 ", "Mrs ", "jayden ", "flat ", " Road", " March ",
        "2015", "'s", "[name]", "\ud800", "\x00", "\u200b", "\u0301", "👩‍👧"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        assert redact(text) != "[redacted]", text
    for block in range(0, 0x30000, 0x1000):
        assert redact("".join(map(chr, range(block, block + 0x1000)))) != "[redacted]"


def test_unicode_digits_are_digits():
    assert redact("mob ０７７００ ９００１２３") == "mob [phone]"
    assert redact("nhs ٩٤٣٤٧٦٥٩١٩") == "nhs [nhs-number]"


def test_one_megabyte_single_line():
    sentence = "my client jayden smith, DOB 12/03/2015, phone 07700 900123, lives at IG1 2AB. "
    n = 1_000_000 // len(sentence)
    out, counts = Redactor().redact_with_counts(sentence * n)
    assert out == "my client [name], DOB [date], phone [phone], lives at [postcode]. " * n
    assert counts == {"phone": n, "date": n, "postcode": n, "name": n}
    for text in ("a" * 1_000_000, "1" * 1_000_000, "1 " * 500_000, "mum " * 250_000, "x@" * 500_000,
                 "(" * 1_000_000, "Jayden " * 150_000):
        out = redact(text)
        assert out != "[redacted]" and "jayden" not in out.lower()


# --- generated private questions ---------------------------------------------------------------------------

def test_generated_questions_hold_their_secrets():
    questions = generate_private_questions(300, seed=2024)
    assert questions == generate_private_questions(300, seed=2024)
    assert questions != generate_private_questions(300, seed=2025)
    for question in questions:
        assert len(question.secrets) == 6
        assert nhs_number_valid(question.secrets[0])
        assert all(secret in question.text for secret in question.secrets)
        assert question.leaks(question.text)


def test_no_secret_survives_redaction():
    leaked = []
    for question in generate_private_questions(300, seed=2024):
        out = redact(question.text)
        if question.leaks(out):
            leaked.append((question.text, out, question.leaks(out)))
        assert PLACEHOLDER.search(out)
    assert leaked == []


def test_counts_match_generated_secrets():
    for question in generate_private_questions(100, seed=7):
        counts = redaction_counts(question.text)
        for kind in ("email", "postcode", "date", "name"):
            assert counts.get(kind, 0) >= 1, (kind, question.text)
        assert counts.get("phone", 0) + counts.get("nhs-number", 0) >= 2, question.text
