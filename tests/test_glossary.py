from corpus.glossary import expand_query, extract_definitions, load_base, merge


def test_extracts_full_name_acronym_patterns():
    text = ("Referrals go to the Multi-Agency Safeguarding Hub (MASH). The Local Authority Designated Officer "
            "(LADO) handles allegations. Early Intervention and Family Support Service (EIFSS) runs panels.")
    found = extract_definitions(text)
    assert found["MASH"] == "Multi-Agency Safeguarding Hub"
    assert found["LADO"] == "Local Authority Designated Officer"
    assert found["EIFSS"] == "Early Intervention and Family Support Service"


def test_does_not_invent_definitions_from_unrelated_brackets():
    assert extract_definitions("We met on Tuesday (NB: late) and agreed (ABC) nothing.") == {}


def test_expand_query_handles_case_and_s47():
    glossary = load_base()
    assert "Section 47" in expand_query("what happens in an s47", glossary)
    assert "Multi-Agency Safeguarding Hub" in expand_query("how do i contact the mash", glossary)
    assert expand_query("what do we do about it", glossary) == "what do we do about it"


def test_merge_keeps_two_definitions_and_drops_short_prose_acronyms():
    merged = merge({"LSP": "Lead Safeguarding Partner"}, {"LSP": "Local Strategy Plan", "DO": "Designated Officer"})
    assert merged["LSP"] == "Lead Safeguarding Partner; Local Strategy Plan"
    assert "DO" not in merged
