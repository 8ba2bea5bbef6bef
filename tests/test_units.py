from assistant.types import Passage, PassageKind
from corpus.units import passage_units


def make(text: str, kind=PassageKind.PROSE, context: str = "") -> Passage:
    return Passage(id="d:1", document_id="d", title="D", section=["S"], page=1, paragraph=None, start=0,
                   end=len(text), kind=kind, text=text, context=context)


def test_prose_passage_gives_its_sentences():
    units = passage_units(make("Private fostering is private. It lasts 28 days or more.\n• Notify the council now"))
    assert units == ["Private fostering is private.", "It lasts 28 days or more.", "• Notify the council now"]


def test_table_rows_carry_their_header():
    first = make("Category\t2015/16\t2016/17\nNeglect\t69\t81\nPhysical abuse\t30\t28", PassageKind.TABLE)
    assert passage_units(first) == ["Category 2015/16 2016/17 Neglect 69 81", "Category 2015/16 2016/17 Physical abuse 30 28"]
    later = make("Sexual abuse\t11\t7", PassageKind.TABLE, context="Category\t2015/16\t2016/17")
    assert passage_units(later) == ["Category 2015/16 2016/17 Sexual abuse 11 7"]


def test_a_passage_too_short_for_units_is_its_own_unit():
    assert passage_units(make("Level 4")) == ["Level 4"]
