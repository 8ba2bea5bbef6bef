"""Small corpus texts shared by the ingest tests."""

POLICY = """# Escalation policy

## Resolving professional disagreements

When practitioners disagree about a child's safety they should first talk to each other. If that does not
resolve it within two working days, escalate to your line manager.

## Private fostering

A private fostering arrangement is one where a child under 16 is cared for by someone who is not a close
relative for 28 days or more. Notify children's social care.
"""

THRESHOLDS = """Thresholds guidance

Level 1: Universal

Children whose needs are met by universal services such as schools and GPs.

Level 4: Specialist

Children at risk of significant harm need a referral to the Multi-Agency Safeguarding Hub (MASH).
"""


# A small answer-engine corpus: two editions of a thresholds guide and an annual report with a table and
# contact lines (tests/test_engine.py, test_api.py, test_cli.py, the widget and admin tests).
REPORT_MANIFEST = """
[[document]]
id = "annual-report"
file = "annual-report.md"
title = "Westshire LSCB Annual Report 2016-17"
kind = "annual-report"
publisher = "Westshire LSCB"
area = "Redbridge"
published = "2017-07-01"
"""

NEW_EDITION_MANIFEST = """
[[document]]
id = "thresholds-2018"
file = "thresholds-2018.md"
title = "Westshire Thresholds Guidance 2018"
kind = "thresholds-guidance"
publisher = "Westshire LSCB"
area = "Redbridge"
published = "2018-04-01"
"""

MANIFEST = """
[[document]]
id = "thresholds-2015"
file = "thresholds-2015.md"
title = "Westshire Thresholds Guidance 2015"
kind = "thresholds-guidance"
publisher = "Westshire LSCB"
area = "Redbridge"
published = "2015-04-01"
""" + NEW_EDITION_MANIFEST + 'supersedes = ["thresholds-2015"]\n' + REPORT_MANIFEST

OLD_EDITION = """# Thresholds guidance

## Escalation timescale

A practitioner who disagrees with a threshold decision should escalate the disagreement to a manager within
ten working days of the decision being made.
"""

NEW_EDITION = """# Thresholds guidance

## Escalation timescale

A practitioner who disagrees with a threshold decision should escalate the disagreement to a manager within
five working days of the decision being made.

## Levels of need

Level 4 is for children at risk of significant harm: refer them to the Multi-Agency Safeguarding Hub (MASH)
at once.
"""

REPORT = """# Annual report

## Private fostering

Private fostering is the care of a child under 16 by someone who is not a parent or close relative for 28 days
or more. Twelve children were notified as privately fostered during the year.

## Referrals

The number of referrals to children's social care, by year:

Year\t2014/15\t2015/16\t2016/17
Referrals\t5175\t5086\t4125

## Contact us

For more information contact the board.

Website: www.westshirelscb.org.uk

E-mail: lscb@westshire.gov.uk

Tel: 020 8708 0000
"""
