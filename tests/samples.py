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
