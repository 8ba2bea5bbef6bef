from collections import Counter

from index.query import Speller, normalise_periods, prepare_query


def test_periods_are_written_out():
    assert normalise_periods("cp plans 16/17") == "cp plans 2016/17"
    assert normalise_periods("referrals in 2015-16 and 2016 - 17") == "referrals in 2015/16 and 2016/17"
    assert normalise_periods("s47s in q4") == "s47s in quarter 4"
    assert normalise_periods("ratio 12/30 and 9-5") == "ratio 12/30 and 9-5"
    assert normalise_periods("2016/17 stays") == "2016/17 stays"


def test_speller_fixes_typos_from_the_corpus_words_only():
    speller = Speller(Counter({"threshold": 40, "private": 30, "fostering": 30, "referral": 20, "neglect": 9}),
                      protected=["mash"])
    assert speller.correct_text("threshhold for privte fostering") == "threshold for private fostering"
    assert speller.correct("referal") == "referral"
    assert speller.correct("MASH") == "MASH"  # protected acronyms and short words are left alone
    assert speller.correct("zebra") == "zebra"  # nothing near it: unchanged, never invented


def test_prepare_query_expands_acronyms_for_bm25_only():
    prepared = prepare_query("s47 in 16/17", {"S47": "Section 47 enquiry"})
    assert prepared.dense == "s47 in 2016/17"
    assert prepared.lexical == "s47 in 2016/17 Section 47 enquiry"
